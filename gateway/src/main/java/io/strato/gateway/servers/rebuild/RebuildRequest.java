package io.strato.gateway.servers.rebuild;

import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.http.Fields;
import io.strato.gateway.servers.MetadataItems;
import io.strato.gateway.servers.ServerCreateParser;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The body of Nova's {@code rebuild} action, with its schema per microversion: {@code imageRef} (required),
 * {@code name}, {@code metadata} (replaces the server's), {@code adminPass}, {@code preserve_ephemeral},
 * {@code OS-DCF:diskConfig}, {@code accessIPv4}/{@code accessIPv6} (checked, not kept, as at create),
 * {@code personality} before 2.57, {@code description} from 2.19, {@code key_name} from 2.54 (null: no key) and
 * {@code user_data} from 2.57 (null: none). Anything else is 400.
 *
 * @param metadata null when the request leaves the metadata as it is
 * @param setKeyName whether {@code key_name} was given (then {@code keyName}, possibly null, replaces the server's)
 * @param setUserData whether {@code user_data} was given
 */
record RebuildRequest(String imageId, String name, Map<String, String> metadata, String adminPass,
    boolean preserveEphemeral, String description, boolean setDescription, String keyName, boolean setKeyName,
    String userData, boolean setUserData) {

  private static final Set<String> ALWAYS = Set.of("imageRef", "name", "metadata", "adminPass", "preserve_ephemeral",
      "OS-DCF:diskConfig", "accessIPv4", "accessIPv6");

  static RebuildRequest parse(Object args, ApiVersion version) {
    if (!(args instanceof JsonObject r)) throw ApiException.badRequest("Invalid input for field 'rebuild'.");
    Set<String> known = new HashSet<>(ALWAYS);
    if (!version.atLeast(57)) known.add("personality");
    if (version.atLeast(19)) known.add("description");
    if (version.atLeast(54)) known.add("key_name");
    if (version.atLeast(57)) known.add("user_data");
    Fields.onlyKnown(r, "rebuild", known);
    String ref = Fields.optionalString(r, "imageRef", 2048);
    if (ref == null || ref.isBlank()) throw ApiException.badRequest("'imageRef' is a required property.");
    String name = Fields.optionalString(r, "name", 255);
    if (name != null && name.isBlank()) {
      throw ApiException.badRequest("Invalid input for field/attribute name. Value: " + name + ".");
    }
    Object metadata = r.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw ApiException.badRequest("Invalid input for field/attribute metadata. Value: " + metadata + ".");
    }
    Map<String, String> items = metadata == null ? null : MetadataItems.parse((JsonObject) metadata, "metadata");
    if (items != null) MetadataItems.requireWithinQuota(items.size());
    Boolean preserve = Fields.optionalBoolean(r, "preserve_ephemeral");
    Object diskConfig = r.getValue("OS-DCF:diskConfig");
    if (diskConfig != null && !"AUTO".equals(diskConfig) && !"MANUAL".equals(diskConfig)) {
      throw ApiException.badRequest("Invalid input for field/attribute OS-DCF:diskConfig. Value: " + diskConfig
          + ". '" + diskConfig + "' is not one of ['AUTO', 'MANUAL']");
    }
    checkAddress(r, "accessIPv4", 4);
    checkAddress(r, "accessIPv6", 6);
    if (r.containsKey("personality")) ServerCreateParser.checkPersonality(Fields.optionalArray(r, "personality"));
    return new RebuildRequest(ServerCreateParser.imageId(ref), name, items, Fields.optionalString(r, "adminPass", 255),
        preserve != null && preserve, Fields.optionalString(r, "description", 255), r.containsKey("description"),
        Fields.optionalString(r, "key_name", 255), r.containsKey("key_name"),
        ServerCreateParser.userData(Fields.optionalString(r, "user_data", ServerCreateParser.MAX_USER_DATA)),
        r.containsKey("user_data"));
  }

  private static void checkAddress(JsonObject r, String field, int family) {
    String value = Fields.optionalString(r, field, 64);
    if (value == null) return;
    if (!(family == 4 ? ipv4(value) : ipv6(value))) {
      throw ApiException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value + ".");
    }
  }

  private static boolean ipv4(String value) {
    if (!value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
    for (String octet : value.split("\\.")) if (Integer.parseInt(octet) > 255) return false;
    return true;
  }

  /** A literal IPv6 address (with a colon, Java parses it without any name lookup). */
  private static boolean ipv6(String value) {
    if (!value.contains(":") || !value.matches("[0-9A-Fa-f:.]+")) return false;
    try {
      return InetAddress.getByName(value) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
