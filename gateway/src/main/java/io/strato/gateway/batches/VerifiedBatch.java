package io.strato.gateway.batches;

import io.strato.common.auth.Token;
import io.strato.common.messages.BootBatch;

/** A batch whose credential proved its project and user: what its entries are booted with. */
record VerifiedBatch(BootBatch batch, Token token, String requestId) {
  String projectId() {
    return batch.projectId();
  }

  String batchId() {
    return batch.batchId();
  }

  String wireToken() {
    return batch.credential().token();
  }
}
