package io.strato.agent.clients;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cinder v3 (3.44), as the agent uses it: create a volume (from an image) in the instance's project, wait for it,
 * attach it with a connector (the answer's {@code connection_info} tells where the disk is), detach, delete.
 */
public final class VolumeClient {
  private static final String VERSION = "volume 3.44";
  private final Vertx vertx;
  private final ServiceSession session;

  public VolumeClient(Vertx vertx, ServiceSession session) {
    this.vertx = vertx;
    this.session = session;
  }

  public boolean available() {
    return session.endpoint("volumev3").isPresent();
  }

  /** The volume API of a project: the catalog URL ends in the service project's id, swapped for {@code projectId}. */
  private Future<String> base(String projectId) {
    var url = session.endpoint("volumev3");
    if (url.isEmpty()) return ServiceCall.unavailable("volume");
    String u = url.get();
    return Future.succeededFuture(u.substring(0, u.lastIndexOf('/') + 1) + projectId);
  }

  private Future<JsonObject> call(HttpMethod method, String projectId, String path, JsonObject body, String what,
      int... ok) {
    // POST creates (a volume, an attachment) or acts: made once; GET and DELETE are retried.
    return session.call("volume", what, method != HttpMethod.POST, token -> base(projectId).compose(base -> {
      var req = session.request(method, base + path, token, projectId).putHeader("OpenStack-API-Version", VERSION);
      return (body == null ? req.send() : req.sendJsonObject(body)).map(resp -> {
        ServiceCall.expect(resp, what, ok);
        return resp.body() == null || resp.body().length() == 0 ? new JsonObject() : resp.bodyAsJsonObject();
      });
    }));
  }

  public Future<JsonObject> create(String projectId, String name, int sizeGb, String imageId) {
    JsonObject v = new JsonObject().put("name", name).put("size", sizeGb);
    if (imageId != null) v.put("imageRef", imageId);
    return call(HttpMethod.POST, projectId, "/volumes", new JsonObject().put("volume", v), "create volume " + name,
        202, 200).map(j -> j.getJsonObject("volume"));
  }

  public Future<JsonObject> volume(String projectId, String id) {
    return call(HttpMethod.GET, projectId, "/volumes/" + id, null, "volume " + id, 200)
        .map(j -> j.getJsonObject("volume"));
  }

  /** Polls until the volume is {@code available}; fails when it goes to {@code error} or the deadline passes. */
  public Future<JsonObject> awaitAvailable(String projectId, String id, long deadlineMillis) {
    return volume(projectId, id).compose(v -> {
      String status = v.getString("status");
      if ("available".equals(status)) return Future.succeededFuture(v);
      if ("error".equals(status)) return Future.failedFuture(new IllegalStateException("volume " + id + " failed"));
      if (System.currentTimeMillis() > deadlineMillis) {
        return Future.failedFuture(new IllegalStateException("volume " + id + " still " + status + " at the deadline"));
      }
      Promise<Void> wait = Promise.promise();
      vertx.setTimer(200, t -> wait.complete());
      return wait.future().compose(x -> awaitAvailable(projectId, id, deadlineMillis));
    });
  }

  /** What this host tells the volume service about itself when it connects a volume (os-brick's connector). */
  private static JsonObject connector(String host) {
    return new JsonObject().put("host", host).put("platform", "x86_64").put("os_type", "linux")
        .put("multipath", false).put("initiator", "iqn.2026-11.io.strato:" + host);
  }

  /** Creates an attachment with this host's connector and completes it; answers the attachment. */
  public Future<JsonObject> attach(String projectId, String volumeId, String instanceId, String host) {
    JsonObject connector = connector(host);
    JsonObject body = new JsonObject().put("attachment", new JsonObject().put("instance_uuid", instanceId)
        .put("volume_uuid", volumeId).put("connector", connector));
    return call(HttpMethod.POST, projectId, "/attachments", body, "attach volume " + volumeId, 200, 202)
        .map(j -> j.getJsonObject("attachment"))
        .compose(a -> call(HttpMethod.POST, projectId, "/attachments/" + a.getString("id") + "/action",
            new JsonObject().putNull("os-complete"), "complete attachment " + a.getString("id"), 200, 202, 204)
            .map(x -> a));
  }

  /** The attachment (its {@code status}: reserved, attaching, attached, detaching), or null when it is gone. */
  public Future<JsonObject> attachment(String projectId, String attachmentId) {
    return call(HttpMethod.GET, projectId, "/attachments/" + attachmentId, null, "attachment " + attachmentId, 200,
        404).map(j -> j.getJsonObject("attachment"));
  }

  /** The attachments of an instance (of one of its volumes when {@code volumeId} is given): id, status, volume_id. */
  public Future<List<JsonObject>> attachmentsOf(String projectId, String instanceId, String volumeId) {
    String query = "?instance_id=" + instanceId + (volumeId == null ? "" : "&volume_id=" + volumeId);
    return call(HttpMethod.GET, projectId, "/attachments" + query, null, "attachments of " + instanceId, 200)
        .map(j -> objects(j.getJsonArray("attachments")));
  }

  /**
   * Gives a reserved attachment this host's connector (the volume becomes attaching); answers the attachment with
   * its {@code connection_info}. Repeatable: a PUT.
   */
  public Future<JsonObject> connect(String projectId, String attachmentId, String host) {
    return call(HttpMethod.PUT, projectId, "/attachments/" + attachmentId,
        new JsonObject().put("attachment", new JsonObject().put("connector", connector(host))),
        "connect attachment " + attachmentId, 200).map(j -> j.getJsonObject("attachment"));
  }

  /** Completes an attachment (the volume in-use); completing twice is harmless. */
  public Future<Void> complete(String projectId, String attachmentId) {
    return call(HttpMethod.POST, projectId, "/attachments/" + attachmentId + "/action",
        new JsonObject().putNull("os-complete"), "complete attachment " + attachmentId, 200, 202, 204).mapEmpty();
  }

  /** The attachments of an instance in a project (id, volume_id), whoever made them. */
  public Future<List<JsonObject>> attachmentsOf(String projectId, String instanceId) {
    return attachmentsOf(projectId, instanceId, null);
  }

  /** The project's volumes named {@code name}, with their attachments. */
  public Future<List<JsonObject>> volumesNamed(String projectId, String name) {
    return call(HttpMethod.GET, projectId, "/volumes/detail?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
        null, "volumes named " + name, 200).map(j -> objects(j.getJsonArray("volumes")));
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array == null ? List.of() : array.stream().map(o -> (JsonObject) o).toList();
  }

  public Future<Void> detach(String projectId, String attachmentId) {
    return call(HttpMethod.DELETE, projectId, "/attachments/" + attachmentId, null, "detach " + attachmentId,
        200, 202, 204, 404).mapEmpty();
  }

  public Future<Void> delete(String projectId, String volumeId) {
    return call(HttpMethod.DELETE, projectId, "/volumes/" + volumeId, null, "delete volume " + volumeId, 202, 204, 404)
        .mapEmpty();
  }
}
