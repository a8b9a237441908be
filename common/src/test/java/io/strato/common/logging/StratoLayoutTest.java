package io.strato.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StratoLayoutTest {
  private static final String ID = "req-0d4c3a1e-7b8f-4a51-9c2e-5f6a7b8c9d0e";
  private final StratoLayout layout = new StratoLayout();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    StratoLayout.use("text");
    vertx.close();
  }

  @Test
  @DisplayName("a text line starts with the date and names the request being served")
  void textLineHasDateAndRequestId() throws Exception {
    StratoLayout.use("text");
    String line = writtenWithin(ID);
    assertThat(line).startsWith(LocalDate.now().toString() + " ")
        .contains("INFO  ").contains("[" + ID + "] - booting vm1").endsWith(System.lineSeparator());
    assertThat(writtenWithin(null)).doesNotContain("[req-").contains(" - booting vm1");
  }

  @Test
  @DisplayName("log.format=json writes one JSON object a line with time, level, logger, request_id and message")
  void jsonLine() throws Exception {
    StratoLayout.use("json");
    JsonObject line = new JsonObject(writtenWithin(ID));
    assertThat(line.getString("time")).startsWith(LocalDate.now().toString() + "T");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("logger")).isEqualTo("io.strato.agent.Builder");
    assertThat(line.getString("request_id")).isEqualTo(ID);
    assertThat(line.getString("message")).isEqualTo("booting vm1");
  }

  @Test
  @DisplayName("an unknown log.format is refused with the two it knows")
  void unknownFormat() {
    assertThatThrownBy(() -> StratoLayout.use("xml")).hasMessageContaining("text or json");
  }

  @Test
  @DisplayName("only oslo's req-<uuid> shape is taken from a caller as the request id")
  void inboundShape() {
    assertThat(RequestContext.valid(ID)).isTrue();
    assertThat(RequestContext.valid("req-" + "-".repeat(36))).isFalse();
    assertThat(RequestContext.valid(ID.toUpperCase())).isFalse();
    assertThat(RequestContext.valid(ID + "\nforged line")).isFalse();
  }

  /** The line for one event, written on a Vert.x context serving request {@code id} (none if null). */
  private String writtenWithin(String id) throws Exception {
    LoggingEvent event = new LoggingEvent("test", new LoggerContext().getLogger("io.strato.agent.Builder"),
        Level.INFO, "booting {}", null, new Object[] {"vm1"});
    CompletableFuture<String> line = new CompletableFuture<>();
    vertx.runOnContext(v -> RequestContext.within(vertx, id, () -> {
      line.complete(layout.doLayout(event));
      return Future.succeededFuture();
    }));
    return line.get(10, TimeUnit.SECONDS);
  }
}
