package io.strato.agent.clients;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Neutron v2.0, as the agent uses it: find networks, create, bind and delete an instance's ports. Every call acts
 * for the instance's project: Neutron shows it that project's networks, ports and groups and the shared ones, and
 * nothing of another project, so a build can never plug another project's port or private network.
 */
public final class NetworkClient {
  /** The header the network service keys port creates on (see its {@code PortsApi}). */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private final ServiceSession session;

  public NetworkClient(ServiceSession session) {
    this.session = session;
  }

  public boolean available() {
    return session.endpoint("network").isPresent();
  }

  private Future<JsonObject> call(String projectId, HttpMethod method, String path, JsonObject body, String what,
      int... ok) {
    // POST creates a port: made once (a retry after a lost answer would make a second one); the rest is idempotent.
    return session.call("network", what, method != HttpMethod.POST, token -> {
      var url = session.endpoint("network");
      if (url.isEmpty()) return ServiceCall.unavailable("network");
      var req = session.request(method, url.get() + path, token, projectId);
      return (body == null ? req.send() : req.sendJsonObject(body)).map(resp -> {
        ServiceCall.expect(resp, what, ok);
        return resp.body() == null || resp.body().length() == 0 ? new JsonObject() : resp.bodyAsJsonObject();
      });
    });
  }

  public Future<JsonObject> network(String projectId, String id) {
    return call(projectId, HttpMethod.GET, "/v2.0/networks/" + id, null, "network " + id, 200)
        .map(j -> j.getJsonObject("network"));
  }

  /** Networks a project may boot on without naming one: its own and the shared ones (not the external ones). */
  public Future<List<JsonObject>> networksFor(String projectId) {
    return call(projectId, HttpMethod.GET, "/v2.0/networks", null, "list networks", 200).map(j -> {
      List<JsonObject> out = new ArrayList<>();
      for (Object o : j.getJsonArray("networks", new JsonArray())) {
        JsonObject n = (JsonObject) o;
        if (n.getBoolean("shared", false) || projectId.equals(n.getString("project_id"))) out.add(n);
      }
      return out;
    });
  }

  /**
   * Creates a port for the instance, owned by its project, in the named security groups, bound to this host.
   * Without groups (or with only {@code default}) Neutron applies the project's default group itself.
   *
   * <p>Exactly once: the port is named after the instance, the scheduling attempt and the NIC's index
   * ({@link #portName}), and that name with this host ({@link #idempotencyKey}) is the create's
   * {@code Idempotency-Key}, which the network service honours (one port per project and key; a second create, even
   * one sent at the same time, answers the first one's port). The host is part of the key because a request placed
   * twice builds on two hosts at the same attempt: each build owns its port, and the one that loses deletes its own.
   * So a create that timed out or got a 5xx is tried again like an idempotent call ({@code http.client.attempts}),
   * and a build step delivered twice while its first create still runs, never makes a second port.
   */
  public Future<JsonObject> createPort(String networkId, String fixedIp, String projectId, String instanceId,
      int attempt, int nic, String host, String az, List<String> securityGroups) {
    String name = portName(instanceId, attempt, nic);
    JsonObject port = new JsonObject().put("network_id", networkId).put("device_id", instanceId).put("name", name)
        .put("device_owner", "compute:" + az).put("binding:host_id", host);
    if (fixedIp != null) port.put("fixed_ips", new JsonArray().add(new JsonObject().put("ip_address", fixedIp)));
    String what = "create a port on network " + networkId;
    return securityGroupIds(projectId, securityGroups).compose(ids -> {
      if (!ids.isEmpty()) port.put("security_groups", new JsonArray(ids));
      return session.call("network", what, true, token -> {
        var url = session.endpoint("network");
        if (url.isEmpty()) return ServiceCall.unavailable("network");
        return session.request(HttpMethod.POST, url.get() + "/v2.0/ports", token, projectId)
            .putHeader(IDEMPOTENCY_KEY, idempotencyKey(name, host))
            .sendJsonObject(new JsonObject().put("port", port))
            .map(resp -> ServiceCall.expect(resp, what, 201).bodyAsJsonObject().getJsonObject("port"));
      });
    });
  }

  /** The name of the port the agent makes for NIC {@code nic} of an instance's build at {@code attempt}. */
  static String portName(String instanceId, int attempt, int nic) {
    return "instance-" + instanceId + "-" + attempt + "-nic" + nic;
  }

  /** The create's key: the port's name and the host building it (as a name-based UUID, so any host name fits). */
  static String idempotencyKey(String portName, String host) {
    return portName + "@" + UUID.nameUUIDFromBytes(host.getBytes(StandardCharsets.UTF_8));
  }

  /** The ids of a project's security groups by name; an unknown name fails the build, as in Nova. */
  private Future<List<String>> securityGroupIds(String projectId, List<String> names) {
    List<String> wanted = names.stream().filter(n -> !n.equals("default")).toList();
    if (wanted.isEmpty()) return Future.succeededFuture(List.of());
    return call(projectId, HttpMethod.GET, "/v2.0/security-groups?project_id=" + encode(projectId), null,
        "list security groups", 200).map(j -> {
          List<String> ids = new ArrayList<>();
          for (String name : names) {
            String id = j.getJsonArray("security_groups", new JsonArray()).stream().map(o -> (JsonObject) o)
                .filter(g -> name.equals(g.getString("name")) || name.equals(g.getString("id")))
                .map(g -> g.getString("id")).findFirst().orElse(null);
            if (id == null && !name.equals("default")) {
              throw new IllegalStateException("Security group " + name + " not found for project " + projectId);
            }
            if (id != null) ids.add(id);
          }
          return ids;
        });
  }

  /**
   * Binds a port the user made beforehand to the instance on this host. A port of another project is not found, and
   * a port already bound to another device is refused, so a build never takes a port away from anyone.
   */
  public Future<JsonObject> bindPort(String projectId, String portId, String instanceId, String host, String az) {
    return call(projectId, HttpMethod.GET, "/v2.0/ports/" + portId, null, "port " + portId, 200)
        .compose(j -> {
          String device = j.getJsonObject("port").getString("device_id", "");
          if (!device.isEmpty() && !device.equals(instanceId)) {
            return Future.failedFuture(new IllegalStateException("Port " + portId + " is still in use."));
          }
          JsonObject port = new JsonObject().put("device_id", instanceId).put("device_owner", "compute:" + az)
              .put("binding:host_id", host);
          return call(projectId, HttpMethod.PUT, "/v2.0/ports/" + portId, new JsonObject().put("port", port),
              "bind port " + portId, 200).map(b -> b.getJsonObject("port"));
        });
  }

  public Future<List<JsonObject>> portsOf(String projectId, String instanceId) {
    return call(projectId, HttpMethod.GET, "/v2.0/ports?device_id=" + encode(instanceId), null,
        "list ports of " + instanceId, 200).map(j -> j.getJsonArray("ports", new JsonArray()).stream()
        .map(o -> (JsonObject) o).toList());
  }

  /** The network's subnets as the project sees them. */
  public Future<List<JsonObject>> subnets(String projectId, String networkId) {
    return call(projectId, HttpMethod.GET, "/v2.0/subnets?network_id=" + encode(networkId), null,
        "list subnets of " + networkId, 200).map(j -> j.getJsonArray("subnets", new JsonArray()).stream()
        .map(o -> (JsonObject) o).toList());
  }

  /**
   * The DHCP port of a network on a host (Neutron's {@code network:dhcp} port, one per DHCP server): the one there
   * is, found by its device id, or a new one. Callers serialise per network, so two are never made side by side.
   */
  public Future<JsonObject> dhcpPort(String projectId, String networkId, String host) {
    return findDhcpPort(projectId, networkId, host).compose(found -> found != null ? Future.succeededFuture(found)
        : call(projectId, HttpMethod.POST, "/v2.0/ports", new JsonObject().put("port", new JsonObject()
            .put("network_id", networkId).put("name", "dhcp-" + host).put("device_id", dhcpDeviceId(networkId, host))
            .put("device_owner", "network:dhcp").put("binding:host_id", host)), "create the DHCP port of "
            + networkId, 201).map(j -> j.getJsonObject("port")));
  }

  /** Deletes the network's DHCP port on the host, if there is one. */
  public Future<Void> deleteDhcpPort(String projectId, String networkId, String host) {
    return findDhcpPort(projectId, networkId, host).compose(found -> found == null ? Future.succeededFuture()
        : deletePort(projectId, found.getString("id")));
  }

  private Future<JsonObject> findDhcpPort(String projectId, String networkId, String host) {
    return call(projectId, HttpMethod.GET, "/v2.0/ports?network_id=" + encode(networkId) + "&device_id="
        + encode(dhcpDeviceId(networkId, host)), null, "look for the DHCP port of " + networkId, 200)
        .map(j -> j.getJsonArray("ports", new JsonArray()).stream().map(o -> (JsonObject) o).findFirst()
            .orElse(null));
  }

  /** Neutron names a DHCP port's device after the agent's host and the network ({@code dhcp<host>-<network>}). */
  static String dhcpDeviceId(String networkId, String host) {
    return "dhcp-" + host + "-" + networkId;
  }

  /** Deletes a port; a port already gone is fine. */
  public Future<Void> deletePort(String projectId, String portId) {
    return call(projectId, HttpMethod.DELETE, "/v2.0/ports/" + portId, null, "delete port " + portId, 204, 404)
        .mapEmpty();
  }

  /** Gives a pre-existing port back to its owner: unbound, no device. */
  public Future<Void> unbindPort(String projectId, String portId) {
    JsonObject port = new JsonObject().put("device_id", "").put("device_owner", "").put("binding:host_id", "");
    return call(projectId, HttpMethod.PUT, "/v2.0/ports/" + portId, new JsonObject().put("port", port),
        "unbind port " + portId, 200, 404).mapEmpty();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
