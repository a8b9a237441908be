package io.strato.gateway.batches;

import io.strato.common.config.Settings;

/**
 * Batch provisioning settings (keys documented in strato-defaults.properties).
 *
 * @param maxEntries  a batch with more entries is refused as a whole
 * @param parallelism how many entries of one batch are booted at once (their creates share group-commit
 *                    transactions, so by default as many as one group holds)
 */
public record BatchConfig(int maxEntries, int parallelism) {
  public BatchConfig {
    if (maxEntries < 1 || parallelism < 1) throw new IllegalArgumentException("batch settings must be >= 1");
  }

  public static BatchConfig from(Settings s) {
    int parallelism = s.getInt("gateway.batch.parallelism");
    return new BatchConfig(s.getInt("gateway.batch.max.entries"),
        parallelism == 0 ? Math.max(1, s.getInt("compute.create.group.max")) : parallelism);
  }
}
