package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real OpenStack command-line clients (Debian's python3-openstackclient and python3-novaclient). */
final class Cli {
  private final Path cloudsYaml;

  Cli(Path cloudsYaml) {
    this.cloudsYaml = cloudsYaml;
  }

  /**
   * The clients must be installed ({@code ./strato test} installs them). Outside {@code ./strato test} a machine
   * without them skips the end-to-end tests, saying so; under it ({@code STRATO_TEST_REQUIRE_ALL=1}) that is a failure.
   */
  static void requireInstalled() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/openstack")) && Files.isExecutable(Path.of("/usr/bin/nova"));
    if (!present && "1".equals(System.getenv("STRATO_TEST_REQUIRE_ALL"))) {
      throw new AssertionError("the openstack and nova clients are not installed (apt-get install -y "
          + "python3-openstackclient python3-novaclient)");
    }
    Assumptions.assumeTrue(present, "skipped: the openstack and nova clients are not installed; ./strato test "
        + "installs them");
  }

  record Result(int exit, String out, String err) {}

  /** Runs {@code openstack --os-cloud <cloud> args...} and asserts it succeeded. */
  String openstack(String cloud, String... args) {
    List<String> cmd = new ArrayList<>(List.of("openstack", "--os-cloud", cloud));
    cmd.addAll(List.of(args));
    Result r = run(cmd, Map.of());
    assertThat(r.exit()).as("openstack " + String.join(" ", args) + "\nstdout: " + r.out() + "\nstderr: " + r.err())
        .isZero();
    return r.out();
  }

  /** Polls {@code volume show} as {@code cloud} until the volume is {@code status} (60 s at most); answers it. */
  io.vertx.core.json.JsonObject awaitVolume(String cloud, String volume, String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      var v = new io.vertx.core.json.JsonObject(openstack(cloud, "volume", "show", volume, "-f", "json"));
      if (status.equals(v.getString("status"))) return v;
      assertThat(System.currentTimeMillis()).as(volume + " stayed " + v.getString("status")).isLessThan(deadline);
    }
  }

  /** Polls {@code server show} as {@code cloud} until the server's status is {@code status} (60 s at most). */
  void awaitServerStatus(String cloud, String server, String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      String now = new io.vertx.core.json.JsonObject(openstack(cloud, "server", "show", server, "-f", "json"))
          .getString("status");
      if (status.equals(now)) return;
      assertThat(System.currentTimeMillis()).as(server + " stayed " + now + ", expected " + status)
          .isLessThan(deadline);
    }
  }

  Result run(List<String> cmd, Map<String, String> extraEnv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString());
      pb.environment().keySet().removeIf(k -> k.startsWith("OS_") && !k.equals("OS_CLIENT_CONFIG_FILE"));
      pb.environment().putAll(extraEnv);
      Path out = Files.createTempFile("cli", ".out");
      Path err = Files.createTempFile("cli", ".err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish within 180 s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The Keystone URL of this client's clouds. */
  String authUrl() throws IOException {
    return Files.readString(cloudsYaml).lines().filter(l -> l.contains("auth_url")).findFirst().orElseThrow()
        .split("auth_url: ")[1].trim();
  }

  /**
   * As the admin cloud {@code strato-admin}: a project (created when missing), a user with {@code role} there, and a
   * client whose only cloud, named after the user, logs in as that user.
   */
  Cli userCloud(String project, String user, String role) throws IOException {
    if (run(List.of("openstack", "--os-cloud", "strato-admin", "project", "show", project), Map.of()).exit() != 0) {
      openstack("strato-admin", "project", "create", project);
    }
    openstack("strato-admin", "user", "create", "--project", project, "--password", "pw-" + user, user);
    openstack("strato-admin", "role", "add", "--project", project, "--user", user, role);
    Path file = cloudsYaml.resolveSibling(user + "-clouds.yaml");
    Files.writeString(file, "clouds:\n  " + user + ":\n    auth:\n      auth_url: " + authUrl() + "\n"
        + "      username: " + user + "\n      password: pw-" + user + "\n      project_name: " + project + "\n"
        + "      user_domain_name: Default\n      project_domain_name: Default\n    identity_api_version: 3\n");
    return new Cli(file);
  }

  /** The variables an {@code openrc} file exports, as {@code source openrc} would set them. */
  static Map<String, String> openrc(Path file) throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("export ")) {
        String[] kv = line.substring("export ".length()).split("=", 2);
        env.put(kv[0], kv[1]);
      }
    }
    assertThat(env).containsKeys("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME");
    return env;
  }
}
