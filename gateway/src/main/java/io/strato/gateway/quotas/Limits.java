package io.strato.gateway.quotas;

import io.vertx.core.json.JsonObject;

/** A project's effective quota limits; -1 means unlimited. */
public record Limits(int instances, int cores, int ram, int keyPairs, int serverGroups, int serverGroupMembers) {
  /** Nova's fixed limits that Strato reports but does not vary per project. */
  public static final int METADATA_ITEMS = 128;
  public static final int INJECTED_FILES = 5;
  public static final int INJECTED_FILE_CONTENT_BYTES = 10240;
  public static final int INJECTED_FILE_PATH_BYTES = 255;

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
