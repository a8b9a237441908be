package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.Notification;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.flavors.Flavor;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.references.BootReferences;
import io.strato.gateway.keypairs.Keypairs;
import io.strato.gateway.outbox.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Steps 4 and 5 of the boot flow: check what the request names (flavor, image, key, group, zone, and with the
 * caller's token in their own services its networks, ports, volumes, kernel, ramdisk and security groups), then in one
 * transaction reserve quota, insert the instances in {@code BUILD}/{@code scheduling}, record the {@code create}
 * action and put the boot request and an {@code instance.create.start} notification per instance in the outbox. The
 * reply does not wait for Kafka or the scheduler; the outbox guarantees both reach Kafka once the transaction
 * committed. A batch entry ({@link Origin}) goes the same way, with its idempotency key on the instance.
 */
public final class ServerCreator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PASSWORD_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final Pool pool;
  private final GatewayConfig config;
  private final Flavors flavors;
  private final Keypairs keypairs;
  private final ServerGroups groups;
  private final Quotas quotas;
  private final ImageLookup images;
  private final BootReferences references;
  private final OutboxRelay relay;
  private final BootRequestBudget budget;

  /** What a create produced: the instances (in launch order), the reservation and the admin password. */
  public record Created(List<String> instanceIds, String reservationId, String adminPass) {}

  /**
   * A create that is a batch entry rather than a REST call: exactly one instance, carrying the batch id and the
   * idempotency key, and {@code alsoRecord(tx, instanceId)} run in the create's transaction (the batch's books).
   */
  public record Origin(String batchId, String idempotencyKey,
      BiFunction<SqlConnection, String, Future<Void>> alsoRecord) {}

  /** The project already has an instance with this idempotency key; nothing was created. */
  public static final class DuplicateIdempotencyKey extends RuntimeException {
    public DuplicateIdempotencyKey(String key) {
      super("idempotency key " + key + " was already used", null, false, false);
    }
  }

  private static final String IDEMPOTENCY_INDEX = "instances_idempotency";
  /** publisher_id of the notifications the compute API sends. */
  public static final String PUBLISHER = "strato-gateway";

  /** Everything resolved before the transaction. */
  private static final class Plan {
    final ServerCreateRequest request;
    final Token token;
    final String requestId;
    final Origin origin;
    Flavor flavor;
    JsonObject image = new JsonObject();
    String keyData;
    int count;
    final List<String> ids = new ArrayList<>();
    final String reservationId = "r-" + randomString(8);
    String adminPass;
    String groupPolicy;

    Plan(ServerCreateRequest request, Token token, String requestId, Origin origin) {
      this.request = request;
      this.token = token;
      this.requestId = requestId;
      this.origin = origin;
    }
  }

  public ServerCreator(Pool pool, GatewayConfig config, Flavors flavors, Keypairs keypairs, ServerGroups groups,
      Quotas quotas, ImageLookup images, BootReferences references, OutboxRelay relay) {
    this.pool = pool;
    this.config = config;
    this.flavors = flavors;
    this.keypairs = keypairs;
    this.groups = groups;
    this.quotas = quotas;
    this.images = images;
    this.references = references;
    this.relay = relay;
    this.budget = new BootRequestBudget(KafkaSettings.maxBootRequestBytes(config.settings()));
  }

  public Future<Created> create(ServerCreateRequest request, Token token, String wireToken, String requestId) {
    return create(request, token, wireToken, requestId, null);
  }

  /**
   * As {@link #create(ServerCreateRequest, Token, String, String)}, for a batch entry when {@code origin} is set:
   * fails with {@link DuplicateIdempotencyKey} (and changes nothing) when the project already used the key.
   */
  public Future<Created> create(ServerCreateRequest request, Token token, String wireToken, String requestId,
      Origin origin) {
    Plan plan = new Plan(request, token, requestId, origin);
    plan.adminPass = request.adminPass() != null ? request.adminPass() : randomString(12);
    if (origin != null && request.maxCount() > 1) {
      throw ApiException.badRequest("A batch entry boots exactly one server: min_count and max_count must be 1.");
    }
    checkAvailabilityZone(plan);
    return resolveFlavor(plan)
        .compose(v -> resolveImage(plan, wireToken))
        .compose(v -> references.check(new BootReferences.Named(request.networks(), request.blockDevices(),
            request.securityGroups(), plan.image, request.imageId(), request.maxCount()), token, wireToken))
        .compose(v -> resolveKey(plan))
        .compose(v -> checkGroup(plan))
        .compose(v -> recordWithRetries(plan, 100))
        .recover(e -> Future.failedFuture(origin != null && e instanceof PgException pg
            && "23505".equals(pg.getSqlState()) && IDEMPOTENCY_INDEX.equals(pg.getConstraint())
            ? new DuplicateIdempotencyKey(origin.idempotencyKey()) : e))
        .map(v -> {
          if (relay != null) relay.nudge();
          return new Created(plan.ids, plan.reservationId, plan.adminPass);
        });
  }

  private void checkAvailabilityZone(Plan plan) {
    String az = plan.request.availabilityZone();
    if (az == null) return;
    String zone = az.contains(":") ? az.substring(0, az.indexOf(':')) : az;
    if (az.contains(":") && !plan.token.isAdmin()) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
    }
    if (!zone.isEmpty() && !config.availabilityZones().contains(zone)) {
      throw ApiException.badRequest("The requested availability zone is not available");
    }
  }

  private Future<Void> resolveFlavor(Plan plan) {
    return flavors.get(plan.request.flavorId())
        .recover(e -> Future.failedFuture(e instanceof ApiException a && a.status() == 404
            ? ApiException.badRequest("Flavor " + plan.request.flavorId() + " could not be found.") : e))
        .map(f -> {
          if (f.disabled()) throw ApiException.badRequest("Flavor " + f.id() + " is disabled.");
          if (!f.isPublic() && !plan.token.isAdmin()) {
            throw ApiException.badRequest("Flavor " + f.id() + " could not be found.");
          }
          plan.flavor = f;
          return null;
        });
  }

  private Future<Void> resolveImage(Plan plan, String wireToken) {
    if (plan.request.imageId().isEmpty()) return Future.succeededFuture();
    return images.activeImage(plan.request.imageId(), wireToken).map(image -> {
      long minRam = image.getLong("min_ram", 0L);
      long minDisk = image.getLong("min_disk", 0L);
      long size = image.getLong("size", 0L);
      if (plan.flavor.ramMb() < minRam) throw ApiException.badRequest("Flavor's memory is too small for requested image.");
      if (plan.flavor.diskGb() > 0 && plan.flavor.diskGb() < minDisk) {
        throw ApiException.badRequest("Flavor's disk is too small for requested image.");
      }
      if (plan.flavor.diskGb() > 0 && size > plan.flavor.diskGb() * 1024L * 1024L * 1024L) {
        throw ApiException.badRequest("Flavor's disk is too small for requested image.");
      }
      plan.image = image;
      return null;
    });
  }

  private Future<Void> resolveKey(Plan plan) {
    if (plan.request.keyName() == null) return Future.succeededFuture();
    return keypairs.get(plan.token.userId(), plan.request.keyName())
        .recover(e -> Future.failedFuture(ApiException.badRequest("Invalid key_name provided.")))
        .map(k -> {
          plan.keyData = k.getString("public_key");
          return null;
        });
  }

  private Future<Void> checkGroup(Plan plan) {
    if (plan.request.groupId() == null) return Future.succeededFuture();
    String id = plan.request.groupId();
    return groups.get(id)
        .recover(e -> Future.failedFuture(ApiException.badRequest("Invalid server group " + id + ".")))
        .map(g -> {
          if (!g.getString("project_id").equals(plan.token.projectId())) {
            throw ApiException.badRequest("Invalid server group " + id + ".");
          }
          plan.groupPolicy = g.getString("policy");
          return null;
        });
  }

  /** The transaction: quota, group membership, instances, actions, outbox. */
  /** The transaction, again when another create of the project took the quota it planned with. */
  private Future<Void> recordWithRetries(Plan plan, int attemptsLeft) {
    // NOTE: every round has a winner, so with a finite quota the losers soon find it full and get Nova's 403; the
    // bound only matters under absurd contention, answered as a conflict to retry rather than an error.
    return pool.withTransaction(tx -> record(tx, plan)).recover(e -> {
      if (!(e instanceof Quotas.QuotaRace)) return Future.failedFuture(e);
      if (attemptsLeft <= 1) {
        return Future.failedFuture(ApiException.conflict("Too many concurrent creates in this project; retry."));
      }
      return recordWithRetries(plan, attemptsLeft - 1);
    });
  }

  private Future<Void> record(SqlConnection tx, Plan plan) {
    Flavor f = plan.flavor;
    plan.ids.clear();
    return quotas.plan(tx, plan.token.projectId(), plan.request.minCount(), plan.request.maxCount(), f.vcpus(),
            f.ramMb())
        .compose(count -> {
          plan.count = count;
          for (int i = 0; i < count; i++) plan.ids.add(UUID.randomUUID().toString());
          return groupHosts(tx, plan);
        })
        .compose(groupHosts -> Instances.hostsOf(tx, plan.request.sameHost(), plan.token.projectId())
            .compose(same -> Instances.hostsOf(tx, plan.request.differentHost(), plan.token.projectId())
                .compose(different -> insertAndPublish(tx, plan, groupHosts, same, different))))
        .compose(v -> quotas.commit(tx, plan.token.projectId(), plan.count, f.vcpus(), f.ramMb()));
  }

  private Future<List<String>> groupHosts(SqlConnection tx, Plan plan) {
    String id = plan.request.groupId();
    if (id == null) return Future.succeededFuture(List.of());
    return quotas.limitsFor(plan.token.projectId()).compose(limits -> groups.get(tx, id).map(g -> {
      int members = g.getJsonArray("members").size();
      if (limits.serverGroupMembers() >= 0 && members + plan.count > limits.serverGroupMembers()) {
        throw new ApiException(403, "Quota exceeded, too many servers in group");
      }
      return g;
    })).compose(g -> groups.lockAndMemberHosts(tx, id));
  }

  private Future<Void> insertAndPublish(SqlConnection tx, Plan plan, List<String> groupHosts, List<String> sameHost,
      List<String> differentHost) {
    ServerCreateRequest r = plan.request;
    String az = r.availabilityZone() == null ? config.defaultAz() : r.availabilityZone().split(":")[0];
    if (az.isEmpty()) az = config.defaultAz();
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < plan.count; i++) {
      String name = r.maxCount() > 1 ? r.name() + "-" + (i + 1) : r.name();
      rows.add(Tuple.tuple().addUUID(UUID.fromString(plan.ids.get(i))).addString(plan.reservationId).addInteger(i)
          .addString(plan.token.projectId()).addString(plan.token.userId()).addString(name).addString(r.description())
          .addValue(plan.flavor.snapshot()).addString(r.imageId()).addString(az).addString(r.keyName())
          .addString(plan.keyData).addValue(new JsonObject(Map.copyOf(r.metadata()))).addString(r.userData())
          .addValue(r.networks() instanceof String s ? new io.vertx.core.json.JsonArray().add(s) : r.networks())
          .addValue(r.blockDevices()).addValue(r.securityGroups())
          .addUUID(r.groupId() == null ? null : UUID.fromString(r.groupId())).addString(r.configDrive())
          .addString(plan.origin == null ? null : plan.origin.batchId())
          .addString(plan.origin == null ? null : plan.origin.idempotencyKey()));
    }
    BootRequest boot = bootRequest(plan, az, groupHosts, sameHost, differentHost);
    String bootRecord = budget.fit(boot.toJson().encode());
    Future<Void> actions = Future.succeededFuture();
    for (String id : plan.ids) {
      actions = actions.compose(v -> InstanceActions.record(tx, id, plan.requestId, "create", plan.token.userId(),
          plan.token.projectId()));
    }
    Future<Void> recorded = actions;
    return Instances.insert(tx, rows)
        .compose(v -> recorded)
        .compose(v -> Outbox.add(tx, Topics.BOOT_REQUESTS, plan.reservationId, bootRecord, plan.requestId))
        .compose(v -> announce(tx, plan))
        .compose(v -> plan.origin == null ? Future.succeededFuture() : plan.origin.alsoRecord().apply(tx,
            plan.ids.get(0)));
  }

  /** instance.create.start for each new instance, in the same transaction. */
  private static Future<Void> announce(SqlConnection tx, Plan plan) {
    String batchId = plan.origin == null ? null : plan.origin.batchId();
    String key = plan.origin == null ? null : plan.origin.idempotencyKey();
    return Outbox.addAll(tx, plan.ids.stream().map(id -> Notification.instance(Notification.CREATE_START,
        PUBLISHER, new Notification.InstancePayload(id, plan.token.projectId(), plan.token.userId(), "building",
            "scheduling", null, batchId, key, null), plan.requestId)).toList());
  }

  private BootRequest bootRequest(Plan plan, String az, List<String> groupHosts, List<String> sameHost,
      List<String> differentHost) {
    ServerCreateRequest r = plan.request;
    Map<String, String> imageProps = new HashMap<>();
    JsonObject image = plan.image;
    for (String key : image.fieldNames()) {
      Object v = image.getValue(key);
      boolean property = key.startsWith("hw_") || key.startsWith("img_") || key.equals("architecture")
          || key.equals("hypervisor_type") || key.equals("hypervisor_version_requires") || key.equals("vm_mode")
          || key.equals("kernel_id") || key.equals("ramdisk_id") || key.equals("os_type")
          || key.equals("disk_format") || key.equals("container_format") || key.equals("checksum")
          || key.equals("os_hash_value") || key.equals("size");
      if (property && v != null) imageProps.put(key, String.valueOf(v));
    }
    BootRequest.Group group = r.groupId() == null ? null : groupOf(plan, groupHosts);
    JsonObject build = r.buildSpec().put("key_data", plan.keyData)
        .put("names", new io.vertx.core.json.JsonArray(plan.ids.stream()
            .map(id -> r.maxCount() > 1 ? r.name() + "-" + (plan.ids.indexOf(id) + 1) : r.name()).toList()));
    Flavor f = plan.flavor;
    // NOTE: as in Nova, a server booted from a volume takes no root disk on its host, only ephemeral space.
    int hostDisk = (r.bootsFromVolume() ? 0 : f.diskGb()) + f.ephemeralGb();
    return new BootRequest(BootRequest.VERSION, BootRequest.newMessageId(), plan.reservationId, plan.ids,
        plan.token.projectId(), plan.token.userId(),
        new BootRequest.Flavor(f.id(), f.name(), f.vcpus(), f.ramMb(), hostDisk, f.extraSpecs()),
        new BootRequest.ImageRef(r.imageId(), imageProps), az, group, sameHost, differentHost, build, plan.requestId);
  }

  private static BootRequest.Group groupOf(Plan plan, List<String> hosts) {
    return new BootRequest.Group(plan.request.groupId(), plan.groupPolicy, hosts);
  }

  static String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) sb.append(PASSWORD_CHARS.charAt(RANDOM.nextInt(PASSWORD_CHARS.length())));
    return sb.toString();
  }

}
