package io.strato.gateway.servers;

import io.strato.common.http.ApiVersion;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.gateway.Links;
import io.strato.gateway.Microversion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Nova's server views: brief (id, name, links) and detail, shaped by microversion and admin role. */
public final class ServerView {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
  private static final DateTimeFormatter LAUNCHED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private final String baseUrl;

  public ServerView(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public JsonObject brief(Instance i) {
    return new JsonObject().put("id", i.id()).put("name", i.name()).put("links", Links.of(baseUrl, "servers", i.id()));
  }

  public JsonObject detail(Instance i, ApiVersion v, boolean admin) {
    JsonObject s = brief(i)
        .put("status", i.status()).put("tenant_id", i.projectId()).put("user_id", i.userId())
        .put("metadata", i.metadata()).put("hostId", hostId(i))
        .put("image", i.imageId().isEmpty() ? "" : new JsonObject().put("id", i.imageId())
            .put("links", new JsonArray().add(bookmark("images", i.imageId()))))
        .put("flavor", flavor(i.flavor(), v))
        .put("created", time(i.createdAt())).put("updated", time(i.updatedAt()))
        .put("addresses", i.addresses()).put("accessIPv4", "").put("accessIPv6", "")
        .put("OS-DCF:diskConfig", "MANUAL").put("progress", i.progress())
        .put("OS-EXT-AZ:availability_zone", i.availabilityZone() == null ? "" : i.availabilityZone())
        .put("config_drive", i.configDrive()).put("key_name", i.keyName())
        .put("OS-SRV-USG:launched_at", i.launchedAt() == null ? null
            : LAUNCHED.format(i.launchedAt().withOffsetSameInstant(ZoneOffset.UTC)))
        .put("OS-SRV-USG:terminated_at", i.terminatedAt() == null ? null
            : LAUNCHED.format(i.terminatedAt().withOffsetSameInstant(ZoneOffset.UTC)))
        .put("OS-EXT-STS:vm_state", i.vmState().wire()).put("OS-EXT-STS:task_state", TaskState.wireOf(i.taskState()))
        .put("OS-EXT-STS:power_state", i.powerState())
        .put("os-extended-volumes:volumes_attached", volumes(i, v))
        .put("security_groups", i.securityGroups());
    if (admin) {
      s.put("OS-EXT-SRV-ATTR:host", i.host()).put("OS-EXT-SRV-ATTR:hypervisor_hostname", i.node())
          .put("OS-EXT-SRV-ATTR:instance_name", instanceName(i));
      if (v.atLeast(3)) {
        s.put("OS-EXT-SRV-ATTR:reservation_id", i.reservationId()).put("OS-EXT-SRV-ATTR:launch_index", i.launchIndex())
            .put("OS-EXT-SRV-ATTR:hostname", hostname(i.name())).put("OS-EXT-SRV-ATTR:kernel_id", "")
            .put("OS-EXT-SRV-ATTR:ramdisk_id", "").put("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda")
            .put("OS-EXT-SRV-ATTR:user_data", i.userData());
      }
    }
    if (v.atLeast(9)) s.put("locked", i.locked());
    if (v.atLeast(16) && admin) s.put("host_status", i.host() == null ? "" : "UP");
    if (v.atLeast(19)) s.put("description", i.description());
    if (v.atLeast(26)) s.put("tags", new JsonArray(i.tags()));
    // Strato verifies no image signatures, so a server never has certificates to trust.
    if (v.atLeast(63)) s.put("trusted_image_certificates", null);
    if (v.atLeast(73)) s.put("locked_reason", null);
    if (i.fault() != null && (i.vmState() == VmState.ERROR || i.vmState() == VmState.DELETED)) {
      JsonObject fault = i.fault().copy();
      if (!admin) fault.remove("details");
      s.put("fault", fault);
    }
    return s;
  }

  /**
   * The one server of {@code GET /servers/{id}} (and, from 2.75, of update and rebuild): the detail view plus, from
   * 2.71, the server groups it belongs to.
   */
  public JsonObject show(Instance i, ApiVersion v, boolean admin) {
    JsonObject s = detail(i, v, admin);
    if (v.atLeast(71)) s.put("server_groups", i.serverGroupId() == null ? new JsonArray()
        : new JsonArray().add(i.serverGroupId()));
    return s;
  }

  /**
   * Before 2.47 the flavor's id and link; from 2.47 the flavor the server was built with, embedded as it was then
   * ({@code original_name}, sizes, extra specs), since the flavor itself may have been deleted or changed since.
   */
  private JsonObject flavor(JsonObject f, ApiVersion v) {
    if (!v.atLeast(47)) {
      return new JsonObject().put("id", f.getString("id"))
          .put("links", new JsonArray().add(bookmark("flavors", f.getString("id"))));
    }
    return new JsonObject().put("vcpus", f.getInteger("vcpus")).put("ram", f.getInteger("ram"))
        .put("disk", f.getInteger("disk")).put("ephemeral", f.getInteger("ephemeral", 0))
        .put("swap", f.getInteger("swap", 0)).put("original_name", f.getString("name"))
        .put("extra_specs", f.getJsonObject("extra_specs", new JsonObject()).copy());
  }

  public static String instanceName(Instance i) {
    return String.format("instance-%08x", i.seq());
  }

  /** Nova's hostname: the display name made DNS-safe. */
  public static String hostname(String name) {
    String h = name.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    return h.isEmpty() ? "server" : h.length() > 63 ? h.substring(0, 63) : h;
  }

  private JsonArray volumes(Instance i, ApiVersion v) {
    JsonArray out = new JsonArray();
    i.volumesAttached().forEach(o -> {
      JsonObject vol = (JsonObject) o;
      JsonObject entry = new JsonObject().put("id", vol.getString("id"));
      if (v.atLeast(3)) entry.put("delete_on_termination", vol.getBoolean("delete_on_termination", false));
      out.add(entry);
    });
    return out;
  }

  private JsonObject bookmark(String collection, String id) {
    return new JsonObject().put("rel", "bookmark").put("href", baseUrl + "/" + collection + "/" + id);
  }

  /** Nova's hostId: sha224(project_id + host), so tenants can tell co-located servers apart without host names. */
  static String hostId(Instance i) {
    if (i.host() == null) return "";
    try {
      byte[] d = MessageDigest.getInstance("SHA-224").digest((i.projectId() + i.host()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
