package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.gateway.ComputePolicy;
import io.strato.common.http.ApiException;
import io.strato.common.lifecycle.TaskState;
import io.strato.gateway.Microversion;
import io.strato.gateway.Paging;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The filters of {@code GET /servers[/detail]} turned into one SQL query: {@code name} (a regular expression),
 * {@code status}, {@code reservation_id}, {@code flavor}, {@code image}, {@code changes-since}, the tag filters from 2.26, and for admins
 * {@code all_tenants}, {@code project_id}/{@code tenant_id} and {@code host}; newest first, {@code limit}/{@code marker}.
 */
public final class ServerQuery {
  private final StringBuilder where = new StringBuilder(" WHERE NOT deleted");
  private final Tuple args = Tuple.tuple();
  private final Paging paging;
  private boolean empty;

  private ServerQuery(Paging paging) {
    this.paging = paging;
  }

  public static ServerQuery from(RoutingContext ctx, Token token) {
    var q = ctx.queryParams();
    ServerQuery query = new ServerQuery(Paging.of(ctx));
    boolean everyProject = ComputePolicy.readsAllProjects(token);
    boolean allTenants = everyProject && q.contains("all_tenants")
        && !"false".equalsIgnoreCase(q.get("all_tenants")) && !"0".equals(q.get("all_tenants"));
    String project = q.get("project_id") != null ? q.get("project_id") : q.get("tenant_id");
    if (!everyProject || (!allTenants && project == null)) {
      query.add("project_id = ", token.projectId());
    } else if (project != null) {
      query.add("project_id = ", project);
    }
    if (q.get("name") != null) query.add("name ~ ", q.get("name"));
    if (q.get("status") != null) {
      ServerStatus status = ServerStatus.of(q.get("status"));
      if (status == null) {
        query.empty = true; // Nova answers an unknown status with an empty list
      } else {
        query.add("vm_state = ", status.vmState().wire());
        if (status.taskStates() != null) {
          query.where.append(" AND task_state = ANY($").append(query.args.addArrayOfString(
              status.taskStates().stream().map(TaskState::wire).toArray(String[]::new)).size()).append(")");
        }
      }
    }
    if (q.get("reservation_id") != null) query.add("reservation_id = ", q.get("reservation_id"));
    if (q.get("flavor") != null) query.add("flavor->>'id' = ", q.get("flavor"));
    if (q.get("image") != null) query.add("image_id = ", q.get("image"));
    if (q.get("host") != null && everyProject) query.add("host = ", q.get("host"));
    if (Microversion.of(ctx).atLeast(26)) query.tagFilters(q);
    if (q.get("changes-since") != null) {
      try {
        OffsetDateTime since = OffsetDateTime.parse(q.get("changes-since"));
        query.where.append(" AND updated_at >= $").append(query.args.addOffsetDateTime(since).size());
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("Invalid filter field: changes-since.");
      }
    }
    if (query.paging.marker() != null) {
      UUID marker;
      try {
        marker = UUID.fromString(query.paging.marker());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("marker [" + query.paging.marker() + "] not found");
      }
      query.where.append(" AND (created_at, id) < (SELECT created_at, id FROM instances WHERE id = $")
          .append(query.args.addUUID(marker).size()).append(")");
    }
    return query;
  }

  /**
   * Nova's tag filters (2.26): {@code tags} (has all), {@code tags-any} (has one), {@code not-tags} (lacks one of
   * them), {@code not-tags-any} (has none).
   */
  private void tagFilters(MultiMap q) {
    tagFilter(q, "tags", "tags @> ");
    tagFilter(q, "tags-any", "tags && ");
    tagFilter(q, "not-tags", "NOT tags @> ");
    tagFilter(q, "not-tags-any", "NOT tags && ");
  }

  private void tagFilter(MultiMap q, String name, String condition) {
    if (q.get(name) == null) return;
    where.append(" AND ").append(condition).append("$")
        .append(args.addArrayOfString(ServerTags.filter(name, q.get(name))).size()).append("::text[]");
  }

  private void add(String condition, String value) {
    where.append(" AND ").append(condition).append("$").append(args.addString(value).size());
  }

  public boolean empty() {
    return empty || paging.limit() == 0;
  }

  public Paging paging() {
    return paging;
  }

  public String sql() {
    return "SELECT " + Instance.COLUMNS + " FROM instances" + where + " ORDER BY created_at DESC, id DESC LIMIT "
        + paging.limit();
  }

  public Tuple args() {
    return args;
  }
}
