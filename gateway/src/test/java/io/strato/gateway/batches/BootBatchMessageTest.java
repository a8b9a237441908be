package io.strato.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.messages.BootBatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The boot batch message: what parses, what is refused and why, and what counts as the same batch. */
class BootBatchMessageTest {
  private static JsonObject valid() {
    return new JsonObject().put("version", 1).put("message_id", "m-1").put("batch_id", "b-1").put("project_id", "p")
        .put("user_id", "u").put("credential", new JsonObject().put("type", "token").put("token", "t"))
        .put("entries", new JsonArray().add(new JsonObject().put("idempotency_key", "k-1")
            .put("server", new JsonObject().put("name", "a").put("flavorRef", "1"))));
  }

  @Test
  @DisplayName("a batch survives a round trip through JSON, and the order of keys does not make it another batch")
  void roundTripAndDigest() {
    BootBatch b = BootBatch.fromJson(valid());
    assertThat(BootBatch.fromJson(b.toJson())).isEqualTo(b);
    JsonObject reordered = valid();
    reordered.getJsonArray("entries").set(0, new JsonObject().put("server", new JsonObject().put("flavorRef", "1")
        .put("name", "a")).put("idempotency_key", "k-1"));
    reordered.getJsonObject("credential").put("token", "a fresh token");
    assertThat(BootBatch.fromJson(reordered).entriesDigest()).isEqualTo(b.entriesDigest());
    JsonObject other = valid();
    other.getJsonArray("entries").getJsonObject(0).getJsonObject("server").put("name", "b");
    assertThat(BootBatch.fromJson(other).entriesDigest()).isNotEqualTo(b.entriesDigest());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("unknown version", (Consumer<JsonObject>) j -> j.put("version", 2), "version"),
        Arguments.of("no batch id", (Consumer<JsonObject>) j -> j.remove("batch_id"), "batch_id"),
        Arguments.of("no credential", (Consumer<JsonObject>) j -> j.remove("credential"), "credential"),
        Arguments.of("application credential", (Consumer<JsonObject>) j -> j.getJsonObject("credential")
            .put("type", "application_credential"), "credential type"),
        Arguments.of("no entries", (Consumer<JsonObject>) j -> j.put("entries", new JsonArray()), "at least one"),
        Arguments.of("entry without key", (Consumer<JsonObject>) j -> j.getJsonArray("entries").getJsonObject(0)
            .remove("idempotency_key"), "idempotency_key"),
        Arguments.of("entry without server", (Consumer<JsonObject>) j -> j.getJsonArray("entries").getJsonObject(0)
            .remove("server"), "'server'"),
        Arguments.of("key twice", (Consumer<JsonObject>) j -> j.getJsonArray("entries")
            .add(j.getJsonArray("entries").getJsonObject(0).copy()), "appears twice"),
        Arguments.of("server not an object", (Consumer<JsonObject>) j -> j.getJsonArray("entries").getJsonObject(0)
            .put("server", "x"), "malformed"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("invalid")
  void invalidBatchesAreRefused(String what, Consumer<JsonObject> change, String reason) {
    JsonObject j = valid();
    change.accept(j);
    assertThatThrownBy(() -> BootBatch.fromJson(j)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
