package io.strato.identity;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The {@code application_credential} auth method: the credential by {@code id}, or by {@code name} with its
 * {@code user} (an id, or a name and a domain), and its {@code secret}. Every refusal is the same 401: no such
 * credential, a wrong secret, an expired credential, a disabled user. The secret is checked on the password pool.
 */
final class ApplicationCredentialLogin {
  static final String METHOD = "application_credential";
  private final ApplicationCredentials credentials;
  private final Users users;
  private final PasswordWorkers secrets;

  /** Who logged in, with which credential. */
  record Login(Users.Credentials user, ApplicationCredentials.Credential credential) {}

  ApplicationCredentialLogin(ApplicationCredentials credentials, Users users, PasswordWorkers secrets) {
    this.credentials = credentials;
    this.users = users;
    this.secrets = secrets;
  }

  Future<Login> authenticate(JsonObject method) {
    if (method == null) throw ApiException.badRequest("'application_credential' is a required property.");
    String secret = Fields.requiredString(method, "secret", 4096);
    String id = Fields.optionalString(method, "id", 64);
    Future<ApplicationCredentials.Credential> found;
    if (id != null) {
      found = credentials.forLogin(id, null, null);
    } else {
      String name = Fields.requiredString(method, "name", 255);
      JsonObject user = Fields.optionalObject(method, "user");
      if (user == null) throw ApiException.badRequest("An application credential named needs its 'user'.");
      JsonObject domain = Fields.optionalObject(user, "domain");
      found = users.credentials(Fields.optionalString(user, "id", 64), Fields.optionalString(user, "name", 255),
              domain == null ? null : Fields.optionalString(domain, "id", 64),
              domain == null ? null : Fields.optionalString(domain, "name", 255))
          .compose(u -> credentials.forLogin(null, name, u.id()));
    }
    return found.compose(c -> {
      if (c == null || c.expired()) return Future.failedFuture(refused());
      return secrets.matches(secret, c.secretHash()).compose(ok -> ok
          ? users.credentials(c.userId(), null, null, null) : Future.<Users.Credentials>failedFuture(refused()))
          .map(u -> {
            if (!u.enabled()) throw refused();
            return new Login(u, c);
          });
    });
  }

  static ApiException refused() {
    return ApiException.unauthorized("The request you have made requires authentication.");
  }
}
