package io.strato.network;

import io.strato.common.auth.Token;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Networks in the {@code neutron} schema. A member sees its project's networks plus shared and external ones;
 * admins see all. A network with ports cannot be deleted (409 NetworkInUse); its subnets go with it.
 */
final class Networks {
  private final Pool pool;
  private final NetworkQuotas quotas;

  Networks(Pool pool, NetworkQuotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  Pool pool() {
    return pool;
  }

  /** The SQL condition "visible to this caller" over {@code networks n}, with its argument. */
  static void visibleTo(ListQuery query, Token token) {
    if (!token.isAdmin()) query.where("n.project_id = $? OR n.shared OR n.external", token.projectId());
  }

  /** A tenant's new network, within its {@code network} quota (409 OverQuota beyond it). */
  Future<Network> create(String id, String projectId, JsonObject f) {
    return pool.withTransaction(tx -> quotas.reserve(tx, projectId, QuotaResource.NETWORK)
        .compose(v -> insert(tx, id, projectId, f)));
  }

  Future<Network> insert(SqlClient client, String id, String projectId, JsonObject f) {
    return client.preparedQuery("INSERT INTO networks(id, project_id, name, description, admin_state_up, shared,"
            + " external, mtu) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.of(UUID.fromString(id), projectId, f.getString("name", ""), f.getString("description", ""),
            f.getBoolean("admin_state_up", true), f.getBoolean("shared", false),
            f.getBoolean("router:external", false)).addInteger(f.getInteger("mtu")))
        .compose(r -> get(client, id));
  }

  Future<Network> get(SqlClient client, String id) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("Network", id));
    return client.preparedQuery("SELECT " + Network.COLUMNS + " FROM networks n WHERE n.id = $1")
        .execute(Tuple.of(UUID.fromString(uuid))).map(rows -> {
          if (rows.size() == 0) throw Neutron.notFound("Network", id);
          return Network.from(rows.iterator().next());
        });
  }

  /** The network if the caller may see it; 404 NetworkNotFound otherwise. */
  Future<Network> visible(String id, Token token) {
    return get(pool, id).map(n -> {
      if (!token.isAdmin() && !n.projectId().equals(token.projectId()) && !n.shared() && !n.external()) {
        throw Neutron.notFound("Network", id);
      }
      return n;
    });
  }

  /**
   * The network if the caller may change it (a member of its project, or admin): 404 when invisible, 403 when only
   * visible or when the caller's role only reads.
   */
  Future<Network> owned(String id, Token token, String action) {
    return visible(id, token).map(n -> {
      if (!token.isAdmin() && !n.projectId().equals(token.projectId())) throw Neutron.forbidden(action);
      return n;
    }).map(NetworkPolicy.member(token, action));
  }

  Future<List<Network>> list(ListQuery query) {
    return pool.preparedQuery(query.sql(Network.COLUMNS, "networks n")).execute(query.args()).map(rows -> {
      List<Network> out = new ArrayList<>();
      for (Row r : rows) out.add(Network.from(r));
      return out;
    });
  }

  /** Applies the validated changes; turning {@code shared} off fails while other projects have ports on it. */
  Future<Network> update(Network current, JsonObject changes) {
    return pool.withTransaction(tx -> {
      Future<Void> check = Future.succeededFuture();
      if (current.shared() && Boolean.FALSE.equals(changes.getBoolean("shared"))) {
        check = tx.preparedQuery("SELECT 1 FROM ports WHERE network_id = $1 AND project_id <> $2 LIMIT 1")
            .execute(Tuple.of(UUID.fromString(current.id()), current.projectId())).map(rows -> {
              if (rows.size() > 0) {
                throw Neutron.conflict("InvalidSharedSetting", "Unable to reconfigure sharing settings for network "
                    + current.id() + ". Multiple tenants are using it.");
              }
              return null;
            });
      }
      return check.compose(v -> tx.preparedQuery("UPDATE networks SET name = $2, description = $3,"
              + " admin_state_up = $4, shared = $5, external = $6, mtu = $7, revision_number = revision_number + 1,"
              + " updated_at = now() WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(current.id()), changes.getString("name", current.name()),
              changes.getString("description", current.description()),
              changes.getBoolean("admin_state_up", current.adminStateUp()),
              changes.getBoolean("shared", current.shared()), changes.getBoolean("router:external", current.external()),
              changes.getInteger("mtu", current.mtu()))))
          .compose(r -> get(tx, current.id()));
    });
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM networks WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
        .<Void>mapEmpty()
        .recover(Neutron.mapFailure("ports_network_id_fkey", Neutron.conflict("NetworkInUse",
            "Unable to complete operation on network " + id + ". There are one or more ports still in use on the"
                + " network.")));
  }
}
