package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestDisks;
import io.strato.testkit.TestIdentity;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The compute agent does not trust the image service with what an image's bits are. A hostile image is planted in
 * the image service as one stored before uploads were inspected would be (data and checksum as an older image
 * service kept them): the build ends in ERROR while spawning, with the reason in the fault, and leaves nothing.
 */
@ExtendWith(SharedInfrastructure.class)
class UntrustedImageBootTest {
  private static AgentTestCloud cloud;
  private static String host;
  private static Path stateDir;
  private static Path imageStore;
  private static Pool glance;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    host = "untrusted-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-untrusted");
    cloud.startAgent(host, stateDir, Map.of());
    imageStore = Path.of(cloud.settings.get("image.store.dir"));
    glance = TestIdentity.await(Database.open(cloud.identity.vertx, cloud.settings, "glance"));
  }

  /** An active public image declared {@code diskFormat} whose stored data is {@code data}, however it was made. */
  private static String storedImage(String name, String diskFormat, byte[] data) throws Exception {
    byte[] harmless = diskFormat.equals("qcow2") ? TestDisks.qcow2(65_536, 11) : new byte[65_536];
    String id = cloud.image(name, diskFormat, harmless, new JsonObject());
    Files.write(imageStore.resolve(id), data);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    TestIdentity.await(glance.preparedQuery("UPDATE images SET checksum = $2, size = $3 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id), md5, (long) data.length)));
    return id;
  }

  static Stream<Arguments> hostileImages() {
    return Stream.of(
        Arguments.of("a qcow2 whose backing file is /etc/passwd", "qcow2", TestDisks.qcow2BackedBy("/etc/passwd"),
            "a qcow2 image with a backing file is refused"),
        Arguments.of("a qcow2 registered as raw", "raw", TestDisks.qcow2(65_536, 12),
            "Image disk_format raw does not match stream data qcow2"),
        Arguments.of("a qcow2 with an external data file", "qcow2", TestDisks.qcow2WithDataFile(),
            "external data file"));
  }

  @ParameterizedTest(name = "{0}: ERROR while spawning, nothing left")
  @MethodSource("hostileImages")
  void hostileImageFailsTheBuild(String what, String diskFormat, byte[] data, String reason) throws Exception {
    String image = storedImage("hostile", diskFormat, data);
    AgentTestCloud.Server s = cloud.boot(host, "hostile", "1", image, image, Map.of("disk_format", diskFormat), 1);
    JsonObject server = cloud.await(s, j -> j != null && "ERROR".equals(j.getString("status")), 30_000);
    String fault = server.getJsonObject("fault").getString("message");
    assertThat(fault).contains("while spawning").contains("Image " + image + " is unacceptable").contains(reason)
        .doesNotContain(stateDir.toString());
    assertThat(stateDir.resolve("instances").resolve(s.id())).doesNotExist();
    Connect c = new Connect("test:///default");
    try {
      c.domainLookupByUUIDString(s.id());
      throw new AssertionError("domain " + s.id() + " was left behind");
    } catch (LibvirtException expected) {
      // no such domain
    } finally {
      c.close();
    }
  }

  @Test
  @DisplayName("the root overlay names the agent's cached file, as the format found in it, not the one claimed")
  void overlayDeclaresTheInspectedFormat() throws Exception {
    String image = cloud.image("real-qcow2", "qcow2", TestDisks.qcow2(131_072, 13), new JsonObject());
    AgentTestCloud.Server s = cloud.boot(host, "claimed-raw", "1", image, image, Map.of("disk_format", "raw"), 1);
    cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    JsonObject info = qemuImgInfo(stateDir.resolve("instances").resolve(s.id()).resolve("disk"));
    assertThat(info.getString("backing-filename-format")).isEqualTo("qcow2");
    assertThat(info.getString("backing-filename")).startsWith(stateDir.resolve("images").toString());
    cloud.delete(s);
  }

  private static JsonObject qemuImgInfo(Path file) throws Exception {
    Process p = new ProcessBuilder(List.of("qemu-img", "info", "-U", "--output=json", file.toString())).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    return new JsonObject(out);
  }
}
