package io.strato.network;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.TreeSet;

/** What every Neutron resource shares: its fault types, ownership rules, timestamps and body checks. */
final class Neutron {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private Neutron() {}

  /** 404 with Neutron's type: {@code NetworkNotFound}, {@code SubnetNotFound}, {@code PortNotFound}, ... */
  static ApiException notFound(String kind, String id) {
    String words = kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    return new ApiException(404, kind + "NotFound", words.substring(0, 1).toUpperCase() + words.substring(1) + " "
        + id + " could not be found.");
  }

  static ApiException forbidden(String action) {
    return NetworkPolicy.forbidden(action);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  static ApiException conflict(String type, String message) {
    return new ApiException(409, type, message);
  }

  /** A path or body id as a canonical UUID, or null when it cannot be one (so lookups answer 404, not 400). */
  static String uuidOrNull(String id) {
    return Fields.isUuid(id) ? Fields.uuid(id, "id") : null;
  }

  /** The project a new resource belongs to: the caller's, or (admins only) the one the body names. */
  static String owner(JsonObject body, Token token, String resource) {
    String asked = Fields.optionalString(body, "project_id", 255);
    String tenant = Fields.optionalString(body, "tenant_id", 255);
    if (asked != null && tenant != null && !asked.equals(tenant)) {
      throw badRequest("'project_id' and 'tenant_id' do not match.");
    }
    String project = asked != null ? asked : tenant;
    if (project == null || project.equals(token.projectId())) return token.projectId();
    NetworkPolicy.requireAdmin(token, "create_" + resource + ":tenant_id");
    return project;
  }

  /** 400 naming every attribute the resource does not have, as Neutron does. */
  static void onlyKnown(JsonObject body, Set<String> known) {
    Set<String> unknown = new TreeSet<>(body.fieldNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) throw badRequest("Unrecognized attribute(s) '" + String.join(", ", unknown) + "'");
  }

  /** 400 for attributes a client may set on create but never change. */
  static void notUpdatable(JsonObject body, String... attributes) {
    for (String a : attributes) {
      if (body.containsKey(a)) throw badRequest("Cannot update read-only attribute " + a);
    }
  }

  static String time(OffsetDateTime t) {
    return TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  static boolean isSqlState(Throwable e, String state) {
    return e instanceof PgException pg && state.equals(pg.getSqlState());
  }

  static boolean violates(Throwable e, String constraint) {
    return e instanceof PgException pg && constraint.equals(pg.getConstraint());
  }

  /** Maps one database failure to the API's answer, leaving every other failure as it is. */
  static <T> java.util.function.Function<Throwable, Future<T>> mapFailure(String constraint, ApiException to) {
    return e -> Future.failedFuture(violates(e, constraint) ? to : e);
  }
}
