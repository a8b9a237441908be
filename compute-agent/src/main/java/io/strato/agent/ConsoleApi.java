package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /v1/instances/{id}/console?length=N}: the tail of an instance's serial console log, for the compute
 * API's {@code os-getConsoleOutput}. The caller's token must be valid and belong to the instance's project (or be
 * an admin's): the compute API passes the user's token along, so the agent checks it again itself.
 */
final class ConsoleApi {
  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final ComputeClient compute;
  private final Function<String, Path> consoleLogOf;

  ConsoleApi(Vertx vertx, TokenVerifier verifier, ComputeClient compute, Function<String, Path> consoleLogOf) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.compute = compute;
    this.consoleLogOf = consoleLogOf;
  }

  void mount(Router router) {
    router.get("/v1/instances/:id/console").handler(AuthHandler.projectScoped(verifier)).handler(this::console);
  }

  private void console(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String id = ctx.pathParam("id");
    if (!Fields.isUuid(id)) throw ApiException.notFound("Instance " + id + " could not be found.");
    String lengthParam = ctx.queryParams().get("length");
    int length;
    try {
      length = lengthParam == null ? -1 : Integer.parseInt(lengthParam);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("length must be an integer");
    }
    ownerCheck(id, token)
        .compose(v -> vertx.executeBlocking(() -> tail(consoleLogOf.apply(id), length)))
        .onSuccess(out -> Replies.json(ctx, 200, new JsonObject().put("output", out)))
        .onFailure(ctx::fail);
  }

  private Future<Void> ownerCheck(String id, Token token) {
    if (token.isAdmin()) return Future.succeededFuture();
    return compute.server(id).map(server -> {
      if (server == null || !token.projectId().equals(server.getString("tenant_id"))) {
        throw ApiException.notFound("Instance " + id + " could not be found.");
      }
      return null;
    });
  }

  /** The last {@code length} lines (all when negative); empty when the guest has written nothing yet. */
  static String tail(Path log, int length) throws java.io.IOException {
    if (!Files.exists(log)) return "";
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    int from = length < 0 ? 0 : Math.max(0, lines.size() - length);
    return String.join("\n", lines.subList(from, lines.size())) + (lines.isEmpty() ? "" : "\n");
  }
}
