package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The all-in-one, driven by the real {@code openstack} and {@code nova} clients as a user would. */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackCliTest {
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-aio");
    cloud = new AllInOne();
    cloud.start(TestClouds.settings(dir, "cli-test-host", Map.of()), TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @Order(1)
  @DisplayName("openstack token issue gives the demo user a token for the demo project")
  void tokenIssue() {
    JsonObject token = new JsonObject(cli.openstack("strato", "token", "issue", "-f", "json"));
    assertThat(token.getString("id")).isNotBlank();
    assertThat(token.getString("project_id")).hasSize(32);
    assertThat(token.getString("user_id")).hasSize(32);
    assertThat(token.getString("expires")).isNotBlank();
  }

  @Test
  @Order(2)
  @DisplayName("openstack flavor list shows the five m1 flavors with their sizes")
  void flavorList() {
    JsonArray flavors = new JsonArray(cli.openstack("strato", "flavor", "list", "-f", "json"));
    assertThat(flavors.stream().map(f -> ((JsonObject) f).getString("Name")))
        .containsExactly("m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge");
    JsonObject tiny = flavors.getJsonObject(0);
    assertThat(tiny.getInteger("RAM")).isEqualTo(512);
    assertThat(tiny.getInteger("VCPUs")).isEqualTo(1);
    JsonObject shown = new JsonObject(cli.openstack("strato", "flavor", "show", "m1.small", "-f", "json"));
    assertThat(shown.getString("id")).isEqualTo("2");
  }

  @Test
  @Order(3)
  @DisplayName("openstack keypair create prints a private key, and keypair list shows it")
  void keypairCreate() {
    String privateKey = cli.openstack("strato", "keypair", "create", "cli-key");
    assertThat(privateKey).contains("-----BEGIN PRIVATE KEY-----");
    JsonArray keys = new JsonArray(cli.openstack("strato", "keypair", "list", "-f", "json"));
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("Name"))).contains("cli-key");
  }

  @Test
  @Order(4)
  @DisplayName("the admin creates a project and a user and grants a role; the new user lists its servers")
  void adminCreatesAProjectAndUser() throws Exception {
    JsonObject project = new JsonObject(cli.openstack("strato-admin", "project", "create", "cli-team",
        "--description", "made by the CLI test", "-f", "json"));
    assertThat(project.getString("name")).isEqualTo("cli-team");
    JsonObject user = new JsonObject(cli.openstack("strato-admin", "user", "create", "--project", "cli-team",
        "--password", "cli-pass-1", "cli-user", "-f", "json"));
    assertThat(user.getString("name")).isEqualTo("cli-user");
    assertThat(user.getString("default_project_id")).isEqualTo(project.getString("id"));
    cli.openstack("strato-admin", "role", "add", "--project", "cli-team", "--user", "cli-user", "member");
    JsonArray assignments = new JsonArray(cli.openstack("strato-admin", "role", "assignment", "list", "--user",
        "cli-user", "--names", "-f", "json"));
    assertThat(assignments).hasSize(1);
    assertThat(assignments.getJsonObject(0).getString("Role")).isEqualTo("member");
    assertThat(assignments.getJsonObject(0).getString("Project")).isEqualTo("cli-team@Default");

    Path userClouds = dir.resolve("user-clouds.yaml");
    String authUrl = new String(Files.readAllBytes(dir.resolve("clouds.yaml"))).lines()
        .filter(l -> l.contains("auth_url")).findFirst().orElseThrow().split("auth_url: ")[1];
    Files.writeString(userClouds, "clouds:\n  cli-user:\n    auth:\n      auth_url: " + authUrl + "\n"
        + "      username: cli-user\n      password: cli-pass-1\n      project_name: cli-team\n"
        + "      user_domain_name: Default\n      project_domain_name: Default\n    identity_api_version: 3\n");
    Cli asUser = new Cli(userClouds);
    assertThat(new JsonArray(asUser.openstack("cli-user", "server", "list", "-f", "json"))).isEmpty();
    var forbidden = asUser.run(List.of("openstack", "--os-cloud", "cli-user", "project", "create", "nope"), Map.of());
    assertThat(forbidden.exit()).isNotZero();
    assertThat(forbidden.err()).contains("403");
  }

  @Test
  @Order(5)
  @DisplayName("the legacy nova client negotiates a microversion and lists flavors and servers")
  void novaClient() throws Exception {
    Map<String, String> openrc = Cli.openrc(dir.resolve("openrc"));
    var flavors = cli.run(List.of("nova", "flavor-list"), openrc);
    assertThat(flavors.exit()).as(flavors.err()).isZero();
    assertThat(flavors.out()).contains("m1.tiny", "m1.xlarge");
    var servers = cli.run(List.of("nova", "list"), openrc);
    assertThat(servers.exit()).as(servers.err()).isZero();
    var version = cli.run(List.of("nova", "version-list"), openrc);
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).contains("v2.1");
  }

  @Test
  @Order(6)
  @DisplayName("openstack image create uploads a file; list, show and save return it byte for byte; delete removes it")
  void images() throws Exception {
    Path file = dir.resolve("disk.img");
    Path raw = dir.resolve("disk.raw");
    byte[] bits = new byte[1_048_576];
    new java.util.Random(7).nextBytes(bits);
    Files.write(raw, bits);
    var convert = cli.run(List.of("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(),
        file.toString()), Map.of());
    assertThat(convert.exit()).as(convert.err()).isZero();
    byte[] data = Files.readAllBytes(file);
    JsonObject created = new JsonObject(cli.openstack("strato", "image", "create", "--file", file.toString(),
        "--disk-format", "qcow2", "--container-format", "bare", "--property", "architecture=x86_64", "cli-image",
        "-f", "json"));
    String id = created.getString("id");
    JsonArray list = new JsonArray(cli.openstack("strato", "image", "list", "-f", "json"));
    assertThat(list.stream().map(i -> ((JsonObject) i).getString("Name"))).contains("cli-image");
    JsonObject shown = new JsonObject(cli.openstack("strato", "image", "show", "cli-image", "-f", "json"));
    assertThat(shown.getString("status")).isEqualTo("active");
    assertThat(shown.getLong("size")).isEqualTo(data.length);
    assertThat(shown.getString("properties")).contains("architecture");
    assertThat(shown.getString("checksum")).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("MD5").digest(data)));
    Path saved = dir.resolve("saved.img");
    cli.openstack("strato", "image", "save", "--file", saved.toString(), id);
    assertThat(Files.readAllBytes(saved)).isEqualTo(data);
    cli.openstack("strato", "image", "delete", id);
    assertThat(new JsonArray(cli.openstack("strato", "image", "list", "-f", "json")).stream()
        .map(i -> ((JsonObject) i).getString("ID"))).doesNotContain(id);
  }

  @Test
  @Order(7)
  @DisplayName("openstack server create --wait reaches ACTIVE on the libvirt host; reboot, stop, start, properties"
      + " (set, unset), tags (2.26, set and list --tag), pause, unpause, suspend, resume, lock, unlock, delete work")
  void servers() throws Exception {
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros",
        "--flavor", "m1.tiny", "--key-name", "cli-key", "--wait", "cli-vm", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    String id = created.getString("id");
    JsonObject shown = new JsonObject(cli.openstack("strato", "server", "show", "cli-vm", "-f", "json"));
    assertThat(shown.getString("id")).isEqualTo(id);
    assertThat(shown.getString("OS-EXT-STS:power_state")).as("1 is running").isEqualTo("1");
    assertThat(shown.getString("flavor")).contains("m1.tiny");
    assertThat(shown.getString("image")).contains("cirros");
    assertThat(shown.getString("key_name")).isEqualTo("cli-key");
    JsonObject asAdmin = new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
    assertThat(asAdmin.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("cli-test-host");
    assertThat(domainExists(id)).as("libvirt has the domain").isTrue();
    JsonArray hypervisors = new JsonArray(cli.openstack("strato-admin", "hypervisor", "list", "-f", "json"));
    assertThat(hypervisors.stream().map(h -> ((JsonObject) h).getString("Hypervisor Hostname")))
        .contains("cli-test-host");

    cli.openstack("strato", "server", "reboot", "--hard", "--wait", "cli-vm");
    cli.openstack("strato", "server", "stop", "cli-vm");
    awaitStatus("cli-vm", "SHUTOFF");
    cli.openstack("strato", "server", "start", "cli-vm");
    awaitStatus("cli-vm", "ACTIVE");
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "cli-vm", "-f", "json"));
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("Action")))
        .contains("create", "reboot", "stop", "start");

    JsonArray list = new JsonArray(cli.openstack("strato", "server", "list", "-f", "json"));
    assertThat(list.stream().map(s -> ((JsonObject) s).getString("Name"))).contains("cli-vm");

    cli.openstack("strato", "server", "set", "--property", "colour=blue", "--property", "size=s", "cli-vm");
    cli.openstack("strato", "server", "unset", "--property", "size", "cli-vm");
    String properties = String.valueOf(new JsonObject(cli.openstack("strato", "server", "show", "cli-vm", "-f",
        "json")).getValue("properties"));
    assertThat(properties).contains("colour").contains("blue").doesNotContain("size");
    cli.openstack("strato", "--os-compute-api-version", "2.26", "server", "set", "--tag", "web", "cli-vm");
    JsonArray tagged = new JsonArray(cli.openstack("strato", "--os-compute-api-version", "2.26", "server", "list",
        "--tag", "web", "-f", "json"));
    assertThat(tagged.stream().map(s -> ((JsonObject) s).getString("Name"))).containsExactly("cli-vm");
    assertThat(new JsonArray(cli.openstack("strato", "--os-compute-api-version", "2.26", "server", "list", "--tag",
        "db", "-f", "json"))).isEmpty();

    cli.openstack("strato", "server", "pause", "cli-vm");
    awaitStatus("cli-vm", "PAUSED");
    cli.openstack("strato", "server", "unpause", "cli-vm");
    awaitStatus("cli-vm", "ACTIVE");
    cli.openstack("strato", "server", "suspend", "cli-vm");
    awaitStatus("cli-vm", "SUSPENDED");
    cli.openstack("strato", "server", "resume", "cli-vm");
    awaitStatus("cli-vm", "ACTIVE");
    cli.openstack("strato", "server", "lock", "cli-vm");
    var refused = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "stop", "cli-vm"), Map.of());
    assertThat(refused.exit()).as("a locked server refuses stop").isNotZero();
    assertThat(refused.err()).contains("is locked");
    cli.openstack("strato", "server", "unlock", "cli-vm");
    JsonArray events = new JsonArray(cli.openstack("strato", "server", "event", "list", "cli-vm", "-f", "json"));
    assertThat(events.stream().map(a -> ((JsonObject) a).getString("Action")))
        .contains("pause", "unpause", "suspend", "resume", "lock", "unlock");
    String pauseRequest = events.stream().map(a -> (JsonObject) a).filter(a -> "pause".equals(a.getString("Action")))
        .findFirst().orElseThrow().getString("Request ID");
    String pauseEvents = String.valueOf(new JsonObject(cli.openstack("strato", "server", "event", "show", "cli-vm",
        pauseRequest, "-f", "json")).getValue("events"));
    assertThat(pauseEvents).contains("compute_pause_instance").contains("Success");
    cli.openstack("strato", "server", "delete", "--wait", "cli-vm");
    assertThat(new JsonArray(cli.openstack("strato", "server", "list", "-f", "json"))).isEmpty();
    var missing = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "show", id), Map.of());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("No server with a name or ID");
    assertThat(domainExists(id)).as("the domain is gone").isFalse();
  }

  @Test
  @Order(8)
  @DisplayName("networks, subnets, ports and security groups through the openstack client")
  void networking() {
    JsonObject net = new JsonObject(cli.openstack("strato", "network", "create", "cli-net", "-f", "json"));
    assertThat(net.getString("status")).isEqualTo("ACTIVE");
    JsonObject subnet = new JsonObject(cli.openstack("strato", "subnet", "create", "--network", "cli-net",
        "--subnet-range", "192.168.50.0/24", "cli-subnet", "-f", "json"));
    assertThat(subnet.getString("gateway_ip")).isEqualTo("192.168.50.1");
    JsonObject port = new JsonObject(cli.openstack("strato", "port", "create", "--network", "cli-net",
        "--fixed-ip", "subnet=cli-subnet,ip-address=192.168.50.10", "cli-port", "-f", "json"));
    assertThat(port.getString("mac_address")).startsWith("fa:16:3e:");
    assertThat(port.getString("fixed_ips")).contains("192.168.50.10");
    JsonArray ports = new JsonArray(cli.openstack("strato", "port", "list", "--network", "cli-net", "-f", "json"));
    assertThat(ports.stream().map(p -> ((JsonObject) p).getString("Name"))).containsExactly("cli-port");
    cli.openstack("strato", "port", "delete", "cli-port");
    assertThat(new JsonArray(cli.openstack("strato", "port", "list", "--network", "cli-net", "-f", "json"))).isEmpty();
    JsonObject group = new JsonObject(cli.openstack("strato", "security", "group", "create", "web", "-f", "json"));
    assertThat(group.getString("name")).isEqualTo("web");
    cli.openstack("strato", "security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "web");
    JsonArray networks = new JsonArray(cli.openstack("strato", "network", "list", "-f", "json"));
    assertThat(networks.stream().map(n -> ((JsonObject) n).getString("Name"))).contains("private", "cli-net");
  }

  @Test
  @Order(9)
  @DisplayName("volumes: blank and from an image, listed, shown and deleted through the openstack client")
  void volumes() {
    JsonObject blank = new JsonObject(cli.openstack("strato", "volume", "create", "--size", "1", "cli-vol",
        "-f", "json"));
    JsonObject fromImage = new JsonObject(cli.openstack("strato", "volume", "create", "--size", "1", "--image",
        "cirros", "cli-boot-vol", "-f", "json"));
    awaitVolume("cli-vol", "available");
    JsonObject shown = awaitVolume("cli-boot-vol", "available");
    assertThat(shown.getString("bootable")).isEqualTo("true");
    JsonArray list = new JsonArray(cli.openstack("strato", "volume", "list", "-f", "json"));
    assertThat(list.stream().map(v -> ((JsonObject) v).getString("Name"))).contains("cli-vol", "cli-boot-vol");
    cli.openstack("strato", "volume", "delete", blank.getString("id"), fromImage.getString("id"));
    long deadline = System.currentTimeMillis() + 30_000;
    while (!new JsonArray(cli.openstack("strato", "volume", "list", "-f", "json")).isEmpty()) {
      assertThat(System.currentTimeMillis()).as("volumes never went away").isLessThan(deadline);
    }
  }

  @Test
  @Order(10)
  @DisplayName("a server on the private network gets an address, shows its console, and releases its port;"
      + " the seed's nova boot works as written")
  void serverOnPrivateNetwork() throws Exception {
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--wait", "vm1", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    String id = created.getString("id");
    String addresses = new JsonObject(cli.openstack("strato", "server", "show", "vm1", "-f", "json"))
        .getValue("addresses").toString();
    assertThat(addresses).contains("private").contains("10.0.");
    JsonArray ports = new JsonArray(cli.openstack("strato-admin", "port", "list", "--device-id", id, "-f", "json"));
    assertThat(ports).hasSize(1);
    JsonObject port = new JsonObject(cli.openstack("strato-admin", "port", "show",
        ports.getJsonObject(0).getString("ID"), "-f", "json"));
    assertThat(port.getString("status")).isEqualTo("ACTIVE");
    assertThat(port.getString("binding_host_id")).isEqualTo("cli-test-host");
    cli.openstack("strato", "console", "log", "show", "vm1");
    cli.openstack("strato", "server", "delete", "--wait", "vm1");
    assertThat(new JsonArray(cli.openstack("strato-admin", "port", "list", "--device-id", id, "-f", "json")))
        .as("the port was released").isEmpty();
    assertThat(domainExists(id)).isFalse();

    String privateId = new JsonObject(cli.openstack("strato", "network", "show", "private", "-f", "json"))
        .getString("id");
    Map<String, String> openrc = Cli.openrc(dir.resolve("openrc"));
    var boot = cli.run(List.of("nova", "boot", "--flavor", "m1.small", "--image", "cirros", "--nic",
        "net-id=" + privateId, "--security-group", "web", "--key-name", "cli-key", "--poll", "stack_testvm"), openrc);
    assertThat(boot.exit()).as(boot.out() + boot.err()).isZero();
    JsonObject stack = new JsonObject(cli.openstack("strato", "server", "show", "stack_testvm", "-f", "json"));
    assertThat(stack.getString("status")).isEqualTo("ACTIVE");
    assertThat(stack.getString("security_groups")).contains("web");
    var delete = cli.run(List.of("nova", "delete", "stack_testvm"), openrc);
    assertThat(delete.exit()).as(delete.err()).isZero();
  }

  @Test
  @Order(11)
  @DisplayName("a server booted from a new volume attaches it, and deleting the server releases the volume")
  void bootFromVolume() {
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--boot-from-volume", "1", "--wait", "vm-vol", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    JsonArray volumes = new JsonArray(cli.openstack("strato", "volume", "list", "-f", "json"));
    assertThat(volumes).hasSize(1);
    assertThat(volumes.getJsonObject(0).getString("Status")).isEqualTo("in-use");
    cli.openstack("strato", "server", "delete", "--wait", "vm-vol");
    JsonObject after = awaitVolume(volumes.getJsonObject(0).getString("ID"), "available");
    assertThat(after.getValue("attachments").toString()).doesNotContain("vm-vol");
    cli.openstack("strato", "volume", "delete", volumes.getJsonObject(0).getString("ID"));
  }

  @Test
  @Order(12)
  @DisplayName("server create --password --user-data: neither reaches strato.boot-requests nor the host's "
      + "assignments on Kafka")
  void secretsStayOffKafka() throws Exception {
    String password = "Cli-admin-pass-" + UUID.randomUUID();
    String script = "#!/bin/sh\necho " + UUID.randomUUID() + "\n";
    Path userData = Files.writeString(dir.resolve("user-data.sh"), script);
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--password", password, "--user-data", userData.toString(), "--wait",
        "vm-quiet", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    String id = created.getString("id");
    String encoded = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
    for (String topic : List.of(Topics.BOOT_REQUESTS, Topics.ASSIGNMENTS)) {
      assertThat(recordAbout(topic, id)).as(topic).doesNotContain(password).doesNotContain(encoded)
          .doesNotContain("admin_pass").doesNotContain("user_data");
    }
    cli.openstack("strato", "server", "delete", "--wait", "vm-quiet");
  }

  @Test
  @Order(13)
  @DisplayName("openstack compute service list shows the host's nova-compute; disabled with a reason it takes no new"
      + " server (ERROR, No valid host); enabled again it does")
  void computeServices() {
    JsonObject service = computeService();
    assertThat(service.getString("Binary")).isEqualTo("nova-compute");
    assertThat(service.getString("Status")).isEqualTo("enabled");
    assertThat(service.getString("State")).isEqualTo("up");
    cli.openstack("strato-admin", "compute", "service", "set", "--disable", "--disable-reason", "maintenance",
        "cli-test-host", "nova-compute");
    assertThat(computeService().getString("Status")).isEqualTo("disabled");
    assertThat(computeService().getString("Disabled Reason")).isEqualTo("maintenance");

    // OSC 6 exits 0 after "Error creating server" (a bare SystemExit): the server's status tells.
    cli.run(List.of("openstack", "--os-cloud", "strato", "server", "create", "--image", "cirros", "--flavor", "m1.tiny",
        "--network", "private", "--wait", "vm-refused"), Map.of());
    JsonObject shown = new JsonObject(cli.openstack("strato", "server", "show", "vm-refused", "-f", "json"));
    assertThat(shown.getString("status")).isEqualTo("ERROR");
    assertThat(String.valueOf(shown.getValue("fault"))).contains("No valid host was found");

    cli.openstack("strato-admin", "compute", "service", "set", "--enable", "cli-test-host", "nova-compute");
    assertThat(computeService().getString("Status")).isEqualTo("enabled");
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--wait", "vm-enabled", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    cli.openstack("strato", "server", "delete", "--wait", "vm-refused", "vm-enabled");
  }

  @Test
  @Order(14)
  @DisplayName("openstack aggregate create --zone, aggregate add host and set --property: server create"
      + " --availability-zone az1 lands on the host, az2 (a zone without hosts) ends in ERROR with No valid host;"
      + " the host leaves and the aggregates go")
  void aggregatesAndZones() {
    JsonObject az1 = new JsonObject(cli.openstack("strato-admin", "aggregate", "create", "--zone", "az1", "agg-az1",
        "-f", "json"));
    assertThat(az1.getString("availability_zone")).isEqualTo("az1");
    cli.openstack("strato-admin", "aggregate", "create", "--zone", "az2", "agg-az2");
    cli.openstack("strato-admin", "aggregate", "add", "host", "agg-az1", "cli-test-host");
    cli.openstack("strato-admin", "aggregate", "set", "--property", "ssd=true", "agg-az1");
    JsonObject shown = new JsonObject(cli.openstack("strato-admin", "aggregate", "show", "agg-az1", "-f", "json"));
    assertThat(String.valueOf(shown.getValue("hosts"))).contains("cli-test-host");
    assertThat(String.valueOf(shown.getValue("properties"))).contains("ssd");
    assertThat(cli.openstack("strato", "availability", "zone", "list")).contains("az1");

    JsonObject placed = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--availability-zone", "az1", "--wait", "vm-az1", "-f", "json"));
    assertThat(placed.getString("status")).isEqualTo("ACTIVE");
    assertThat(placed.getString("OS-EXT-AZ:availability_zone")).isEqualTo("az1");
    // OSC 6 exits 0 after "Error creating server" (a bare SystemExit): the server's status tells.
    cli.run(List.of("openstack", "--os-cloud", "strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--availability-zone", "az2", "--wait", "vm-az2"), Map.of());
    JsonObject refused = new JsonObject(cli.openstack("strato", "server", "show", "vm-az2", "-f", "json"));
    assertThat(refused.getString("status")).isEqualTo("ERROR");
    assertThat(String.valueOf(refused.getValue("fault"))).contains("No valid host was found");

    cli.openstack("strato", "server", "delete", "--wait", "vm-az1", "vm-az2");
    cli.openstack("strato-admin", "aggregate", "remove", "host", "agg-az1", "cli-test-host");
    cli.openstack("strato-admin", "aggregate", "delete", "agg-az1", "agg-az2");
    assertThat(cli.openstack("strato-admin", "aggregate", "list")).doesNotContain("agg-az1");
    // Back in the default zone, the host takes servers booted without a zone again.
    JsonObject back = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--wait", "vm-nova", "-f", "json"));
    assertThat(back.getString("status")).isEqualTo("ACTIVE");
    cli.openstack("strato", "server", "delete", "--wait", "vm-nova");
  }

  private static JsonObject computeService() {
    JsonArray services = new JsonArray(cli.openstack("strato-admin", "compute", "service", "list", "--long",
        "--host", "cli-test-host", "-f", "json"));
    assertThat(services).hasSize(1);
    return services.getJsonObject(0);
  }

  /** The first record on {@code topic} that names {@code instanceId}, read from the start (30 s at most). */
  private static String recordAbout(String topic, String instanceId) {
    Map<String, Object> props = new HashMap<>(KafkaSettings.consumer(SharedInfrastructure.settings(),
        "cli-secrets-" + UUID.randomUUID()));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value().contains(instanceId)) return r.value();
        }
      }
    }
    throw new AssertionError("no record about " + instanceId + " on " + topic + " within 30 s");
  }

  private static JsonObject awaitVolume(String volume, String status) {
    return cli.awaitVolume("strato", volume, status);
  }

  private static void awaitStatus(String server, String status) {
    cli.awaitServerStatus("strato", server, status);
  }

  /** The all-in-one runs in this JVM, and test:///default keeps its domains per process: look there. */
  private static boolean domainExists(String uuid) throws Exception {
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      c.domainLookupByUUIDString(uuid);
      return true;
    } catch (org.libvirt.LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }
}
