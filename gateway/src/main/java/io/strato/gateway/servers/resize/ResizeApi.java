package io.strato.gateway.servers.resize;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionReply;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The server actions {@code resize}, {@code migrate} (admin: a cold migration, Nova's default policy),
 * {@code confirmResize} and {@code revertResize}, registered on the {@link ActionRouter}.
 */
public final class ResizeApi {
  private final ServerResizes resizes;

  public ResizeApi(ServerResizes resizes) {
    this.resizes = resizes;
  }

  public void register(ActionRouter router) {
    router.register("resize", ActionPolicy.member("os_compute_api:servers:resize"), c -> {
      String flavorRef = flavorRef(c.args());
      return i -> resizes.resize(i.id(), flavorRef, c.token(), c.requestId()).map(ActionReply.ACCEPTED);
    }).register("migrate", ActionPolicy.admin("os_compute_api:os-migrate-server:migrate"), c -> {
      // NOTE: a destination host ("host") is a 2.56 parameter, above this API's microversions.
      noArguments(c.name(), c.args(), true);
      return i -> resizes.resize(i.id(), null, c.token(), c.requestId()).map(ActionReply.ACCEPTED);
    }).register("confirmResize", ActionPolicy.member("os_compute_api:servers:confirm_resize"), c -> {
      noArguments(c.name(), c.args(), false);
      // Nova answers confirmResize with 204, the others with 202.
      return i -> resizes.confirm(i.id(), c.token(), c.requestId()).map(ActionReply.status(204));
    }).register("revertResize", ActionPolicy.member("os_compute_api:servers:revert_resize"), c -> {
      noArguments(c.name(), c.args(), false);
      return i -> resizes.revert(i.id(), c.token(), c.requestId()).map(ActionReply.ACCEPTED);
    });
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
