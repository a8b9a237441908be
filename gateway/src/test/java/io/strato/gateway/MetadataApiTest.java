package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.MetadataSignature;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nova's metadata API as a guest sees it through its network's metadata proxy: the proxy names the instance and
 * signs that name; the API answers with that instance's data and refuses an unsigned or wrongly signed request.
 */
@ExtendWith(io.strato.embedded.SharedInfrastructure.class)
class MetadataApiTest {
  private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
      + " guest@test";
  private static TestCloud cloud;
  private static int port;
  private static String withKey;
  private static String plain;

  @BeforeAll
  static void servers() {
    cloud = TestCloud.get();
    port = cloud.settings.getInt("metadata.port");
    var member = cloud.newProject("metadata");
    var key = cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject().put("keypair",
        new JsonObject().put("name", "mykey").put("public_key", KEY)));
    assertThat(key.statusCode()).as(key.bodyAsString()).isEqualTo(200);
    JsonObject s = cloud.server("meta-vm");
    s.getJsonObject("server").put("key_name", "mykey").put("user_data", Base64.getEncoder()
        .encodeToString("#!/bin/sh\necho hello > /tmp/hello\n".getBytes(StandardCharsets.UTF_8)));
    withKey = create(member, s);
    plain = create(member, cloud.server("other-vm"));
  }

  private static String create(TestIdentity.Member member, JsonObject body) {
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getJsonObject("server").getString("id");
  }

  private static HttpResponse<Buffer> get(String path, String instance, String signature) {
    var req = cloud.http.get(port, "127.0.0.1", path);
    if (instance != null) req.putHeader(MetadataSignature.INSTANCE_HEADER, instance);
    if (signature != null) req.putHeader(MetadataSignature.SIGNATURE_HEADER, signature);
    return TestIdentity.await(req.send());
  }

  private static HttpResponse<Buffer> signed(String path, String instance) {
    return get(path, instance, MetadataSignature.sign(TestIdentity.METADATA_SECRET, instance));
  }

  @Test
  @DisplayName("a signed request gets its own instance's meta_data.json, key, user_data and EC2 leaves")
  void signedRequestGetsItsInstance() {
    var meta = signed("/openstack/latest/meta_data.json", withKey);
    assertThat(meta.statusCode()).as(meta.bodyAsString()).isEqualTo(200);
    JsonObject doc = meta.bodyAsJsonObject();
    assertThat(doc.getString("uuid")).isEqualTo(withKey);
    assertThat(doc.getString("hostname")).isEqualTo("meta-vm");
    assertThat(doc.getJsonObject("public_keys").getString("mykey")).isEqualTo(KEY);
    assertThat(signed("/openstack/latest/user_data", withKey).bodyAsString())
        .isEqualTo("#!/bin/sh\necho hello > /tmp/hello\n");
    assertThat(signed("/2009-04-04/meta-data/public-keys/0/openssh-key", withKey).bodyAsString()).isEqualTo(KEY);
    assertThat(signed("/latest/meta-data/instance-id", withKey).bodyAsString()).isEqualTo(withKey);
    assertThat(signed("/openstack/latest/network_data.json", withKey).bodyAsJsonObject().containsKey("links"))
        .isTrue();

    assertThat(signed("/openstack/latest/meta_data.json", plain).bodyAsJsonObject().getString("uuid"))
        .isEqualTo(plain);
    assertThat(signed("/openstack/latest/user_data", plain).statusCode()).as("no user data").isEqualTo(404);
    assertThat(signed("/2009-04-04/meta-data/public-keys/0/openssh-key", plain).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a request without a signature, or signed for another instance, is refused with 403")
  void unsignedRequestIsRefused() {
    assertThat(get("/openstack/latest/meta_data.json", null, null).statusCode()).isEqualTo(403);
    assertThat(get("/openstack/latest/meta_data.json", withKey, null).statusCode()).isEqualTo(403);
    String otherSignature = MetadataSignature.sign(TestIdentity.METADATA_SECRET, plain);
    HttpResponse<Buffer> forged = get("/openstack/latest/user_data", withKey, otherSignature);
    assertThat(forged.statusCode()).as(forged.bodyAsString()).isEqualTo(403);
    assertThat(get("/openstack/latest/meta_data.json", withKey, MetadataSignature.sign("guessed", withKey))
        .statusCode()).isEqualTo(403);
  }
}
