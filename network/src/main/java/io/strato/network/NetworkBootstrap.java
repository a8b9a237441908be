package io.strato.network;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one's network: a shared network {@value #NETWORK} with an IPv4 subnet {@value #SUBNET} of
 * {@code network.bootstrap.private.cidr}, owned by the admin project, as devstack creates one. Created once: a later
 * start (or a second replica) finds them and does nothing; an advisory lock keeps two replicas from both creating.
 *
 * <p>NOTE: project ids are identity's, so the admin project's id is looked up by logging in as the bootstrap admin
 * ({@code identity.bootstrap.*}), the credentials an operator gives the all-in-one anyway. Without an admin password
 * there is nothing to own the network and the bootstrap is skipped with a warning.
 */
final class NetworkBootstrap {
  static final String NETWORK = "private";
  static final String SUBNET = "private-subnet";
  private static final Logger LOG = LoggerFactory.getLogger(NetworkBootstrap.class);
  private final Vertx vertx;
  private final Settings settings;
  private final Pool pool;
  private final Networks networks;
  private final Subnets subnets;
  private final NetworkConfig config;
  private volatile boolean done;

  NetworkBootstrap(Vertx vertx, NetworkConfig config, Pool pool, Networks networks, Subnets subnets) {
    this.vertx = vertx;
    this.config = config;
    this.settings = config.settings();
    this.pool = pool;
    this.networks = networks;
    this.subnets = subnets;
  }

  boolean done() {
    return done;
  }

  /** Runs until it succeeds (identity may start after this service), retrying every {@code retryMs}. */
  void start(long retryMs) {
    if (config.bootstrapCidr().isBlank()) {
      done = true;
      return;
    }
    if (settings.get("identity.bootstrap.admin.password").isBlank()) {
      LOG.warn("network.bootstrap.private.cidr is set but identity.bootstrap.admin.password is not: no admin project"
          + " to own the '{}' network, skipping it", NETWORK);
      done = true;
      return;
    }
    run().onSuccess(v -> done = true).onFailure(e -> {
      LOG.info("network bootstrap not done yet ({}); retrying in {} ms", e.toString(), retryMs);
      vertx.setTimer(retryMs, t -> start(retryMs));
    });
  }

  Future<Void> run() {
    return adminProjectId().compose(this::ensureNetwork).compose(this::ensureSubnet);
  }

  private Future<String> adminProjectId() {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject()
                .put("name", settings.get("identity.bootstrap.admin.name"))
                .put("domain", new JsonObject().put("id", "default"))
                .put("password", settings.get("identity.bootstrap.admin.password")))))
        .put("scope", new JsonObject().put("project", new JsonObject()
            .put("name", settings.get("identity.bootstrap.project"))
            .put("domain", new JsonObject().put("id", "default")))));
    WebClient client = WebClient.create(vertx);
    return client.postAbs(settings.get("identity.url") + "/v3/auth/tokens").sendJsonObject(auth)
        .onComplete(ar -> client.close())
        .map(resp -> {
          if (resp.statusCode() != 201) throw new IllegalStateException("identity answered " + resp.statusCode());
          return resp.bodyAsJsonObject().getJsonObject("token").getJsonObject("project").getString("id");
        });
  }

  private Future<String> ensureNetwork(String projectId) {
    return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(hashtext('strato.network.bootstrap'))")
        .execute()
        .compose(l -> tx.preparedQuery("SELECT id FROM networks WHERE name = $1 AND shared AND project_id = $2"
            + " ORDER BY created_at LIMIT 1").execute(Tuple.of(NETWORK, projectId)))
        .compose(rows -> {
          if (rows.size() > 0) return Future.succeededFuture(rows.iterator().next().getUUID("id").toString());
          LOG.info("creating the shared network '{}' for the admin project", NETWORK);
          return networks.insert(tx, UUID.randomUUID().toString(), projectId, new JsonObject().put("name", NETWORK)
              .put("shared", true).put("mtu", config.mtu())).map(Network::id);
        }));
  }

  private Future<Void> ensureSubnet(String networkId) {
    return networks.get(pool, networkId).compose(n -> {
      if (!n.subnets().isEmpty()) return Future.succeededFuture();
      Cidr cidr = Cidr.parseOrNull(config.bootstrapCidr(), true);
      Ip gateway = SubnetFields.gateway(new JsonObject(), cidr);
      return subnets.insert(UUID.randomUUID().toString(), networkId, n.projectId(), cidr, gateway,
          AllocationPools.defaults(cidr, gateway), new JsonObject().put("name", SUBNET)).mapEmpty();
    });
  }
}
