package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.gateway.flavors.Flavor;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** One create request: what its checks resolved before the transaction, and what the transaction decided. */
final class CreatePlan {
  final ServerCreateRequest request;
  final Token token;
  final String requestId;
  final ServerCreator.Origin origin;
  final String reservationId = "r-" + ServerCreator.randomString(8);
  Flavor flavor;
  JsonObject image = new JsonObject();
  String keyData;
  String adminPass;
  String groupPolicy;
  /** Decided in the transaction (again on each attempt): how many instances fit, and their ids. */
  int count;
  final List<String> ids = new ArrayList<>();

  CreatePlan(ServerCreateRequest request, Token token, String requestId, ServerCreator.Origin origin) {
    this.request = request;
    this.token = token;
    this.requestId = requestId;
    this.origin = origin;
  }

  /**
   * Whether this create can share a transaction with others: it reads or locks nothing of its own (a server group's
   * members, the hosts of same_host / different_host).
   */
  boolean groupable() {
    return request.groupId() == null && request.sameHost().isEmpty() && request.differentHost().isEmpty();
  }
}
