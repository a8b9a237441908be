package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.gateway.servers.action.ActionCall;
import io.strato.gateway.servers.action.ActionHandler;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionReply;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The actions that only move a server between power states or lock it, and its console output: reboot, os-stop,
 * os-start, pause, unpause, suspend, resume, lock, unlock ({@link ServerActions}) and os-getConsoleOutput
 * ({@link ConsoleOutput}), each under Nova's policy rule.
 */
public final class CoreActions {
  private final ServerActions actions;
  private final ConsoleOutput console;

  public CoreActions(ServerActions actions, ConsoleOutput console) {
    this.actions = actions;
    this.console = console;
  }

  public void register(ActionRouter router) {
    router.register("reboot", ActionPolicy.member("os_compute_api:servers:reboot"), this::reboot)
        .register("os-stop", ActionPolicy.member("os_compute_api:servers:stop"),
            c -> i -> actions.stop(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("os-start", ActionPolicy.member("os_compute_api:servers:start"),
            c -> i -> actions.start(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("pause", ActionPolicy.member("os_compute_api:os-pause-server:pause"),
            c -> i -> actions.pause(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("unpause", ActionPolicy.member("os_compute_api:os-pause-server:unpause"),
            c -> i -> actions.unpause(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("suspend", ActionPolicy.member("os_compute_api:os-suspend-server:suspend"),
            c -> i -> actions.suspend(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("resume", ActionPolicy.member("os_compute_api:os-suspend-server:resume"),
            c -> i -> actions.resume(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED))
        .register("lock", ActionPolicy.member("os_compute_api:os-lock-server:lock").evenWhenLocked(), this::lock)
        .register("unlock", ActionPolicy.member("os_compute_api:os-lock-server:unlock").evenWhenLocked(), this::lock)
        .register("os-getConsoleOutput", ActionPolicy.member("os_compute_api:os-console-output").evenWhenLocked(),
            this::consoleOutput);
  }

  private ActionHandler.Step reboot(ActionCall c) {
    if (!(c.args() instanceof JsonObject reboot)) {
      throw ApiException.badRequest("The request body must have a 'reboot' object.");
    }
    Fields.onlyKnown(reboot, "reboot", Set.of("type"));
    String type = Fields.requiredString(reboot, "type", 8);
    if (!type.equalsIgnoreCase("SOFT") && !type.equalsIgnoreCase("HARD")) {
      throw ApiException.badRequest("Invalid input for field 'type': '" + type + "' is not one of SOFT, HARD.");
    }
    boolean hard = type.equalsIgnoreCase("HARD");
    return i -> actions.reboot(i.id(), c.token(), c.requestId(), hard).map(ActionReply.ACCEPTED);
  }

  /** Nova's lock schema at these microversions: {@code null} or an empty object. */
  private ActionHandler.Step lock(ActionCall c) {
    Object args = c.args();
    if (args != null && !(args instanceof JsonObject a && a.isEmpty())) {
      throw ApiException.badRequest("Invalid input for field/attribute " + c.name() + ". Value: " + args
          + ". Additional properties are not allowed");
    }
    boolean locked = c.name().equals("lock");
    return i -> actions.lock(i.id(), c.token(), c.requestId(), locked).map(ActionReply.ACCEPTED);
  }

  private ActionHandler.Step consoleOutput(ActionCall c) {
    Object args = c.args();
    Integer length = null;
    if (args instanceof JsonObject a) {
      Fields.onlyKnown(a, "os-getConsoleOutput", Set.of("length"));
      if (a.getValue("length") != null) {
        length = Fields.optionalInt(a, "length", -1, Integer.MAX_VALUE);
        if (length == -1) length = null;
      }
    } else if (args != null) {
      throw ApiException.badRequest("Invalid input for field 'os-getConsoleOutput'.");
    }
    Integer lines = length;
    return i -> console.of(i, lines, c.userToken())
        .map(out -> ActionReply.json(200, new JsonObject().put("output", out)));
  }
}
