package io.strato.launcher;

import io.strato.common.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what the real OpenStack clients need: {@code clouds.yaml} with the clouds {@code strato} (demo user) and
 * {@code strato-admin}, and the matching {@code openrc} / {@code openrc-admin} shell files.
 */
final class ClientFiles {
  private ClientFiles() {}

  static Path write(Settings settings, Secrets secrets) {
    Path dir = Path.of(settings.get("aio.clouds.dir"));
    String authUrl = "http://" + settings.get("public.host") + ":" + settings.get("identity.port") + "/v3";
    String region = settings.get("identity.region");
    String yaml = "# Written by ./strato run: use with  openstack --os-cloud strato ...  (or strato-admin)\n"
        + "clouds:\n"
        + cloud("strato", authUrl, "demo", secrets.demoPassword(), "demo", region)
        + cloud("strato-admin", authUrl, settings.get("identity.bootstrap.admin.name"), secrets.adminPassword(),
            settings.get("identity.bootstrap.project"), region);
    try {
      Files.createDirectories(dir);
      Path clouds = dir.resolve("clouds.yaml");
      writePrivate(clouds, yaml);
      writePrivate(dir.resolve("openrc"), openrc(authUrl, "demo", secrets.demoPassword(), "demo", region));
      writePrivate(dir.resolve("openrc-admin"), openrc(authUrl, settings.get("identity.bootstrap.admin.name"),
          secrets.adminPassword(), settings.get("identity.bootstrap.project"), region));
      return clouds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String cloud(String name, String authUrl, String user, String password, String project,
      String region) {
    return "  " + name + ":\n"
        + "    auth:\n"
        + "      auth_url: " + authUrl + "\n"
        + "      username: " + user + "\n"
        + "      password: " + password + "\n"
        + "      project_name: " + project + "\n"
        + "      user_domain_name: Default\n"
        + "      project_domain_name: Default\n"
        + "    region_name: " + region + "\n"
        + "    interface: public\n"
        + "    identity_api_version: 3\n";
  }

  private static String openrc(String authUrl, String user, String password, String project, String region) {
    return "# Written by ./strato run: source it, then use openstack or nova\n"
        + "export OS_AUTH_URL=" + authUrl + "\n"
        + "export OS_USERNAME=" + user + "\n"
        + "export OS_PASSWORD=" + password + "\n"
        + "export OS_PROJECT_NAME=" + project + "\n"
        + "export OS_USER_DOMAIN_NAME=Default\n"
        + "export OS_PROJECT_DOMAIN_NAME=Default\n"
        + "export OS_REGION_NAME=" + region + "\n"
        + "export OS_IDENTITY_API_VERSION=3\n"
        + "export OS_INTERFACE=public\n";
  }

  /** They hold passwords: 0600 from the first byte. */
  private static void writePrivate(Path file, String content) throws IOException {
    PrivateFiles.write(file, content);
  }
}
