package io.strato.gateway.quotas;

import io.strato.common.http.ApiVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A project's effective quota limits; -1 means unlimited. */
public record Limits(int instances, int cores, int ram, int keyPairs, int serverGroups, int serverGroupMembers) {
  /** Nova's fixed limits that Strato reports but does not vary per project. */
  public static final int METADATA_ITEMS = 128;
  public static final int INJECTED_FILES = 5;
  public static final int INJECTED_FILE_CONTENT_BYTES = 10240;
  public static final int INJECTED_FILE_PATH_BYTES = 255;

  /** Quota fields of Nova's network proxy, gone from 2.36. */
  public static final List<String> NETWORK_QUOTAS =
      List.of("fixed_ips", "floating_ips", "security_group_rules", "security_groups", "networks");
  /** Quota fields of file injection, gone from 2.57. */
  public static final List<String> INJECTED_FILE_QUOTAS =
      List.of("injected_file_content_bytes", "injected_file_path_bytes", "injected_files");

  /** The {@code quota_set} body as Nova shows it at {@code v}. */
  public JsonObject quotaSet(String projectId, ApiVersion v) {
    JsonObject q = quotaSet(projectId);
    if (v.atLeast(36)) NETWORK_QUOTAS.forEach(q::remove);
    if (v.atLeast(57)) INJECTED_FILE_QUOTAS.forEach(q::remove);
    return q;
  }

  /** True when a quota field no longer exists at {@code v} (an update naming it is refused). */
  public static boolean retired(String field, ApiVersion v) {
    return (v.atLeast(36) && NETWORK_QUOTAS.contains(field)) || (v.atLeast(57) && INJECTED_FILE_QUOTAS.contains(field));
  }

  /** The {@code quota_set} body as Nova shows it up to 2.35. */
  public JsonObject quotaSet(String projectId) {
    JsonObject q = new JsonObject();
    if (projectId != null) q.put("id", projectId);
    return q.put("cores", cores).put("fixed_ips", -1).put("floating_ips", -1)
        .put("injected_file_content_bytes", INJECTED_FILE_CONTENT_BYTES)
        .put("injected_file_path_bytes", INJECTED_FILE_PATH_BYTES).put("injected_files", INJECTED_FILES)
        .put("instances", instances).put("key_pairs", keyPairs).put("metadata_items", METADATA_ITEMS).put("ram", ram)
        .put("security_group_rules", -1).put("security_groups", -1)
        .put("server_group_members", serverGroupMembers).put("server_groups", serverGroups);
  }
}
