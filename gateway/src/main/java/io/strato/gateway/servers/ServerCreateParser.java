package io.strato.gateway.servers;

import io.strato.common.http.ApiVersion;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.gateway.Microversion;
import io.strato.gateway.quotas.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a {@code POST /servers} body into a {@link ServerCreateRequest}, or a 400 naming what is wrong. */
public final class ServerCreateParser {
  private static final Set<String> KNOWN = Set.of("name", "imageRef", "flavorRef", "adminPass", "metadata",
      "networks", "security_groups", "key_name", "user_data", "availability_zone", "block_device_mapping_v2",
      "block_device_mapping", "min_count", "max_count", "return_reservation_id", "config_drive", "OS-DCF:diskConfig",
      "accessIPv4", "accessIPv6", "personality", "description");
  private static final Set<String> SOURCE_TYPES = Set.of("blank", "image", "snapshot", "volume");
  private static final Set<String> DESTINATION_TYPES = Set.of("local", "volume");
  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
  public static final int MAX_USER_DATA = 65535;

  private ServerCreateParser() {}

  public static ServerCreateRequest parse(JsonObject whole, ApiVersion version) {
    Object serverValue = whole.getValue("server");
    if (!(serverValue instanceof JsonObject s)) throw ApiException.badRequest("'server' is a required property.");
    for (String key : s.fieldNames()) {
      if (!knownAt(key, version)) {
        throw ApiException.badRequest("Invalid input for field/attribute server. Value: " + key
            + ". Additional properties are not allowed ('" + key + "' was unexpected)");
      }
    }
    if (version.atLeast(37) && !s.containsKey("networks")) {
      throw ApiException.badRequest("Invalid input for field/attribute server. Value: " + s.fieldNames()
          + ". 'networks' is a required property");
    }
    if (s.getValue("networks") instanceof String && !version.atLeast(37)) {
      throw ApiException.badRequest("Invalid input for field 'networks': a list of networks before 2.37.");
    }
    trustedCertificates(s);
    String name = Fields.requiredString(s, "name", 255);
    String description = Fields.optionalString(s, "description", 255);
    JsonArray bdm = blockDevices(Fields.optionalArray(s, "block_device_mapping_v2"));
    String imageId = image(s, bdm);
    String flavorId = lastSegment(flavorRef(s), "flavorRef");
    Integer min = Fields.optionalInt(s, "min_count", 1, Integer.MAX_VALUE);
    Integer max = Fields.optionalInt(s, "max_count", 1, Integer.MAX_VALUE);
    int minCount = min == null ? 1 : min;
    int maxCount = max == null ? minCount : max;
    if (maxCount < minCount) throw ApiException.badRequest("min_count must be <= max_count");
    Boolean rri = Fields.optionalBoolean(s, "return_reservation_id");
    checkPersonality(Fields.optionalArray(s, "personality"));
    Object diskConfig = s.getValue("OS-DCF:diskConfig");
    if (diskConfig != null && !"AUTO".equals(diskConfig) && !"MANUAL".equals(diskConfig)) {
      throw ApiException.badRequest("Invalid input for field/attribute OS-DCF:diskConfig. Value: " + diskConfig
          + ". '" + diskConfig + "' is not one of ['AUTO', 'MANUAL']");
    }
    JsonObject hints = hints(whole);
    return new ServerCreateRequest(name, description, imageId, flavorId, Fields.optionalString(s, "adminPass", 255),
        metadata(Fields.optionalObject(s, "metadata")), networks(s.getValue("networks")),
        securityGroups(Fields.optionalArray(s, "security_groups")), Fields.optionalString(s, "key_name", 255),
        userData(Fields.optionalString(s, "user_data", MAX_USER_DATA)), availabilityZone(s), bdm, minCount, maxCount,
        rri != null && rri, configDrive(s.getValue("config_drive")), groupHint(hints), uuidList(hints, "same_host"),
        uuidList(hints, "different_host"));
  }

  /** Nova's create schema by microversion: description from 2.19, personality until 2.56, certificates from 2.63. */
  private static boolean knownAt(String key, ApiVersion version) {
    return switch (key) {
      case "description" -> version.atLeast(19);
      case "personality" -> !version.atLeast(57);
      case "trusted_image_certificates" -> version.atLeast(63);
      default -> KNOWN.contains(key);
    };
  }

  /**
   * 2.63's certificates to verify the image's signature with: null or none is fine; any are refused, as Nova refuses
   * them where it cannot verify (Strato checks no image signatures).
   */
  private static void trustedCertificates(JsonObject s) {
    Object certs = s.getValue("trusted_image_certificates");
    if (certs == null) return;
    if (!(certs instanceof JsonArray list) || list.isEmpty()) {
      throw ApiException.badRequest("Invalid input for field/attribute trusted_image_certificates. Value: " + certs
          + ". It is not a non-empty list of certificate ids");
    }
    throw ApiException.badRequest("Image signature certificate validation is not supported by this cloud.");
  }

  private static String image(JsonObject s, JsonArray bdm) {
    String ref = Fields.optionalString(s, "imageRef", 2048);
    boolean bootVolume = bdm.stream().map(o -> (JsonObject) o)
        .anyMatch(d -> Integer.valueOf(0).equals(d.getInteger("boot_index")) && "volume".equals(d.getString(
            "destination_type")));
    if (ref == null || ref.isEmpty()) {
      if (bootVolume) return "";
      throw ApiException.badRequest("Missing imageRef attribute");
    }
    return imageId(ref);
  }

  /** The image an {@code imageRef} names (an id, or a URL ending in one); 400 when it is not an image id. */
  public static String imageId(String ref) {
    String id = lastSegment(ref, "imageRef");
    if (!Fields.isUuid(id)) throw ApiException.badRequest("Invalid imageRef provided.");
    return Fields.uuid(id, "imageRef");
  }

  private static String flavorRef(JsonObject s) {
    Object v = s.getValue("flavorRef");
    if (v == null) throw ApiException.badRequest("'flavorRef' is a required property.");
    if (v instanceof Integer || v instanceof Long) return String.valueOf(v);
    if (v instanceof String str && !str.isBlank() && str.length() <= 255) return str;
    throw ApiException.badRequest("Invalid flavorRef provided.");
  }

  /** A reference may be an id or a URL ending in the id, as Nova accepts. */
  private static String lastSegment(String ref, String field) {
    String id = ref.contains("/") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
    if (id.isBlank()) throw ApiException.badRequest("Invalid " + field + " provided.");
    return id;
  }

  private static Map<String, String> metadata(JsonObject m) {
    if (m != null) MetadataItems.requireWithinQuota(m.size());
    return MetadataItems.parse(m, "metadata");
  }

  private static Object networks(Object v) {
    if (v == null) return new JsonArray();
    if (v instanceof String str) {
      if (str.equals("auto") || str.equals("none")) return str;
      throw ApiException.badRequest("Invalid input for field 'networks': '" + str + "' is not 'auto' or 'none'.");
    }
    if (!(v instanceof JsonArray list)) throw ApiException.badRequest("Invalid input for field 'networks'.");
    JsonArray out = new JsonArray();
    for (Object o : list) {
      if (!(o instanceof JsonObject n)) throw ApiException.badRequest("Invalid input for field 'networks'.");
      JsonObject clean = new JsonObject();
      String uuid = Fields.optionalString(n, "uuid", 64);
      String port = Fields.optionalString(n, "port", 64);
      String fixedIp = Fields.optionalString(n, "fixed_ip", 64);
      if (uuid == null && port == null) {
        throw ApiException.badRequest("Bad network format: a network needs a 'uuid' or a 'port'.");
      }
      if (uuid != null) clean.put("uuid", Fields.uuid(uuid, "networks.uuid"));
      if (port != null) clean.put("port", Fields.uuid(port, "networks.port"));
      if (fixedIp != null) {
        if (!IPV4.matcher(fixedIp).matches() && !fixedIp.contains(":")) {
          throw ApiException.badRequest("Invalid fixed IP address (" + fixedIp + ")");
        }
        clean.put("fixed_ip", fixedIp);
      }
      out.add(clean);
    }
    return out;
  }

  private static JsonArray securityGroups(JsonArray groups) {
    JsonArray out = new JsonArray();
    if (groups == null) return out.add(new JsonObject().put("name", "default"));
    for (Object o : groups) {
      if (!(o instanceof JsonObject g)) throw ApiException.badRequest("Invalid input for field 'security_groups'.");
      out.add(new JsonObject().put("name", Fields.requiredString(g, "name", 255)));
    }
    return out;
  }

  /** {@code user_data} as Nova takes it: base64 (400 otherwise); null stays null. */
  public static String userData(String data) {
    if (data == null) return null;
    try {
      Base64.getMimeDecoder().decode(data);
      if (!data.strip().matches("[A-Za-z0-9+/=\\s]*")) throw new IllegalArgumentException();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("User data needs to be valid base 64.");
    }
    return data;
  }

  /**
   * Files to inject (before 2.57): Strato does not inject them, but holds them to Nova's limits ({@code
   * injected_files}, {@code injected_file_path_bytes}, {@code injected_file_content_bytes}) with Nova's 403s.
   */
  public static void checkPersonality(JsonArray files) {
    if (files == null) return;
    if (files.size() > Limits.INJECTED_FILES) throw ApiException.forbidden("Personality file limit exceeded");
    for (Object o : files) {
      if (!(o instanceof JsonObject f)) throw ApiException.badRequest("Invalid input for field 'personality'.");
      String path = Fields.requiredString(f, "path", Integer.MAX_VALUE);
      String contents = Fields.optionalString(f, "contents", Integer.MAX_VALUE);
      if (path.getBytes(StandardCharsets.UTF_8).length > Limits.INJECTED_FILE_PATH_BYTES) {
        throw ApiException.forbidden("Personality file path too long");
      }
      byte[] decoded;
      try {
        decoded = contents == null ? new byte[0] : Base64.getMimeDecoder().decode(contents);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Personality content for " + path + " cannot be decoded");
      }
      if (decoded.length > Limits.INJECTED_FILE_CONTENT_BYTES) {
        throw ApiException.forbidden("Personality file content too long");
      }
    }
  }

  private static String availabilityZone(JsonObject s) {
    String az = Fields.optionalString(s, "availability_zone", 255);
    if (az != null && az.isBlank()) throw ApiException.badRequest("Invalid input for field 'availability_zone'.");
    return az;
  }

  private static String configDrive(Object v) {
    if (v == null) return "";
    if (v instanceof Boolean b) return b ? "True" : "";
    if (v instanceof String str && str.length() <= 255) return str;
    throw ApiException.badRequest("Invalid input for field 'config_drive'.");
  }

  private static JsonArray blockDevices(JsonArray list) {
    JsonArray out = new JsonArray();
    if (list == null) return out;
    for (Object o : list) {
      if (!(o instanceof JsonObject d)) throw ApiException.badRequest("Invalid input for field 'block_device_mapping_v2'.");
      JsonObject clean = new JsonObject();
      Object bootIndex = d.getValue("boot_index");
      if (bootIndex != null) clean.put("boot_index", Fields.requiredInt(d, "boot_index", -1, 1024));
      String source = Fields.optionalString(d, "source_type", 32);
      if (source == null || !SOURCE_TYPES.contains(source)) {
        throw ApiException.badRequest("Invalid input for field 'source_type': '" + source + "' is not one of "
            + SOURCE_TYPES + ".");
      }
      String destination = Fields.optionalString(d, "destination_type", 32);
      if (destination == null) destination = source.equals("volume") ? "volume" : "local";
      if (!DESTINATION_TYPES.contains(destination)) {
        throw ApiException.badRequest("Invalid input for field 'destination_type': '" + destination + "'.");
      }
      String uuid = Fields.optionalString(d, "uuid", 64);
      if (!source.equals("blank")) {
        if (uuid == null) throw ApiException.badRequest("Block device source " + source + " needs a 'uuid'.");
        clean.put("uuid", Fields.uuid(uuid, "block_device_mapping_v2.uuid"));
      }
      Integer size = Fields.optionalInt(d, "volume_size", 1, 1_000_000);
      if (size == null && destination.equals("volume") && !source.equals("volume")) {
        throw ApiException.badRequest("Images with destination_type 'volume' need to have a non-zero size specified");
      }
      Boolean deleteOnTermination = Fields.optionalBoolean(d, "delete_on_termination");
      clean.put("source_type", source).put("destination_type", destination).put("volume_size", size)
          .put("delete_on_termination", deleteOnTermination != null && deleteOnTermination)
          .put("device_name", Fields.optionalString(d, "device_name", 255))
          .put("disk_bus", Fields.optionalString(d, "disk_bus", 32))
          .put("device_type", Fields.optionalString(d, "device_type", 32))
          .put("guest_format", Fields.optionalString(d, "guest_format", 32));
      out.add(clean);
    }
    return out;
  }

  private static JsonObject hints(JsonObject whole) {
    Object h = whole.getValue("os:scheduler_hints", whole.getValue("OS-SCH-HNT:scheduler_hints"));
    if (h == null) return new JsonObject();
    if (!(h instanceof JsonObject o)) throw ApiException.badRequest("Invalid input for field 'os:scheduler_hints'.");
    return o;
  }

  private static String groupHint(JsonObject hints) {
    Object g = hints.getValue("group");
    if (g == null) return null;
    if (!(g instanceof String s) || !Fields.isUuid(s)) {
      throw ApiException.badRequest("Invalid input for field 'os:scheduler_hints.group': '" + g + "' is not a 'uuid'.");
    }
    return Fields.uuid(s, "group");
  }

  private static List<String> uuidList(JsonObject hints, String key) {
    Object v = hints.getValue(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    List<Object> items = v instanceof JsonArray a ? a.getList() : List.of(v);
    for (Object item : items) {
      if (!(item instanceof String s) || !Fields.isUuid(s)) {
        throw ApiException.badRequest("Invalid input for field 'os:scheduler_hints." + key + "': '" + item
            + "' is not a 'uuid'.");
      }
      out.add(Fields.uuid(s, key));
    }
    return out;
  }
}
