package io.strato.identity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed password logins, counted per user and source address and per source address (Keystone's
 * {@code lockout_failure_attempts} and {@code lockout_duration}, narrowed so that an attacker cannot lock a user out
 * from everywhere):
 * <ul>
 *   <li>{@code identity.lockout.failure.attempts} failures of one user from one source lock that pair for
 *       {@code identity.lockout.duration.seconds}: the same user from another source, and other users from the same
 *       source (the service user refreshing its token), still log in;</li>
 *   <li>{@code identity.lockout.source.failure.attempts} wrong passwords from one source, over all users, lock
 *       that source (password spraying) for every user except those that logged in there successfully within the
 *       lockout duration (so a service refreshing its token from a shared address keeps working). A locked pair's
 *       attempts are refused before any check, so they do not count: hammering one user adds at most the per-user
 *       limit to its source. Unknown user names do not count (a typo or a fuzzer must not lock out a host).</li>
 * </ul>
 * Failures are forgotten {@code identity.lockout.duration.seconds} after the last one; a good login clears its pair.
 * Kept in memory per identity replica, at most {@code identity.lockout.max.tracked} entries (the least recently
 * failed go first).
 */
final class LoginThrottle {
  private final int perUserAttempts;
  private final int perSourceAttempts;
  private final long durationMillis;
  private final Map<String, Failures> failures;

  private static final class Failures {
    int count;
    long lastMillis;
    long lockedUntilMillis;
  }

  LoginThrottle(int perUserAttempts, int perSourceAttempts, long durationSeconds, int maxTracked) {
    this.perUserAttempts = perUserAttempts;
    this.perSourceAttempts = perSourceAttempts;
    this.durationMillis = durationSeconds * 1000;
    this.failures = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
        return size() > maxTracked;
      }
    };
  }

  /** True when a login of {@code userId} from {@code source} is to be refused without checking its password. */
  synchronized boolean locked(String userId, String source) {
    long now = System.currentTimeMillis();
    if (lockedNow(pairKey(userId, source), now)) return true;
    return lockedNow(sourceKey(source), now) && !lockedNow(goodKey(userId, source), now);
  }

  /** A wrong password for {@code userId}. */
  synchronized void failed(String userId, String source) {
    long now = System.currentTimeMillis();
    count(sourceKey(source), perSourceAttempts, now);
    count(pairKey(userId, source), perUserAttempts, now);
  }

  /** A good login: clears the pair's failures and exempts it from its source's lockout for the lockout duration. */
  synchronized void succeeded(String userId, String source) {
    long now = System.currentTimeMillis();
    failures.remove(pairKey(userId, source));
    Failures good = failures.computeIfAbsent(goodKey(userId, source), k -> new Failures());
    good.lastMillis = now;
    good.lockedUntilMillis = now + durationMillis;
  }

  private boolean lockedNow(String key, long now) {
    Failures f = failures.get(key);
    return f != null && f.lockedUntilMillis > now;
  }

  private void count(String key, int limit, long now) {
    if (limit <= 0) return;
    Failures f = failures.computeIfAbsent(key, k -> new Failures());
    if (now - f.lastMillis > durationMillis) f.count = 0;
    f.count++;
    f.lastMillis = now;
    if (f.count >= limit) f.lockedUntilMillis = now + durationMillis;
  }

  private static String sourceKey(String source) {
    return "source " + source;
  }

  private static String goodKey(String userId, String source) {
    return "good " + userId + " " + source;
  }

  private static String pairKey(String userId, String source) {
    return "user " + userId + " " + source;
  }
}
