package io.strato.scheduler.host;

import java.util.Locale;

/** Nova's canonical architecture names ({@code nova.objects.fields.Architecture.canonicalize}). */
public final class Architectures {

    private Architectures() {
    }

    public static String canonical(String name) {
        if (name == null) {
            return "";
        }
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "amd64", "x64" -> "x86_64";
            case "i386", "i486", "i586", "x86_32" -> "i686";
            case "arm64" -> "aarch64";
            case "ppc" -> "ppc64";
            default -> lower;
        };
    }
}
