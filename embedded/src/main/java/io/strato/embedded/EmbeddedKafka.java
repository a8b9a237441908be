package io.strato.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one) running in this JVM, with its log in a
 * folder that survives restarts. Used by the all-in-one and the tests; production points at a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a broker on 127.0.0.1:{@code port} (0 picks a free port) with its data in {@code dataDir}. */
  public static EmbeddedKafka start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port == 0 ? Ports.free() : port;
      int controllerPort = Ports.free();
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", dataDir.toAbsolutePath().toString());
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "4");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("auto.create.topics.enable", "false");
      props.put("num.partitions", "8");
      // NOTE: the 128 MiB default dedupe buffer alone needs more heap than the whole broker otherwise does.
      props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
      format(dataDir, props);
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
      server.startup();
      return new EmbeddedKafka(server, brokerPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  /**
   * Formats the log folder once; a folder that already has a cluster is left as it is. The storage tool has been
   * seen to fail now and then with nothing on its output while other brokers start on the machine: it is tried
   * again on a cleaned folder, and its output is kept for the error if it never succeeds.
   */
  private static void format(Path dataDir, Properties props) throws IOException {
    if (Files.exists(dataDir.resolve("meta.properties"))) return;
    StringBuilder failures = new StringBuilder();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path config = Files.createTempFile("strato-kafka", ".properties");
      try (Writer w = Files.newBufferedWriter(config)) {
        props.store(w, "strato embedded kafka");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int exit;
      try {
        exit = StorageTool.execute(new String[] {"format", "-t", Base64Uuid.random(), "-c", config.toString()},
            new PrintStream(out));
      } catch (RuntimeException e) {
        exit = -1;
        out.writeBytes(String.valueOf(e).getBytes());
      } finally {
        Files.deleteIfExists(config);
      }
      if (exit == 0 && Files.exists(dataDir.resolve("meta.properties"))) return;
      failures.append("attempt ").append(attempt).append(": exit ").append(exit).append(' ').append(out).append('\n');
      try (var files = Files.walk(dataDir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!f.equals(dataDir)) Files.deleteIfExists(f);
        }
      }
    }
    throw new IllegalStateException("formatting Kafka's log folder failed:\n" + failures);
  }

  /** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. */
  private static final class Base64Uuid {
    static String random() {
      UUID u = UUID.randomUUID();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
      b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }
  }
}
