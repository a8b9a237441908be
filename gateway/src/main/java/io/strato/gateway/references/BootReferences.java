package io.strato.gateway.references;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.gateway.images.ImageLookup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every id a boot names, checked with the caller's token in the service that owns it before the boot is accepted,
 * as nova-api does: networks and ports (Neutron), volumes and images of block device mappings (Cinder, Glance), the
 * image's kernel and ramdisk (Glance), security groups (Neutron). Another project's private resource is "not found"
 * (400, never saying whether it exists); shared networks and public, shared or community images stay usable, since
 * the owning service says what the caller may see (images through the short-lived cache of {@link ImageLookup}).
 * The compute agent checks again when it builds: it acts for the instance's project, never as an admin.
 */
public final class BootReferences {
  private static final String VOLUME_VERSION = "volume 3.0";
  private final ServiceLookup networks;
  private final ServiceLookup volumes;
  private final ImageLookup images;

  public BootReferences(ServiceLookup networks, ServiceLookup volumes, ImageLookup images) {
    this.networks = networks;
    this.volumes = volumes;
    this.images = images;
  }

  /** What a boot names: its requested networks, block devices, groups and the (already checked) image. */
  public record Named(Object networks, JsonArray blockDevices, JsonArray securityGroups, JsonObject image,
      String imageId, int maxCount) {}

  /** Succeeds when the caller may use everything {@code boot} names; fails with Nova's 400 or 409 otherwise. */
  public Future<Void> check(Named boot, Token token, String wireToken) {
    List<Future<?>> checks = new ArrayList<>();
    if (boot.networks() instanceof JsonArray list) {
      for (Object o : list) {
        if (!(o instanceof JsonObject n)) continue;
        if (n.getString("port") != null) checks.add(port(n.getString("port"), boot.maxCount(), wireToken));
        else if (n.getString("uuid") != null) checks.add(network(n.getString("uuid"), wireToken));
      }
    }
    for (Object o : boot.blockDevices()) {
      JsonObject d = (JsonObject) o;
      String uuid = d.getString("uuid");
      if ("volume".equals(d.getString("source_type"))) checks.add(volume(uuid, token, wireToken));
      if ("image".equals(d.getString("source_type")) && !uuid.equals(boot.imageId())) {
        checks.add(image(uuid, token, wireToken, "Block Device Mapping is Invalid: failed to get image " + uuid + "."));
      }
    }
    for (String key : new String[] {"kernel_id", "ramdisk_id"}) {
      String id = boot.image().getString(key);
      if (id != null && !id.isBlank()) checks.add(image(id, token, wireToken, "Image " + id + " could not be found."));
    }
    for (Object o : boot.securityGroups()) {
      String name = o instanceof JsonObject g ? g.getString("name") : null;
      if (name != null && !name.equals("default")) checks.add(securityGroup(name, token, wireToken));
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<Void> network(String id, String wireToken) {
    return networks.get("/v2.0/networks/" + id, wireToken, null).map(n -> {
      if (n == null) throw ApiException.badRequest("Network " + id + " could not be found.");
      return null;
    });
  }

  private Future<Void> port(String id, int maxCount, String wireToken) {
    if (maxCount > 1) {
      throw ApiException.badRequest("Unable to launch multiple instances with a single configured port ID. Please "
          + "launch your instance one by one with different ports.");
    }
    return networks.get("/v2.0/ports/" + id, wireToken, null).map(p -> {
      if (p == null) throw ApiException.badRequest("Port id " + id + " could not be found.");
      String device = p.getJsonObject("port").getString("device_id", "");
      if (!device.isEmpty()) throw ApiException.conflict("Port " + id + " is still in use.");
      return null;
    });
  }

  private Future<Void> volume(String id, Token token, String wireToken) {
    return volumes.get("/v3/" + token.projectId() + "/volumes/" + id, wireToken, VOLUME_VERSION).map(v -> {
      if (v == null) throw ApiException.badRequest("Block Device Mapping is Invalid: failed to get volume " + id + ".");
      String status = v.getJsonObject("volume").getString("status");
      if (!"available".equals(status)) {
        throw ApiException.badRequest("Invalid volume: volume '" + id + "' status must be 'available'. Currently in '"
            + status + "'");
      }
      return null;
    });
  }

  private Future<Void> image(String id, Token token, String wireToken, String notFound) {
    return images.visibleImage(id, wireToken, token.projectId(), token.isAdmin()).map(i -> {
      if (i == null) throw ApiException.badRequest(notFound);
      return null;
    });
  }

  private Future<Void> securityGroup(String name, Token token, String wireToken) {
    String q = URLEncoder.encode(name, StandardCharsets.UTF_8);
    return networks.get("/v2.0/security-groups?project_id=" + token.projectId() + "&name=" + q, wireToken, null)
        .compose(byName -> byName != null && !byName.getJsonArray("security_groups", new JsonArray()).isEmpty()
            ? Future.succeededFuture(true)
            : networks.get("/v2.0/security-groups/" + q, wireToken, null).map(byId -> byId != null))
        .map(found -> {
          if (!found) {
            throw ApiException.badRequest("Security group " + name + " not found for project " + token.projectId()
                + ".");
          }
          return null;
        });
  }
}
