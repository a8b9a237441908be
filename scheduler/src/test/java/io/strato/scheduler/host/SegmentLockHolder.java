package io.strato.scheduler.host;

import java.io.File;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Run in its own JVM by {@link KilledSchedulerRecoveryTest}: opens the host state file as a scheduler would, takes
 * the write lock of one host's entry, as a compare-and-set does, says "locked", and waits to be killed.
 */
public final class SegmentLockHolder {
  private SegmentLockHolder() {}

  public static void main(String[] args) throws Exception {
    // An existing file brings its own configuration; the builder's sizes only matter for a new one.
    ChronicleMap<String, HostState> map = ChronicleMap.of(String.class, HostState.class).entries(64)
        .averageKey("compute-000000.example.org").averageValueSize(HostStateStore.DEFAULT_AVERAGE_ENTRY_BYTES)
        .valueMarshallers(HostStateMarshaller.INSTANCE, HostStateMarshaller.INSTANCE)
        .createPersistedTo(new File(args[0]));
    var context = map.queryContext(args[1]);
    context.writeLock().lock();
    System.out.println("locked");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
