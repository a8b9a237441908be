package io.strato.gateway.batches;

import io.strato.common.http.ApiVersion;
import io.strato.common.http.ApiException;
import io.strato.common.messages.BootBatch;
import io.strato.gateway.Microversion;
import io.strato.gateway.servers.ServerCreateParser;
import io.strato.gateway.servers.ServerCreateRequest;
import io.strato.gateway.servers.ServerCreator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Boots the entries of a verified batch through the same path as {@code POST /servers} (parser, quota, image and
 * flavor checks, outbox to the scheduler), {@code parallelism} at a time (default {@code compute.create.group.max}:
 * a window's creates are written by the create writer's group commit, one transaction for many). Each entry ends in exactly one of:
 * booted (instance.create.start), already done (the instance its key made before, announced again), or refused
 * (instance.create.error with the reason: invalid body, unknown flavor, over quota...). Only a failure that may
 * pass (database, image service unavailable) fails the whole batch, which is then retried: every step is idempotent.
 */
final class BatchBooter {
  /**
   * Entries are validated as the newest microversion the compute API serves ({@code networks} may be {@code "auto"} or
   * {@code "none"}), except that an entry may leave {@code networks} out, as before 2.37 (docs/batch-provisioning.md):
   * such an entry is validated as 2.36, so batches written before the REST API required it keep their meaning.
   */
  static ApiVersion versionFor(JsonObject createBody) {
    JsonObject server = createBody.getValue("server") instanceof JsonObject s ? s : null;
    return server != null && !server.containsKey("networks") ? WITHOUT_NETWORKS : Microversion.MAX;
  }

  private static final ApiVersion WITHOUT_NETWORKS = new ApiVersion(2, 36);
  private final BatchLedger ledger;
  private final ServerCreator creator;
  private final int parallelism;

  BatchBooter(BatchLedger ledger, ServerCreator creator, int parallelism) {
    this.ledger = ledger;
    this.creator = creator;
    this.parallelism = parallelism;
  }

  Future<Void> bootAll(VerifiedBatch b) {
    List<BootBatch.Entry> entries = b.batch().entries();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < entries.size(); i += parallelism) {
      List<BootBatch.Entry> window = entries.subList(i, Math.min(entries.size(), i + parallelism));
      // The window's creates reach the create writer together, so they commit in one or a few group transactions.
      chain = chain.compose(v -> Future.all(window.stream().map(e -> boot(b, e)).toList()).mapEmpty());
    }
    return chain;
  }

  private Future<Void> boot(VerifiedBatch b, BootBatch.Entry e) {
    return ledger.entry(b, e.idempotencyKey()).compose(known -> known != null
        ? ledger.reannounce(b, e.idempotencyKey(), known)
        : ledger.reused(b, e.idempotencyKey()).compose(done -> done ? Future.succeededFuture() : create(b, e)));
  }

  private Future<Void> create(VerifiedBatch b, BootBatch.Entry e) {
    String key = e.idempotencyKey();
    return Future.<Void>succeededFuture().compose(v -> {
      ServerCreateRequest request = ServerCreateParser.parse(e.createBody(), versionFor(e.createBody()));
      return creator.create(request, b.token(), b.wireToken(), b.requestId(), new ServerCreator.Origin(b.batchId(),
          key, (tx, instanceId) -> BatchLedger.accepted(tx, b, key, instanceId)));
    }).<Void>mapEmpty().recover(err -> {
      if (err instanceof ServerCreator.DuplicateIdempotencyKey) {
        // NOTE: another gateway booted the same key meanwhile (a rebalance); follow its instance.
        return ledger.reused(b, key).mapEmpty();
      }
      if (err instanceof ApiException a && a.status() >= 400 && a.status() < 500) {
        return ledger.refused(b, key, a.status(), a.getMessage());
      }
      return Future.failedFuture(err);
    });
  }
}
