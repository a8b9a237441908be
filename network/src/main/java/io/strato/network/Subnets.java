package io.strato.network;

import io.strato.common.auth.Token;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Subnets in the {@code neutron} schema. Subnets of one network never overlap (checked under a lock on the network
 * row, so two racing creates cannot both pass); a subnet with addresses in use cannot be deleted (409 SubnetInUse).
 */
final class Subnets {
  private static final String FROM = "subnets s JOIN networks n ON n.id = s.network_id";
  private final Pool pool;
  private final NetworkQuotas quotas;

  Subnets(Pool pool, NetworkQuotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  /** Members see subnets they own and those of networks they own or that are shared. */
  static void visibleTo(ListQuery query, Token token) {
    if (!token.isAdmin()) {
      query.where("s.project_id = $? OR n.project_id = $? OR n.shared", token.projectId(), token.projectId());
    }
  }

  Future<Subnet> insert(String id, String networkId, String projectId, Cidr cidr, Ip gateway, AllocationPools pools,
      JsonObject f) {
    return pool.withTransaction(tx -> quotas.reserve(tx, projectId, QuotaResource.SUBNET)
        .compose(v -> tx.preparedQuery("SELECT 1 FROM networks WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(UUID.fromString(networkId))))
        .compose(locked -> {
          if (locked.size() == 0) throw Neutron.notFound("Network", networkId);
          return tx.preparedQuery("SELECT s.id, s.cidr::text AS cidr FROM subnets s WHERE s.network_id = $1"
              + " AND s.cidr && $2::text::cidr LIMIT 1").execute(Tuple.of(UUID.fromString(networkId), cidr.toString()));
        })
        .compose(overlap -> {
          if (overlap.size() > 0) {
            throw Neutron.badRequest("Invalid input for operation: Requested subnet with cidr: " + cidr
                + " for network: " + networkId + " overlaps with another subnet.");
          }
          return tx.preparedQuery("INSERT INTO subnets(id, network_id, project_id, name, description, ip_version,"
                  + " cidr, gateway_ip, allocation_pools, enable_dhcp, dns_nameservers, host_routes, ipv6_ra_mode,"
                  + " ipv6_address_mode) VALUES ($1, $2, $3, $4, $5, $6, $7::text::cidr, $8::text::inet, $9, $10,"
                  + " $11, $12, $13, $14)")
              .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addUUID(UUID.fromString(networkId))
                  .addString(projectId).addString(f.getString("name", "")).addString(f.getString("description", ""))
                  .addInteger(cidr.version()).addString(cidr.toString())
                  .addString(gateway == null ? null : gateway.toString()).addValue(pools.toJson())
                  .addBoolean(f.getBoolean("enable_dhcp", true))
                  .addValue(f.getJsonArray("dns_nameservers", new JsonArray()))
                  .addValue(f.getJsonArray("host_routes", new JsonArray())).addString(f.getString("ipv6_ra_mode"))
                  .addString(f.getString("ipv6_address_mode")));
        })
        .compose(r -> get(tx, id)));
  }

  Future<Subnet> get(SqlClient client, String id) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("Subnet", id));
    return client.preparedQuery("SELECT " + Subnet.COLUMNS + " FROM subnets s WHERE s.id = $1")
        .execute(Tuple.of(UUID.fromString(uuid))).map(rows -> {
          if (rows.size() == 0) throw Neutron.notFound("Subnet", id);
          return Subnet.from(rows.iterator().next());
        });
  }

  /** Every subnet of a network, oldest first (the order ports take addresses in). */
  Future<List<Subnet>> ofNetwork(SqlClient client, String networkId) {
    return client.preparedQuery("SELECT " + Subnet.COLUMNS + " FROM subnets s WHERE s.network_id = $1"
            + " ORDER BY s.created_at, s.id")
        .execute(Tuple.of(UUID.fromString(networkId))).map(Subnets::all);
  }

  /** The subnet with the network it belongs to, if the caller may see it; 404 SubnetNotFound otherwise. */
  Future<Subnet> visible(String id, Token token) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("Subnet", id));
    ListQuery query = ListQuery.of("s").where("s.id = $?", UUID.fromString(uuid));
    visibleTo(query, token);
    return pool.preparedQuery(query.sql(Subnet.COLUMNS, FROM)).execute(query.args()).map(rows -> {
      if (rows.size() == 0) throw Neutron.notFound("Subnet", id);
      return Subnet.from(rows.iterator().next());
    });
  }

  /**
   * The subnet if the caller may change it: a member of its project or of its network's, or an admin; 403 when only
   * visible or when the caller's role only reads.
   */
  Future<Subnet> owned(String id, Token token, String action) {
    return visible(id, token).map(NetworkPolicy.member(token, action)).compose(s -> {
      if (token.isAdmin() || s.projectId().equals(token.projectId())) return Future.succeededFuture(s);
      return pool.preparedQuery("SELECT project_id FROM networks WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(s.networkId()))).map(rows -> {
            if (rows.size() == 0 || !rows.iterator().next().getString("project_id").equals(token.projectId())) {
              throw Neutron.forbidden(action);
            }
            return s;
          });
    });
  }

  Future<List<Subnet>> list(ListQuery query) {
    return pool.preparedQuery(query.sql(Subnet.COLUMNS, FROM)).execute(query.args()).map(Subnets::all);
  }

  Future<Subnet> update(Subnet s, JsonObject f, Ip gateway, AllocationPools pools) {
    return pool.preparedQuery("UPDATE subnets SET name = $2, description = $3, gateway_ip = $4::text::inet,"
            + " allocation_pools = $5, enable_dhcp = $6, dns_nameservers = $7, host_routes = $8,"
            + " revision_number = revision_number + 1, updated_at = now() WHERE id = $1")
        .execute(Tuple.tuple().addUUID(UUID.fromString(s.id())).addString(f.getString("name", s.name()))
            .addString(f.getString("description", s.description()))
            .addString(gateway == null ? null : gateway.toString()).addValue(pools.toJson())
            .addBoolean(f.getBoolean("enable_dhcp", s.enableDhcp()))
            .addValue(f.getJsonArray("dns_nameservers", s.dnsNameservers()))
            .addValue(f.getJsonArray("host_routes", s.hostRoutes())))
        .compose(r -> get(pool, s.id()));
  }

  /** True when a port holds {@code ip} on the subnet. */
  Future<Boolean> allocated(String subnetId, Ip ip) {
    return pool.preparedQuery("SELECT 1 FROM ip_allocations WHERE subnet_id = $1 AND ip_address = $2::text::inet")
        .execute(Tuple.of(UUID.fromString(subnetId), ip.toString())).map(rows -> rows.size() > 0);
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM subnets WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
        .<Void>mapEmpty()
        .recover(Neutron.mapFailure("ip_allocations_subnet_id_fkey", Neutron.conflict("SubnetInUse",
            "Unable to complete operation on subnet " + id + ": One or more ports have an IP allocation from this"
                + " subnet.")));
  }

  private static List<Subnet> all(Iterable<Row> rows) {
    List<Subnet> out = new ArrayList<>();
    for (Row r : rows) out.add(Subnet.from(r));
    return out;
  }
}
