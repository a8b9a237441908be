package io.strato.network;

import io.strato.common.auth.Token;
import io.strato.network.PortFields.FixedIp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Ports in the {@code neutron} schema. A port, its addresses and its security groups are written in one
 * transaction, so a failed allocation leaves nothing behind. MAC addresses are unique (a unique index): a generated
 * one that collides is simply drawn again; one the client asked for answers 409 MacAddressInUse.
 */
final class Ports {
  static final int MAC_ATTEMPTS = 16;
  private static final int DEADLOCK_RETRIES = 3;
  private final Pool pool;
  private final NetworkQuotas quotas;
  private final Subnets subnets;
  private final IpAllocator allocator;
  private final String macPrefix;

  /**
   * A validated port to create; {@code fixedIps} null means "one address of each IP version"; {@code idempotencyKey}
   * (or null) makes the create happen once per project and key.
   */
  record NewPort(String id, String networkId, String projectId, String mac, JsonObject fields, List<FixedIp> fixedIps,
      List<String> securityGroups, String idempotencyKey) {}

  Ports(Pool pool, NetworkQuotas quotas, Subnets subnets, IpAllocator allocator, String macPrefix) {
    this.pool = pool;
    this.quotas = quotas;
    this.subnets = subnets;
    this.allocator = allocator;
    this.macPrefix = macPrefix;
  }

  /** Members see their own ports and the ports on networks they own. */
  static void visibleTo(ListQuery query, Token token) {
    if (!token.isAdmin()) {
      query.where("p.project_id = $? OR EXISTS (SELECT 1 FROM networks n WHERE n.id = p.network_id"
          + " AND n.project_id = $?)", token.projectId(), token.projectId());
    }
  }

  /**
   * Creates the port, or answers the one made already under its idempotency key: a create racing another with the
   * same key waits on the key's unique index until the other commits, then rolls back and answers that port.
   */
  Future<Port> create(NewPort p) {
    return retryingDeadlocks(() -> pool.withTransaction(tx -> quotas.reserve(tx, p.projectId(), QuotaResource.PORT)
        .compose(v -> insertRow(tx, p, 0))
        .compose(v -> subnets.ofNetwork(tx, p.networkId()))
        .compose(all -> p.fixedIps() == null ? allocateDefault(tx, p.id(), p.networkId(), all)
            : allocateRequested(tx, p.id(), p.networkId(), all, p.fixedIps(), 0))
        .compose(v -> linkGroups(tx, p.id(), p.securityGroups()))
        .compose(v -> get(tx, p.id()))), DEADLOCK_RETRIES)
        .recover(e -> Neutron.violates(e, "ports_idempotency") ? madeWithKey(p) : Future.failedFuture(e));
  }

  private Future<Port> madeWithKey(NewPort p) {
    return pool.preparedQuery("SELECT id FROM ports WHERE project_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(p.projectId(), p.idempotencyKey()))
        .compose(rows -> get(pool, rows.iterator().next().getUUID("id").toString()));
  }

  private Future<Void> insertRow(SqlClient tx, NewPort p, int attempt) {
    String mac = p.mac() != null ? p.mac() : randomMac();
    JsonObject f = p.fields();
    return tx.preparedQuery("INSERT INTO ports(id, network_id, project_id, name, description, mac_address,"
            + " admin_state_up, device_id, device_owner, host_id, vnic_type, profile, port_security_enabled,"
            + " idempotency_key) VALUES ($1, $2, $3, $4, $5, $6::text::macaddr, $7, $8, $9, $10, $11, $12, $13, $14)"
            + " ON CONFLICT (mac_address) DO NOTHING")
        .execute(Tuple.tuple().addUUID(UUID.fromString(p.id())).addUUID(UUID.fromString(p.networkId()))
            .addString(p.projectId()).addString(f.getString("name", "")).addString(f.getString("description", ""))
            .addString(mac).addBoolean(f.getBoolean("admin_state_up", true)).addString(f.getString("device_id", ""))
            .addString(f.getString("device_owner", "")).addString(f.getString("host_id", ""))
            .addString(f.getString("vnic_type", "normal")).addValue(f.getJsonObject("profile", new JsonObject()))
            .addBoolean(f.getBoolean("port_security_enabled", true)).addString(p.idempotencyKey()))
        .recover(e -> Future.failedFuture(Neutron.violates(e, "ports_network_id_fkey")
            ? Neutron.notFound("Network", p.networkId()) : e))
        .compose(r -> {
          if (r.rowCount() == 1) return Future.succeededFuture();
          if (p.mac() != null) {
            return Future.failedFuture(Neutron.conflict("MacAddressInUse", "Unable to complete operation for network "
                + p.networkId() + ". The mac address " + mac + " is in use."));
          }
          if (attempt + 1 >= MAC_ATTEMPTS) {
            return Future.failedFuture(Neutron.conflict("MacAddressGenerationFailure", "Unable to generate unique mac"
                + " on network " + p.networkId() + "."));
          }
          return insertRow(tx, p, attempt + 1);
        });
  }

  String randomMac() {
    int n = ThreadLocalRandom.current().nextInt(1 << 24);
    return String.format("%s:%02x:%02x:%02x", macPrefix, (n >> 16) & 255, (n >> 8) & 255, n & 255);
  }

  /**
   * Without {@code fixed_ips}, Neutron gives a port one address from the first IPv4 subnet that has one free and one
   * from the first IPv6 subnet likewise; a network whose subnets of a version are all full answers 409.
   */
  private Future<Void> allocateDefault(SqlClient tx, String portId, String networkId, List<Subnet> all) {
    Future<Void> chain = Future.succeededFuture();
    for (int version : new int[] {4, 6}) {
      List<Subnet> candidates = all.stream().filter(s -> s.ipVersion() == version).toList();
      if (candidates.isEmpty()) continue;
      chain = chain.compose(v -> firstWithRoom(tx, portId, networkId, candidates, 0, version == 4 ? 0 : 1));
    }
    return chain;
  }

  private Future<Void> firstWithRoom(SqlClient tx, String portId, String networkId, List<Subnet> candidates, int i,
      int ordinal) {
    if (i == candidates.size()) {
      return Future.failedFuture(Neutron.conflict("IpAddressGenerationFailure", "No more IP addresses available on"
          + " network " + networkId + "."));
    }
    return allocator.allocate(tx, candidates.get(i), portId, ordinal).<Void>mapEmpty().recover(e -> {
      boolean full = e instanceof io.strato.common.http.ApiException api
          && "IpAddressGenerationFailure".equals(api.type());
      return full ? firstWithRoom(tx, portId, networkId, candidates, i + 1, ordinal) : Future.failedFuture(e);
    });
  }

  /** The addresses a client asked for, in order: a free one of a subnet, or exactly the one named. */
  private Future<Void> allocateRequested(SqlClient tx, String portId, String networkId, List<Subnet> all,
      List<FixedIp> requests, int firstOrdinal) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < requests.size(); i++) {
      FixedIp request = requests.get(i);
      int ordinal = firstOrdinal + i;
      chain = chain.compose(v -> subnetFor(tx, networkId, all, request)).compose(subnet -> {
        if (request.ip() == null) return allocator.allocate(tx, subnet, portId, ordinal).mapEmpty();
        checkAddress(subnet, request.ip());
        return allocator.allocateExact(tx, subnet, request.ip(), portId, ordinal).mapEmpty();
      });
    }
    return chain;
  }

  private Future<Subnet> subnetFor(SqlClient tx, String networkId, List<Subnet> all, FixedIp request) {
    if (request.subnetId() != null) {
      String id = Neutron.uuidOrNull(request.subnetId());
      for (Subnet s : all) {
        if (s.id().equals(id)) {
          if (request.ip() != null && !s.cidr().contains(request.ip())) {
            return Future.failedFuture(new io.strato.common.http.ApiException(400, "InvalidIpForSubnet",
                "IP address " + request.ip() + " is not a valid IP for the specified subnet."));
          }
          return Future.succeededFuture(s);
        }
      }
      // Not on this network: 404 when it does not exist at all, 400 when it belongs to another network.
      return subnets.get(tx, request.subnetId()).map(other -> {
        throw Neutron.badRequest("Invalid input for operation: Failed to create port on network " + networkId
            + ", because fixed_ips included invalid subnet " + other.id() + ".");
      });
    }
    for (Subnet s : all) if (s.cidr().contains(request.ip())) return Future.succeededFuture(s);
    return Future.failedFuture(new io.strato.common.http.ApiException(400, "InvalidIpForNetwork", "IP address "
        + request.ip() + " is not a valid IP for any of the subnets on the specified network."));
  }

  /** An explicit address may lie outside the pools, but never be the IPv4 network/broadcast address or the gateway. */
  private static void checkAddress(Subnet subnet, Ip ip) {
    if (subnet.cidr().reserved(ip)) {
      throw new io.strato.common.http.ApiException(400, "InvalidIpForSubnet", "IP address " + ip
          + " is not a valid IP for the specified subnet.");
    }
    if (ip.equals(subnet.gateway())) {
      throw Neutron.conflict("IpAddressAlreadyAllocated", "IP address " + ip + " already allocated in subnet "
          + subnet.id() + " (it is the gateway).");
    }
  }

  private static Future<Void> linkGroups(SqlClient tx, String portId, List<String> groups) {
    if (groups.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("INSERT INTO port_security_groups(port_id, security_group_id)"
            + " SELECT $1, g::uuid FROM unnest($2::text[]) AS g")
        .execute(Tuple.tuple().addUUID(UUID.fromString(portId)).addArrayOfString(groups.toArray(String[]::new)))
        .recover(e -> Future.failedFuture(Neutron.violates(e, "port_security_groups_security_group_id_fkey")
            ? Neutron.notFound("SecurityGroup", String.join(",", groups)) : e))
        .mapEmpty();
  }

  Future<Port> get(SqlClient client, String id) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("Port", id));
    return client.preparedQuery("SELECT " + Port.COLUMNS + " FROM ports p WHERE p.id = $1")
        .execute(Tuple.of(UUID.fromString(uuid))).map(rows -> {
          if (rows.size() == 0) throw Neutron.notFound("Port", id);
          return Port.from(rows.iterator().next());
        });
  }

  /** The port if the caller may see (and so change) it; 404 PortNotFound otherwise. */
  Future<Port> visible(String id, Token token) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("Port", id));
    ListQuery query = ListQuery.of("p").where("p.id = $?", UUID.fromString(uuid));
    visibleTo(query, token);
    return list(query).map(ports -> {
      if (ports.isEmpty()) throw Neutron.notFound("Port", id);
      return ports.get(0);
    });
  }

  Future<List<Port>> list(ListQuery query) {
    return pool.preparedQuery(query.sql(Port.COLUMNS, "ports p")).execute(query.args()).map(rows -> {
      List<Port> out = new ArrayList<>();
      for (Row r : rows) out.add(Port.from(r));
      return out;
    });
  }

  /**
   * Applies validated changes. {@code groups} (when not null) replaces the port's security groups; {@code fixedIps}
   * (when not null) replaces its addresses: entries naming an address the port already has keep it, the others are
   * allocated, and addresses no longer listed are released.
   */
  Future<Port> update(Port current, JsonObject f, List<String> groups, List<FixedIp> fixedIps) {
    return retryingDeadlocks(() -> pool.withTransaction(tx -> tx.preparedQuery("UPDATE ports SET name = $2,"
                + " description = $3, admin_state_up = $4, device_id = $5, device_owner = $6, host_id = $7,"
                + " vnic_type = $8, profile = $9, port_security_enabled = $10, revision_number = revision_number + 1,"
                + " updated_at = now() WHERE id = $1")
            .execute(Tuple.tuple().addUUID(UUID.fromString(current.id())).addString(f.getString("name", current.name()))
                .addString(f.getString("description", current.description()))
                .addBoolean(f.getBoolean("admin_state_up", current.adminStateUp()))
                .addString(f.getString("device_id", current.deviceId()))
                .addString(f.getString("device_owner", current.deviceOwner()))
                .addString(f.getString("host_id", current.hostId()))
                .addString(f.getString("vnic_type", current.vnicType()))
                .addValue(f.getJsonObject("profile", current.profile()))
                .addBoolean(f.getBoolean("port_security_enabled", current.portSecurityEnabled())))
            .compose(r -> groups == null ? Future.succeededFuture()
                : tx.preparedQuery("DELETE FROM port_security_groups WHERE port_id = $1")
                    .execute(Tuple.of(UUID.fromString(current.id()))).compose(d -> linkGroups(tx, current.id(), groups)))
            .compose(v -> fixedIps == null ? Future.succeededFuture() : replaceAddresses(tx, current, fixedIps))
            .compose(v -> get(tx, current.id()))), DEADLOCK_RETRIES);
  }

  private Future<Void> replaceAddresses(SqlClient tx, Port current, List<FixedIp> wanted) {
    Set<String> kept = new HashSet<>();
    List<FixedIp> fresh = new ArrayList<>();
    for (FixedIp w : wanted) {
      Object match = w.ip() == null ? null : current.fixedIps().stream().map(o -> (JsonObject) o)
          .filter(h -> Ip.parseOrNull(h.getString("ip_address")).equals(w.ip())
              && (w.subnetId() == null || h.getString("subnet_id").equals(Neutron.uuidOrNull(w.subnetId()))))
          .findFirst().orElse(null);
      if (match != null && kept.add(((JsonObject) match).getString("ip_address"))) continue;
      fresh.add(w);
    }
    return tx.preparedQuery("DELETE FROM ip_allocations WHERE port_id = $1"
            + " AND NOT (ip_address = ANY($2::text[]::inet[]))")
        .execute(Tuple.tuple().addUUID(UUID.fromString(current.id())).addArrayOfString(kept.toArray(String[]::new)))
        .compose(r -> subnets.ofNetwork(tx, current.networkId()))
        .compose(all -> allocateRequested(tx, current.id(), current.networkId(), all, fresh, wanted.size()));
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM ports WHERE id = $1").execute(Tuple.of(UUID.fromString(id))).mapEmpty();
  }

  private static <T> Future<T> retryingDeadlocks(Supplier<Future<T>> work, int retries) {
    return work.get().recover(e -> Neutron.isSqlState(e, "40P01") && retries > 0
        ? retryingDeadlocks(work, retries - 1) : Future.failedFuture(e));
  }
}
