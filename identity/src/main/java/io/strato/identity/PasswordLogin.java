package io.strato.identity;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code password} auth method. Every refusal is the same 401 (unknown user, wrong password, disabled user,
 * throttled), so an answer never tells whether the password was right; a throttled login is refused before its
 * password is checked, so a flood of guesses costs no hashing. A good login whose hash is weaker than today's
 * setting gets its password rehashed, after the answer.
 */
final class PasswordLogin {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordLogin.class);
  private final Users users;
  private final PasswordWorkers workers;
  private final LoginThrottle throttle;

  PasswordLogin(Users users, PasswordWorkers workers, LoginThrottle throttle) {
    this.users = users;
    this.workers = workers;
    this.throttle = throttle;
  }

  /** The user {@code password} (Keystone's {@code identity.password} object) names, when its password is right. */
  Future<Users.Credentials> authenticate(JsonObject password, String source) {
    JsonObject user = password == null ? null : Fields.optionalObject(password, "user");
    if (user == null) throw ApiException.badRequest("'user' is a required property of the password method.");
    String secret = Fields.requiredString(user, "password", 4096);
    String id = Fields.optionalString(user, "id", 64);
    String name = Fields.optionalString(user, "name", 255);
    JsonObject domain = Fields.optionalObject(user, "domain");
    if (id == null && (name == null || domain == null)) {
      throw ApiException.badRequest("The user needs an 'id', or a 'name' and a 'domain'.");
    }
    String domainId = domain == null ? null : Fields.optionalString(domain, "id", 64);
    String domainName = domain == null ? null : Fields.optionalString(domain, "name", 255);
    return users.credentials(id, name, domainId, domainName).compose(c -> check(c, secret, source));
  }

  private Future<Users.Credentials> check(Users.Credentials c, String secret, String source) {
    if (throttle.locked(c.id(), source)) return Future.failedFuture(refused());
    return workers.matches(secret, c.passwordHash()).compose(ok -> {
      if (!ok) {
        throttle.failed(c.id(), source);
        return Future.failedFuture(refused());
      }
      if (!c.enabled()) return Future.failedFuture(refused());
      throttle.succeeded(c.id(), source);
      rehashIfWeak(c, secret);
      return Future.succeededFuture(c);
    });
  }

  private void rehashIfWeak(Users.Credentials c, String secret) {
    if (!workers.hasher().needsRehash(c.passwordHash())) return;
    workers.hash(secret).compose(stronger -> users.replacePasswordHash(c.id(), c.passwordHash(), stronger))
        .onFailure(e -> LOG.info("password of user {} not rehashed now ({}); next login will", c.id(),
            e.getMessage()));
  }

  private static ApiException refused() {
    return ApiException.unauthorized("The request you have made requires authentication.");
  }
}
