package io.strato.embedded;

import io.strato.common.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: one Kafka broker and one PostgreSQL for the whole test JVM, shared by every test class
 * (DESIGN.md, "Tests on a two-core machine"). When {@code STRATO_KAFKA_BOOTSTRAP} / {@code STRATO_PG_URI} are set,
 * those external ones are used instead. Tests isolate themselves by schema, project, topic or consumer group.
 */
public final class SharedInfrastructure implements BeforeAllCallback {
  private static Settings settings;

  @Override
  public void beforeAll(ExtensionContext context) {
    settings();
  }

  /** Settings pointing at the shared broker and database, started on first use. */
  public static synchronized Settings settings() {
    if (settings == null) settings = start();
    return settings;
  }

  private static Settings start() {
    Settings base = Settings.load();
    Map<String, String> env = System.getenv();
    try {
      Path dir = Files.createTempDirectory("strato-test-infra");
      String bootstrap = env.get("STRATO_KAFKA_BOOTSTRAP");
      if (bootstrap == null) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        bootstrap = kafka.bootstrap();
      }
      String pgUri = env.get("STRATO_PG_URI");
      String pgPassword = base.get("pg.password");
      if (pgUri == null) {
        pgPassword = UUID.randomUUID().toString();
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), 0, pgPassword);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
        pgUri = pg.uri();
      }
      return base.with(Map.of("kafka.bootstrap", bootstrap, "pg.uri", pgUri, "pg.password", pgPassword,
          "kafka.partitions", "2"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
