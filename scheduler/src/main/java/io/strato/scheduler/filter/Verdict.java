package io.strato.scheduler.filter;

/** A filter's answer for one host: pass, or the reason it cannot take the request. */
public record Verdict(boolean passed, String reason) {

    public static final Verdict PASS = new Verdict(true, "");

    public static Verdict reject(String reason) {
        return new Verdict(false, reason);
    }
}
