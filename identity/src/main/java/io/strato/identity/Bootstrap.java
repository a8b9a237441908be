package io.strato.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What {@code keystone-manage bootstrap} does, run at every start and idempotent: the roles {@code admin},
 * {@code member} and {@code reader}; the admin project and user (admin role) when an admin password is configured;
 * the service user the compute agents act as (role {@code service} in the {@code service} project, like Nova's
 * service user: it acts for an instance's project with that project's member rights, never as an admin; an admin
 * grant from an earlier version is taken away);
 * and, for the all-in-one, a {@code demo} project and user (member role) when a demo password is configured.
 * A user is created with the configured password only when missing: an existing user keeps the password and enabled
 * flag its administrators gave it (a restart never re-enables a disabled admin or resets a changed password); the
 * grants are ensured at every start.
 */
final class Bootstrap {
  private final IdentityConfig config;
  private final Projects projects;
  private final Users users;
  private final Roles roles;
  private final PasswordWorkers passwords;

  Bootstrap(IdentityConfig config, Projects projects, Users users, Roles roles, PasswordWorkers passwords) {
    this.config = config;
    this.projects = projects;
    this.users = users;
    this.roles = roles;
    this.passwords = passwords;
  }

  Future<Void> run() {
    return roles.ensure("reader").compose(r -> roles.ensure("member")).compose(member -> roles.ensure("service")
        .compose(service -> roles.ensure("admin")
            .compose(admin -> account(config.adminName(), config.adminPassword(), config.adminProject(), admin, null)
                .compose(v -> account(config.serviceUser(), config.servicePassword(), config.serviceProject(),
                    service, admin))))
        .compose(v -> account("demo", config.demoPassword(), "demo", member, null)));
  }

  /** The account with {@code role} on its project; {@code notRole} (granted by an earlier version) taken away. */
  private Future<Void> account(String userName, String password, String projectName, JsonObject role,
      JsonObject notRole) {
    if (password.isBlank()) return Future.succeededFuture();
    return projects.ensure(projectName, "default", "Bootstrap project " + projectName)
        .compose(project -> users.find(userName, "default")
            .compose(existing -> existing != null ? Future.succeededFuture(existing) : passwords.hash(password)
                .compose(hash -> users.ensure(userName, "default", hash, project.getString("id"))))
            .compose(user -> roles.grant(project.getString("id"), user.getString("id"), role.getString("id"))
                .compose(v -> notRole == null ? Future.succeededFuture()
                    : roles.revoke(project.getString("id"), user.getString("id"), notRole.getString("id"))
                        .<Void>mapEmpty())));
  }
}
