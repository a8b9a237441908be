package io.strato.gateway.servers.resize;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.ComputePolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The server actions {@code resize}, {@code migrate} (admin: a cold migration, Nova's default policy),
 * {@code confirmResize} and {@code revertResize}, on {@code POST /servers/{id}/action}. Mounted before the other
 * actions: a body naming another action goes on to them.
 */
public final class ResizeApi {
  private static final Set<String> ACTIONS = Set.of("resize", "migrate", "confirmResize", "revertResize");
  private final ServerResizes resizes;

  public ResizeApi(ServerResizes resizes) {
    this.resizes = resizes;
  }

  public void mount(Router api) {
    api.post("/servers/:id/action").handler(this::action);
  }

  private void action(RoutingContext ctx) {
    JsonObject body;
    try {
      body = Replies.bodyObject(ctx);
    } catch (RuntimeException e) {
      ctx.next(); // not ours to refuse: the other actions' handler answers a bad body
      return;
    }
    if (body.size() != 1 || !ACTIONS.contains(body.fieldNames().iterator().next())) {
      ctx.next();
      return;
    }
    String name = body.fieldNames().iterator().next();
    Token token = AuthHandler.token(ctx);
    String id = ctx.pathParam("id");
    if (!Fields.isUuid(id)) throw ApiException.notFound("Instance " + id + " could not be found.");
    id = Fields.uuid(id, "id");
    String requestId = RequestIds.of(ctx);
    Object args = body.getValue(name);
    Future<Void> done = switch (name) {
      case "resize" -> {
        ComputePolicy.requireMember(token, "os_compute_api:servers:resize");
        yield resizes.resize(id, flavorRef(args), token, requestId);
      }
      case "migrate" -> {
        ComputePolicy.requireAdmin(token, "os_compute_api:os-migrate-server:migrate");
        // NOTE: a destination host ("host") is a 2.56 parameter, above this API's microversions.
        noArguments(name, args, true);
        yield resizes.resize(id, null, token, requestId);
      }
      case "confirmResize" -> {
        ComputePolicy.requireMember(token, "os_compute_api:servers:confirm_resize");
        noArguments(name, args, false);
        yield resizes.confirm(id, token, requestId);
      }
      default -> {
        ComputePolicy.requireMember(token, "os_compute_api:servers:revert_resize");
        noArguments(name, args, false);
        yield resizes.revert(id, token, requestId);
      }
    };
    // Nova answers confirmResize with 204, the others with 202.
    int status = name.equals("confirmResize") ? 204 : 202;
    done.onSuccess(v -> ctx.response().setStatusCode(status).end()).onFailure(ctx::fail);
  }

  /** The resize's {@code flavorRef} (a string or an integer id); its schema allows {@code OS-DCF:diskConfig} beside. */
  private static String flavorRef(Object args) {
    if (!(args instanceof JsonObject resize)) {
      throw ApiException.badRequest("Invalid input for field/attribute resize. Value: " + args
          + ". " + args + " is not of type 'object'");
    }
    Fields.onlyKnown(resize, "resize", Set.of("flavorRef", "OS-DCF:diskConfig"));
    Object ref = resize.getValue("flavorRef");
    if (ref == null) throw ApiException.badRequest("Invalid input for field/attribute resize. 'flavorRef' is a required"
        + " property");
    if (!(ref instanceof String) && !(ref instanceof Integer) && !(ref instanceof Long)) {
      throw ApiException.badRequest("Invalid input for field/attribute flavorRef. Value: " + ref + ". " + ref
          + " is not valid under any of the given schemas");
    }
    String flavor = String.valueOf(ref);
    if (flavor.isBlank() || flavor.length() > 255) {
      throw ApiException.badRequest("Invalid input for field/attribute flavorRef. Value: " + flavor + ".");
    }
    Object disk = resize.getValue("OS-DCF:diskConfig");
    if (disk != null && !"AUTO".equals(disk) && !"MANUAL".equals(disk)) {
      throw ApiException.badRequest("Invalid input for field/attribute OS-DCF:diskConfig. Value: " + disk
          + ". '" + disk + "' is not one of ['AUTO', 'MANUAL']");
    }
    return flavor;
  }

  /** Nova's schemas: {@code null} (or, for migrate, an object without properties at this microversion). */
  private static void noArguments(String name, Object args, boolean objectAllowed) {
    if (args == null) return;
    if (objectAllowed && args instanceof JsonObject o) {
      Fields.onlyKnown(o, name, Set.of());
      return;
    }
    throw ApiException.badRequest("Invalid input for field/attribute " + name + ". Value: " + args + ". " + args
        + " is not of type 'null'");
  }
}
