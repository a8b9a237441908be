package io.strato.gateway.servers;

import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.Notification;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.actions.InstanceActions;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxMessage;
import io.strato.gateway.flavors.Flavor;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes accepted creates: in one transaction, quota, the instances in {@code BUILD}/{@code scheduling}, their
 * {@code create} actions, the boot request and the {@code instance.create.start} notifications in the outbox.
 *
 * <p>Group commit: creates that arrive while a transaction is in flight wait for it (no thread waits, they are queued)
 * and are written together by the next one, up to {@code compute.create.group.max}, so a burst costs one transaction,
 * one WAL flush and a handful of round trips (usage read, pipelined batch inserts and usage upserts, commit) for many
 * creates rather than a dozen round trips each. Each create still gets its own answer: a create over its project's
 * quota gets Nova's 403 while the others of the group commit; a group that lost a quota race with another
 * transaction plans again; a group that failed otherwise (a batch entry's idempotency key used meanwhile) is retried
 * one create at a time, so each error stays with its own create. A create is answered only after its transaction
 * committed: a 202 means the boot is durable.
 *
 * <p>Creates that read or lock rows of their own (server groups, same_host / different_host hints) take their own
 * transaction.
 */
final class CreateWriter {
  /** publisher_id of the notifications the compute API sends. */
  static final String PUBLISHER = "strato-gateway";
  private static final int QUOTA_RACE_ATTEMPTS = 100;

  private final Pool pool;
  private final GatewayConfig config;
  private final ServerGroups groups;
  private final Quotas quotas;
  private final OutboxRelay relay;
  private final BootRequestBudget budget;
  private final int groupMax;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;

  /** A create waiting for its group's commit. */
  private record Pending(CreatePlan plan, Promise<Void> done) {}

  CreateWriter(Pool pool, GatewayConfig config, ServerGroups groups, Quotas quotas, OutboxRelay relay) {
    this.pool = pool;
    this.config = config;
    this.groups = groups;
    this.quotas = quotas;
    this.relay = relay;
    this.budget = new BootRequestBudget(KafkaSettings.maxBootRequestBytes(config.settings()));
    this.groupMax = Math.max(1, config.settings().getInt("compute.create.group.max"));
  }

  /** Writes the create (with others when it can); succeeds once it committed. */
  Future<Void> record(CreatePlan plan) {
    if (!plan.groupable() || groupMax == 1) return alone(plan).onSuccess(v -> nudgeFor(List.of(plan)));
    Promise<Void> done = Promise.promise();
    List<Pending> group = null;
    // NOTE: synchronized rather than confined to one event loop: the batch consumer and the HTTP verticle may share
    // this writer. The lock covers only the queue, never a database call.
    synchronized (this) {
      queue.add(new Pending(plan, done));
      if (!writing) {
        writing = true;
        group = take();
      }
    }
    if (group != null) write(group);
    return done.future();
  }

  private List<Pending> take() {
    List<Pending> group = new ArrayList<>();
    while (!queue.isEmpty() && group.size() < groupMax) group.add(queue.poll());
    return group;
  }

  /** Writes one group, then the next one that gathered meanwhile, until none is waiting. */
  private void write(List<Pending> group) {
    commitGroup(group, QUOTA_RACE_ATTEMPTS).onComplete(ar -> {
      nudgeFor(group.stream().map(Pending::plan).toList());
      List<Pending> next;
      synchronized (this) {
        next = queue.isEmpty() ? null : take();
        if (next == null) writing = false;
      }
      if (next != null) write(next);
    });
  }

  /** Answers every create of the group; never fails itself. */
  private Future<Void> commitGroup(List<Pending> group, int attemptsLeft) {
    Map<Pending, ApiException> refused = new HashMap<>();
    List<OutboxMessage> handed = new ArrayList<>();
    Future<Void> written = pool.withTransaction(tx -> writeGroup(tx, group, refused, handed))
        .onSuccess(v -> handOff(handed));
    return written.transform(ar -> {
      if (ar.succeeded()) {
        for (Pending p : group) {
          ApiException no = refused.get(p);
          if (no == null) p.done().complete();
          else p.done().fail(no);
        }
        return Future.succeededFuture();
      }
      if (ar.cause() instanceof Quotas.QuotaRace && attemptsLeft > 1) return commitGroup(group, attemptsLeft - 1);
      if (!(ar.cause() instanceof Quotas.QuotaRace) && !(ar.cause() instanceof PgException)) {
        // NOTE: not a statement's error (the connection was lost, perhaps during COMMIT): the group may have been
        // written, so writing each create again could make its server twice. Each create answers the failure.
        for (Pending p : group) p.done().fail(ar.cause());
        return Future.succeededFuture();
      }
      // Each on its own, so that a create's failure is its own answer, not its neighbours'.
      List<Future<Void>> each = new ArrayList<>();
      for (Pending p : group) {
        each.add(alone(p.plan()).onComplete(one -> {
          if (one.succeeded()) p.done().complete();
          else p.done().fail(one.cause());
        }));
      }
      return Future.join(each).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  private Future<Void> writeGroup(SqlConnection tx, List<Pending> group, Map<Pending, ApiException> refused,
      List<OutboxMessage> handed) {
    Set<String> projects = new LinkedHashSet<>();
    group.forEach(p -> projects.add(p.plan().token.projectId()));
    return quotas.rooms(tx, projects).compose(rooms -> {
      List<CreatePlan> accepted = new ArrayList<>();
      for (Pending p : group) {
        CreatePlan plan = p.plan();
        Flavor f = plan.flavor;
        try {
          plan.count = rooms.get(plan.token.projectId()).take(plan.request.minCount(), plan.request.maxCount(),
              f.vcpus(), f.ramMb());
        } catch (ApiException e) {
          refused.put(p, e);
          continue;
        }
        newIds(plan);
        accepted.add(plan);
      }
      List<Future<?>> writes = new ArrayList<>(rows(tx, accepted, List.of(), List.of(), List.of(), handed));
      // In project order: two groups adding to the same projects lock their rows in the same order (no deadlock).
      new java.util.TreeMap<>(rooms).values().forEach(room -> writes.add(quotas.add(tx, room)));
      return Future.all(writes).mapEmpty();
    });
  }

  /** One create in its own transaction, again when another create of the project took the quota it planned with. */
  private Future<Void> alone(CreatePlan plan) {
    return alone(plan, QUOTA_RACE_ATTEMPTS);
  }

  private Future<Void> alone(CreatePlan plan, int attemptsLeft) {
    // NOTE: every round has a winner, so with a finite quota the losers soon find it full and get Nova's 403; the
    // bound only matters under absurd contention, answered as a conflict to retry rather than an error.
    List<OutboxMessage> handed = new ArrayList<>();
    return pool.withTransaction(tx -> writeAlone(tx, plan, handed)).onSuccess(v -> handOff(handed)).recover(e -> {
      if (!(e instanceof Quotas.QuotaRace)) return Future.failedFuture(e);
      if (attemptsLeft <= 1) {
        return Future.failedFuture(ApiException.conflict("Too many concurrent creates in this project; retry."));
      }
      return alone(plan, attemptsLeft - 1);
    });
  }

  private Future<Void> writeAlone(SqlConnection tx, CreatePlan plan, List<OutboxMessage> handed) {
    Flavor f = plan.flavor;
    String projectId = plan.token.projectId();
    return quotas.rooms(tx, List.of(projectId)).compose(rooms -> {
      Quotas.Room room = rooms.get(projectId);
      plan.count = room.take(plan.request.minCount(), plan.request.maxCount(), f.vcpus(), f.ramMb());
      newIds(plan);
      return groupHosts(tx, plan, room)
          .compose(groupHosts -> Instances.hostsOf(tx, plan.request.sameHost(), projectId)
              .compose(same -> Instances.hostsOf(tx, plan.request.differentHost(), projectId)
                  .compose(different -> {
                    List<Future<?>> writes = new ArrayList<>(rows(tx, List.of(plan), groupHosts, same, different,
                        handed));
                    writes.add(quotas.add(tx, room));
                    return Future.all(writes).mapEmpty();
                  })));
    });
  }

  private static void newIds(CreatePlan plan) {
    plan.ids.clear();
    for (int i = 0; i < plan.count; i++) plan.ids.add(UUID.randomUUID().toString());
  }

  private Future<List<String>> groupHosts(SqlConnection tx, CreatePlan plan, Quotas.Room room) {
    String id = plan.request.groupId();
    if (id == null) return Future.succeededFuture(List.of());
    int maxMembers = room.limits().serverGroupMembers();
    return groups.get(tx, id).map(g -> {
      int members = g.getJsonArray("members").size();
      if (maxMembers >= 0 && members + plan.count > maxMembers) {
        throw new ApiException(403, "Quota exceeded, too many servers in group");
      }
      return g;
    }).compose(g -> groups.lockAndMemberHosts(tx, id));
  }

  /**
   * Every row of these creates, each table as one batch, sent together (pipelined on the transaction's connection):
   * instances, actions, outbox (boot requests and notifications, into {@code handed} for the relay once committed),
   * and each batch entry's own books.
   */
  private List<Future<?>> rows(SqlConnection tx, List<CreatePlan> plans, List<String> groupHosts, List<String> sameHost,
      List<String> differentHost, List<OutboxMessage> handed) {
    if (plans.isEmpty()) return List.of();
    List<Tuple> instances = new ArrayList<>();
    List<Tuple> actions = new ArrayList<>();
    List<Tuple> outbox = new ArrayList<>();
    for (CreatePlan plan : plans) {
      String az = zone(plan);
      instances.addAll(instanceRows(plan, az));
      for (String id : plan.ids) {
        actions.add(Tuple.of(UUID.fromString(id), plan.requestId, "create", plan.token.userId(),
            plan.token.projectId()));
      }
      BootRequest boot = bootRequest(plan, az, groupHosts, sameHost, differentHost);
      outbox.add(Tuple.of(Topics.BOOT_REQUESTS, plan.reservationId, budget.fit(boot.toJson().encode()),
          plan.requestId));
      for (Notification n : announcements(plan)) {
        outbox.add(Tuple.of(Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(), n.requestId()));
      }
    }
    List<Future<?>> writes = new ArrayList<>();
    writes.add(Instances.insert(tx, instances));
    writes.add(InstanceActions.recordAll(tx, actions));
    // Without a relay here (a test's stand-in for a crashed gateway) the rows are due at once for any other relay.
    writes.add(relay == null ? Outbox.addRows(tx, outbox)
        : Outbox.addForHandOff(tx, outbox, relay.leaseMs()).onSuccess(handed::addAll));
    for (CreatePlan plan : plans) {
      if (plan.origin != null) writes.add(plan.origin.alsoRecord().apply(tx, plan.ids.get(0)));
    }
    return writes;
  }

  private String zone(CreatePlan plan) {
    String requested = plan.request.availabilityZone();
    String az = requested == null ? config.defaultAz() : requested.split(":")[0];
    return az.isEmpty() ? config.defaultAz() : az;
  }

  private static List<Tuple> instanceRows(CreatePlan plan, String az) {
    ServerCreateRequest r = plan.request;
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < plan.count; i++) {
      String name = r.maxCount() > 1 ? r.name() + "-" + (i + 1) : r.name();
      rows.add(Tuple.tuple().addUUID(UUID.fromString(plan.ids.get(i))).addString(plan.reservationId).addInteger(i)
          .addString(plan.token.projectId()).addString(plan.token.userId()).addString(name).addString(r.description())
          .addValue(plan.flavor.snapshot()).addString(r.imageId()).addString(az).addString(r.keyName())
          .addString(plan.keyData).addValue(new JsonObject(Map.copyOf(r.metadata()))).addString(r.userData())
          .addValue(r.networks() instanceof String s ? new JsonArray().add(s) : r.networks())
          .addValue(r.blockDevices()).addValue(r.securityGroups())
          .addUUID(r.groupId() == null ? null : UUID.fromString(r.groupId())).addString(r.configDrive())
          .addString(plan.origin == null ? null : plan.origin.batchId())
          .addString(plan.origin == null ? null : plan.origin.idempotencyKey()));
    }
    return rows;
  }

  /** instance.create.start for each new instance, in the same transaction. */
  private static List<Notification> announcements(CreatePlan plan) {
    String batchId = plan.origin == null ? null : plan.origin.batchId();
    String key = plan.origin == null ? null : plan.origin.idempotencyKey();
    return plan.ids.stream().map(id -> Notification.instance(Notification.CREATE_START, PUBLISHER,
        new Notification.InstancePayload(id, plan.token.projectId(), plan.token.userId(), "building", "scheduling",
            null, batchId, key, null), plan.requestId)).toList();
  }

  private static BootRequest bootRequest(CreatePlan plan, String az, List<String> groupHosts, List<String> sameHost,
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
    BootRequest.Group group = r.groupId() == null ? null
        : new BootRequest.Group(r.groupId(), plan.groupPolicy, groupHosts);
    JsonObject build = r.buildSpec().put("key_data", plan.keyData)
        .put("names", new JsonArray(plan.ids.stream()
            .map(id -> r.maxCount() > 1 ? r.name() + "-" + (plan.ids.indexOf(id) + 1) : r.name()).toList()));
    Flavor f = plan.flavor;
    // NOTE: as in Nova, a server booted from a volume takes no root disk on its host, only ephemeral space.
    int hostDisk = (r.bootsFromVolume() ? 0 : f.diskGb()) + f.ephemeralGb();
    return new BootRequest(BootRequest.VERSION, BootRequest.newMessageId(), plan.reservationId, plan.ids,
        plan.token.projectId(), plan.token.userId(),
        new BootRequest.Flavor(f.id(), f.name(), f.vcpus(), f.ramMb(), hostDisk, f.extraSpecs()),
        new BootRequest.ImageRef(r.imageId(), imageProps), az, group, sameHost, differentHost, build, plan.requestId);
  }

  /** The committed rows to the relay, sent straight away (no poll reads them back). */
  private void handOff(List<OutboxMessage> handed) {
    if (relay != null) relay.handOff(handed);
  }

  /** A batch entry's books may have written outbox rows of their own (batch.end): the relay polls for them. */
  private void nudgeFor(List<CreatePlan> plans) {
    if (relay != null && plans.stream().anyMatch(p -> p.origin != null)) relay.nudge();
  }
}
