package io.strato.gateway.batches;

import io.strato.common.auth.Token;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.strato.common.http.RequestIds;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.gateway.ComputePolicy;
import io.strato.common.db.OutboxRelay;
import io.strato.gateway.servers.ServerCreator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch provisioning: consumes {@code strato.boot-batches} in the {@code strato-gateway-batches} group and, for each
 * batch, verifies its credential locally (signature, expiry, revocation; scoped to the batch's project, the batch's
 * user, member or admin role), then boots its entries ({@link BatchBooter}). A batch that cannot be verified or
 * parsed is refused as a whole with {@code batch.refused} and boots nothing. A batch's offset is committed only after
 * every entry is decided and its notifications are in the outbox; a redelivered batch finds its entries already
 * decided. Batches with different keys are handled side by side ({@link PollLoop}).
 *
 * <p>Transient, retried with back-off: PostgreSQL, the image service or the token verifier unavailable, and any other
 * failure after the batch was read. Permanent, dead-lettered: a batch that does not parse or validate
 * ({@link PoisonRecord#parsed}: not JSON, a wrong type, a missing field), once its refusal is recorded, and a batch
 * whose refusal PostgreSQL cannot even record (a NUL byte in its id), since nothing else can be done with it.
 */
public final class BatchConsumer extends VerticleBase {
  public static final String GROUP = "strato-gateway-batches";
  private static final Logger LOG = LoggerFactory.getLogger(BatchConsumer.class);
  private static final Pattern REQUEST_ID = Pattern.compile("req-[0-9a-f-]{36}");
  private final Settings settings;
  private final BatchConfig config;
  private final TokenVerifier verifier;
  private final BatchLedger ledger;
  private final BatchBooter booter;
  private final OutboxRelay relay;
  private PollLoop loop;

  /** A batch refused as a whole, with the reason reported in batch.refused. */
  private static final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /** {@code relay} may be null (a test standing in for a gateway whose relay is down). */
  public BatchConsumer(Settings settings, BatchConfig config, TokenVerifier verifier, BatchLedger ledger,
      ServerCreator creator, OutboxRelay relay) {
    this.settings = settings;
    this.config = config;
    this.verifier = verifier;
    this.ledger = ledger;
    this.booter = new BatchBooter(ledger, creator, config.parallelism());
    this.relay = relay;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, GROUP));
    // A batch names no instance yet (its entries have keys, not ids): a dead-lettered one fails nothing.
    loop = new PollLoop(vertx, consumer, GROUP, settings, this::handleOne).naming(r -> List.of());
    return consumer.subscribe(Topics.BOOT_BATCHES).onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  /** Polling, within Kafka's max.poll.interval.ms (a consumer silent for longer has left its group). */
  public boolean alive() {
    return loop != null && loop.alive(KafkaSettings.maxPollIntervalMs(settings));
  }

  private Future<Void> handleOne(KafkaConsumerRecord<String, String> record) {
    return handle(record).onComplete(ar -> {
      if (relay != null) relay.nudge();
    });
  }

  private Future<Void> handle(KafkaConsumerRecord<String, String> record) {
    String requestId = requestId(record);
    BootBatch batch;
    try {
      batch = PoisonRecord.parsed(() -> BootBatch.fromJson(PoisonRecord.json(record.value())));
    } catch (PoisonRecord e) {
      // Refused (its producer learns why from batch.refused), then dead-lettered: it can never boot.
      return refuse(record.key(), null, "The batch is not a valid version " + BootBatch.VERSION + " boot batch: "
          + reason(e), requestId).compose(v -> Future.failedFuture(e));
    }
    VerifiedBatch verified;
    try {
      verified = new VerifiedBatch(batch, verify(batch), requestId);
    } catch (Refused e) {
      return refuse(batch.batchId(), batch.projectId(), e.getMessage(), requestId);
    }
    LOG.info("[{}] batch {} of project {}: booting {} entries", requestId, batch.batchId(), batch.projectId(),
        batch.entries().size());
    return ledger.register(verified).compose(same -> same ? booter.bootAll(verified)
        : refuse(batch.batchId(), batch.projectId(), "batch_id " + batch.batchId()
            + " was already used for a batch with other entries.", requestId));
  }

  /**
   * The token behind the batch's credential, or {@link Refused} saying why it does not prove the batch. A verifier
   * not ready yet (503) is not a refusal: the failure propagates and the batch is retried.
   */
  private Token verify(BootBatch batch) {
    Token token;
    try {
      token = verifier.verify(batch.credential().token());
    } catch (ApiException e) {
      if (e.status() >= 500) throw e;
      throw new Refused(e.getMessage());
    }
    if (!batch.projectId().equals(token.projectId())) {
      throw new Refused("The credential is not scoped to project " + batch.projectId() + ".");
    }
    if (!batch.userId().equals(token.userId())) {
      throw new Refused("The credential is not user " + batch.userId() + "'s.");
    }
    if (batch.entries().size() > config.maxEntries()) {
      throw new Refused("The batch has " + batch.entries().size() + " entries; at most " + config.maxEntries()
          + " are allowed.");
    }
    try {
      ComputePolicy.requireMember(token, "os_compute_api:servers:create");
    } catch (ApiException e) {
      throw new Refused(e.getMessage());
    }
    return token;
  }

  private Future<Void> refuse(String batchId, String projectId, String reason, String requestId) {
    LOG.warn("[{}] batch {} of project {} refused: {}", requestId, batchId, projectId, reason);
    return ledger.refuseBatch(batchId, projectId, reason, requestId);
  }

  /** What a producer is told: the validation's own message, without the wrapping. */
  private static String reason(PoisonRecord e) {
    return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
  }

  private static String requestId(KafkaConsumerRecord<String, String> record) {
    return record.headers().stream().filter(h -> h.key().equals(Topics.REQUEST_ID_HEADER))
        .map(h -> h.value().toString()).filter(id -> REQUEST_ID.matcher(id).matches()).findFirst()
        .orElseGet(RequestIds::newId);
  }
}
