package io.strato.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;

/**
 * Walks a service's write APIs as every caller that must be refused, one dynamic test per API and caller: a
 * {@code reader} of the owning project (403 with the service's policy fault), a member of another project (the
 * status each {@link Write} names: 404 where OpenStack hides the resource), no token, a token with a forged
 * signature and an expired token (401 each). After every call the owner's view ({@code state}) must equal what it
 * was before the walk: nothing was created, changed or deleted.
 */
public final class WriteWalk {
  /** Checks a refusal's body is the service's fault of that status. */
  @FunctionalInterface
  public interface Fault {
    void check(HttpResponse<Buffer> resp, int status);
  }

  /**
   * One write request. {@code otherProject} is the status a member of another project gets, or 0 when the request
   * cannot name the owner's resources (a create that always acts in the caller's own project).
   */
  public record Write(String name, HttpMethod method, String path, Object body, Map<String, String> headers,
      int otherProject) {
    public Write(String name, HttpMethod method, String path, Object body, int otherProject) {
      this(name, method, path, body, Map.of(), otherProject);
    }
  }

  private enum Kind { READER, OTHER_PROJECT, UNAUTHENTICATED }

  private record Caller(String name, String token, Kind kind) {
    int expected(Write w) {
      return switch (kind) {
        case READER -> 403;
        case OTHER_PROJECT -> w.otherProject();
        case UNAUTHENTICATED -> 401;
      };
    }
  }

  private final TestIdentity identity;
  private final int port;
  private final Fault fault;
  private final String readerMessage;
  private final List<Caller> callers = new ArrayList<>();

  /**
   * {@code owner} is a member of the project owning the resources the writes name; {@code readerMessage} a regular
   * expression the reader's 403 message matches (the policy rule OpenStack names).
   */
  public WriteWalk(TestIdentity identity, int port, TestIdentity.Member owner, Fault fault, String readerMessage) {
    this.identity = identity;
    this.port = port;
    this.fault = fault;
    this.readerMessage = readerMessage;
    callers.add(new Caller("a reader of the project", identity.reader(owner.projectId()), Kind.READER));
    callers.add(new Caller("a member of another project", identity.newProject("intruder").token(),
        Kind.OTHER_PROJECT));
    callers.add(new Caller("no token", null, Kind.UNAUTHENTICATED));
    callers.add(new Caller("a forged token", identity.forged(owner.token()), Kind.UNAUTHENTICATED));
    callers.add(new Caller("an expired token", identity.expired(owner.token()), Kind.UNAUTHENTICATED));
  }

  /** The dynamic tests: for each write, each caller is refused and {@code state} stays as it is now. */
  public Stream<DynamicContainer> walk(List<Write> writes, Supplier<Object> state) {
    Object before = state.get();
    return writes.stream().map(w -> DynamicContainer.dynamicContainer(w.method() + " " + w.name(),
        callers.stream().filter(c -> c.expected(w) != 0)
            .map(c -> DynamicTest.dynamicTest("refused for " + c.name(), () -> {
              HttpResponse<Buffer> resp = identity.call(w.method(), port, w.path(), c.token(), w.body(), w.headers());
              int expected = c.expected(w);
              assertThat(resp.statusCode()).as("%s %s as %s: %s", w.method(), w.path(), c.name(), resp.bodyAsString())
                  .isEqualTo(expected);
              fault.check(resp, expected);
              if (c.kind() == Kind.READER) {
                assertThat(resp.bodyAsString()).as("the policy fault").containsPattern(readerMessage);
              }
              assertThat(state.get()).as("what the owner sees after %s as %s", w.name(), c.name()).isEqualTo(before);
            }))));
  }

  /** Nova, Cinder and Glance: {@code {"forbidden": {"code": 403, "message": "..."}}}. */
  public static Fault compute() {
    return (resp, status) -> {
      JsonObject body = resp.bodyAsJsonObject();
      assertThat(body.fieldNames()).as(resp.bodyAsString()).hasSize(1);
      JsonObject inner = body.getJsonObject(body.fieldNames().iterator().next());
      assertThat(inner.getInteger("code")).as(resp.bodyAsString()).isEqualTo(status);
      assertThat(inner.getString("message")).isNotBlank();
    };
  }

  /** Keystone: {@code {"error": {"code": 403, "message": "...", "title": "Forbidden"}}}. */
  public static Fault identity() {
    return (resp, status) -> {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
      assertThat(error).as(resp.bodyAsString()).isNotNull();
      assertThat(error.getInteger("code")).isEqualTo(status);
      assertThat(error.getString("message")).isNotBlank();
    };
  }

  /** Neutron: {@code {"NeutronError": {"type": "PolicyNotAuthorized", ...}}} for a policy refusal. */
  public static Fault network() {
    return (resp, status) -> {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("NeutronError");
      assertThat(error).as(resp.bodyAsString()).isNotNull();
      assertThat(error.getString("message")).isNotBlank();
      if (status == 403) assertThat(error.getString("type")).isEqualTo("PolicyNotAuthorized");
    };
  }
}
