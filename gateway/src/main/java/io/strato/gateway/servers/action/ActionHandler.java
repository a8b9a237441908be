package io.strato.gateway.servers.action;

import io.strato.gateway.servers.Instance;
import io.vertx.core.Future;

/**
 * One server action, registered on the {@link ActionRouter} under its body key. It runs in two steps so that the
 * answers come in Nova's order: {@link #prepare} validates the arguments (400) before the server is looked up;
 * the {@link Step} it returns acts on the server once the router found it visible to the caller and, unless the
 * action is allowed on a locked server, not locked. A step that changes the server re-checks its state inside its
 * own transaction (the row may have changed since the router read it).
 */
@FunctionalInterface
public interface ActionHandler {
  /** Validates {@link ActionCall#args()} (throws a 400 {@code ApiException}); answers what acts on the server. */
  Step prepare(ActionCall call);

  @FunctionalInterface
  interface Step {
    Future<ActionReply> on(Instance server);
  }
}
