package io.strato.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the features Strato's manifests use:
 * {@code resources} (files and nested kustomizations), {@code configMapGenerator} and {@code secretGenerator}
 * ({@code literals}, {@code envs}, {@code behavior: create|merge|replace}, {@code type},
 * {@code options.disableNameSuffixHash}) with kustomize's content-hash name suffix and the name references in pod
 * specs rewritten to it, {@code patches} (strategic merge and JSON 6902, by target or by the patch's own kind and
 * name), {@code namespace}, {@code labels} (without selectors) and {@code images}.
 *
 * <p>A kustomization field it does not implement fails the render rather than being ignored, so a manifest change
 * that needs more of kustomize shows up here instead of as a silently different rendering.
 */
final class Kustomize {
  private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "configMapGenerator",
      "secretGenerator", "patches", "namespace", "labels", "images");
  /** Marks generated objects whose name still needs the hash suffix (kustomize uses an internal annotation too). */
  private static final String NEEDS_HASH = "internal.strato.test/needs-hash-suffix";
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
      "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");
  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
      "CronJob", "Pod");
  /** Strategic-merge keys of the lists the patches touch (the Kubernetes API's patchMergeKey). */
  private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
      "env", "name", "volumes", "name", "volumeMounts", "mountPath", "imagePullSecrets", "name",
      "envFrom", "", "ports", "");

  private Kustomize() {}

  /** The objects {@code kubectl kustomize dir} prints, as plain YAML maps. */
  static List<Map<String, Object>> render(Path dir) {
    List<Map<String, Object>> objects = build(dir);
    finishGeneratedNames(objects);
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    Map<String, Object> k = (Map<String, Object>) yaml().load(read(file));
    for (String field : k.keySet()) {
      if (!SUPPORTED.contains(field)) {
        throw new IllegalStateException(file + ": kustomization field '" + field + "' is not implemented by "
            + Kustomize.class.getSimpleName() + "; implement it there or do without it");
      }
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String r : (List<String>) k.getOrDefault("resources", List.of())) {
      Path p = dir.resolve(r).normalize();
      if (Files.isDirectory(p)) objects.addAll(build(p));
      else objects.addAll(loadAll(p));
    }
    for (Map<String, Object> g : (List<Map<String, Object>>) k.getOrDefault("configMapGenerator", List.of())) {
      generate(dir, objects, g, "ConfigMap");
    }
    for (Map<String, Object> g : (List<Map<String, Object>>) k.getOrDefault("secretGenerator", List.of())) {
      generate(dir, objects, g, "Secret");
    }
    for (Map<String, Object> patch : (List<Map<String, Object>>) k.getOrDefault("patches", List.of())) {
      applyPatch(dir, objects, patch);
    }
    if (k.containsKey("namespace")) {
      String ns = (String) k.get("namespace");
      for (Map<String, Object> o : objects) {
        if (!CLUSTER_SCOPED.contains(o.get("kind"))) metadata(o).put("namespace", ns);
      }
    }
    for (Map<String, Object> l : (List<Map<String, Object>>) k.getOrDefault("labels", List.of())) {
      if (Boolean.TRUE.equals(l.get("includeSelectors")) || Boolean.TRUE.equals(l.get("includeTemplates"))) {
        throw new IllegalStateException(file + ": labels with includeSelectors/includeTemplates are not implemented");
      }
      Map<String, Object> pairs = (Map<String, Object>) l.get("pairs");
      for (Map<String, Object> o : objects) child(metadata(o), "labels").putAll(pairs);
    }
    for (Map<String, Object> image : (List<Map<String, Object>>) k.getOrDefault("images", List.of())) {
      for (Map<String, Object> o : objects) retag(o, image);
    }
    return objects;
  }

  // --- generators ---

  @SuppressWarnings("unchecked")
  private static void generate(Path dir, List<Map<String, Object>> objects, Map<String, Object> g, String kind) {
    String name = (String) g.get("name");
    Map<String, String> data = new LinkedHashMap<>();
    for (String env : (List<String>) g.getOrDefault("envs", List.of())) {
      for (String line : read(dir.resolve(env)).split("\n", -1)) putPair(data, envLine(line), name);
    }
    for (String literal : (List<String>) g.getOrDefault("literals", List.of())) putPair(data, literal(literal), name);
    for (String f : g.keySet()) {
      if (!Set.of("name", "envs", "literals", "behavior", "type", "options").contains(f)) {
        throw new IllegalStateException(kind + " generator " + name + ": '" + f + "' is not implemented");
      }
    }
    Map<String, Object> options = (Map<String, Object>) g.getOrDefault("options", Map.of());
    boolean hash = !Boolean.TRUE.equals(options.get("disableNameSuffixHash"));
    String behavior = (String) g.getOrDefault("behavior", "create");
    Map<String, Object> existing = objects.stream()
        .filter(o -> kind.equals(o.get("kind")) && name.equals(metadata(o).get("name"))).findFirst().orElse(null);
    Map<String, String> merged = new LinkedHashMap<>();
    switch (behavior) {
      case "create" -> {
        if (existing != null) throw new IllegalStateException(kind + " " + name + " generated twice (behavior: create)");
      }
      case "merge" -> {
        if (existing == null) throw new IllegalStateException(kind + " " + name + ": nothing to merge into");
        Map<String, Object> old = (Map<String, Object>) existing.getOrDefault("data", Map.of());
        old.forEach((key, v) -> merged.put(key, "Secret".equals(kind) ? decode(v) : String.valueOf(v)));
        hash = metadata(existing).containsKey("annotations")
            && child(metadata(existing), "annotations").containsKey(NEEDS_HASH);
      }
      case "replace" -> {
        if (existing == null) throw new IllegalStateException(kind + " " + name + ": nothing to replace");
      }
      default -> throw new IllegalStateException(kind + " " + name + ": unknown behavior " + behavior);
    }
    merged.putAll(data);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", kind);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (existing != null) {
      Map<String, Object> oldMeta = metadata(existing);
      if (oldMeta.containsKey("namespace")) meta.put("namespace", oldMeta.get("namespace"));
      if (oldMeta.containsKey("labels")) meta.put("labels", oldMeta.get("labels"));
    }
    if (hash) meta.put("annotations", new LinkedHashMap<>(Map.of(NEEDS_HASH, "true")));
    o.put("metadata", meta);
    Map<String, Object> values = new TreeMap<>();
    merged.forEach((key, v) -> values.put(key, "Secret".equals(kind) ? encode(v) : v));
    o.put("data", values);
    if ("Secret".equals(kind)) o.put("type", g.getOrDefault("type", "Opaque"));
    if (existing != null) objects.set(objects.indexOf(existing), o);
    else objects.add(o);
  }

  private static String[] envLine(String line) {
    String l = line.stripLeading();
    if (l.isEmpty() || l.startsWith("#")) return null;
    int eq = l.indexOf('=');
    if (eq < 0) throw new IllegalStateException("env file line without '=': " + line);
    return new String[] {l.substring(0, eq), l.substring(eq + 1)};
  }

  private static String[] literal(String literal) {
    int eq = literal.indexOf('=');
    if (eq < 0) throw new IllegalStateException("literal without '=': " + literal);
    String v = literal.substring(eq + 1);
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      v = v.substring(1, v.length() - 1);
    }
    return new String[] {literal.substring(0, eq), v};
  }

  private static void putPair(Map<String, String> data, String[] kv, String name) {
    if (kv == null) return;
    if (data.put(kv[0], kv[1]) != null) throw new IllegalStateException(name + ": key " + kv[0] + " given twice");
  }

  /**
   * Appends kustomize's hash suffix to every generated name and rewrites the references in pod specs. The hash is
   * kustomize's: the first 10 hex digits of the SHA-256 of the JSON {@code {data, kind, name[, type]}} with some
   * digits swapped for consonants (api/hasher/hasher.go), so names match what {@code kubectl apply -k} creates.
   */
  @SuppressWarnings("unchecked")
  private static void finishGeneratedNames(List<Map<String, Object>> objects) {
    Map<String, String> renamed = new TreeMap<>();
    for (Map<String, Object> o : objects) {
      Map<String, Object> meta = metadata(o);
      Map<String, Object> annotations = (Map<String, Object>) meta.get("annotations");
      if (annotations == null || annotations.remove(NEEDS_HASH) == null) continue;
      if (annotations.isEmpty()) meta.remove("annotations");
      String name = (String) meta.get("name");
      String suffixed = name + "-" + hash(o);
      renamed.put(o.get("kind") + "/" + name, suffixed);
      meta.put("name", suffixed);
    }
    for (Map<String, Object> o : objects) {
      if (WORKLOADS.contains(o.get("kind"))) rewriteReferences(o, renamed);
    }
  }

  @SuppressWarnings("unchecked")
  private static void rewriteReferences(Object node, Map<String, String> renamed) {
    if (node instanceof List<?> list) {
      list.forEach(e -> rewriteReferences(e, renamed));
    } else if (node instanceof Map<?, ?> raw) {
      Map<String, Object> m = (Map<String, Object>) raw;
      for (var e : m.entrySet()) {
        String kind = switch (e.getKey()) {
          case "configMapRef", "configMapKeyRef", "configMap" -> "ConfigMap";
          case "secretRef", "secretKeyRef", "secret" -> "Secret";
          default -> null;
        };
        if (kind != null && e.getValue() instanceof Map<?, ?> ref) {
          String field = ref.containsKey("secretName") ? "secretName" : "name";
          String target = renamed.get(kind + "/" + ref.get(field));
          if (target != null) ((Map<String, Object>) ref).put(field, target);
        }
        rewriteReferences(e.getValue(), renamed);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static String hash(Map<String, Object> o) {
    Map<String, Object> encoded = new TreeMap<>();
    encoded.put("kind", o.get("kind"));
    // NOTE: kustomize looks the name up as the single field "metadata/name", which no object has, so every
    // generated object hashes with an empty name (observed in kubectl 1.32 / kustomize 5.5; a missing map is "").
    encoded.put("name", "");
    Map<String, Object> data = (Map<String, Object>) o.get("data");
    encoded.put("data", data == null || data.isEmpty() ? "" : new TreeMap<>(data));
    if ("Secret".equals(o.get("kind"))) encoded.put("type", o.get("type"));
    String hex;
    try {
      hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(goJson(encoded).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder out = new StringBuilder();
    for (char c : hex.substring(0, 10).toCharArray()) {
      out.append(switch (c) {
        case '0' -> 'g';
        case '1' -> 'h';
        case '3' -> 'k';
        case 'a' -> 'm';
        case 'e' -> 't';
        default -> c;
      });
    }
    return out.toString();
  }

  /** Go's encoding/json for string maps: sorted keys, no spaces, HTML characters escaped. */
  @SuppressWarnings("unchecked")
  private static String goJson(Object v) {
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      new TreeMap<>((Map<String, Object>) m).forEach((key, value) -> {
        if (b.length() > 1) b.append(',');
        b.append(goJson(key)).append(':').append(goJson(value));
      });
      return b.append('}').toString();
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : String.valueOf(v).toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format("\\u%04x", (int) c));
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }

  // --- patches ---

  @SuppressWarnings("unchecked")
  private static void applyPatch(Path dir, List<Map<String, Object>> objects, Map<String, Object> entry) {
    String text = entry.containsKey("path") ? read(dir.resolve((String) entry.get("path"))) : (String) entry.get("patch");
    Object patch = yaml().load(text);
    Map<String, Object> target = (Map<String, Object>) entry.get("target");
    if (target == null) {
      if (!(patch instanceof Map<?, ?> p)) throw new IllegalStateException("a JSON 6902 patch needs a target");
      Map<String, Object> pm = (Map<String, Object>) p;
      target = Map.of("kind", pm.get("kind"), "name", metadata(pm).get("name"));
    }
    List<Map<String, Object>> matched = new ArrayList<>();
    for (Map<String, Object> o : objects) if (matches(o, target)) matched.add(o);
    if (matched.isEmpty()) throw new IllegalStateException("patch target " + target + " matches nothing");
    for (Map<String, Object> o : matched) {
      if (patch instanceof List<?> ops) {
        for (Object op : ops) json6902(o, (Map<String, Object>) op);
      } else {
        Map<String, Object> p = deepCopy((Map<String, Object>) patch);
        // The patch's own identity is not patched in: with a target, its name may be anything.
        p.remove("apiVersion");
        p.remove("kind");
        Map<String, Object> meta = (Map<String, Object>) p.get("metadata");
        if (meta != null) {
          meta.remove("name");
          meta.remove("namespace");
        }
        strategicMerge(o, p);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> o, Map<String, Object> target) {
    for (var e : target.entrySet()) {
      switch (e.getKey()) {
        case "kind" -> {
          if (!e.getValue().equals(o.get("kind"))) return false;
        }
        case "name" -> {
          if (!Pattern.compile((String) e.getValue()).matcher((String) metadata(o).get("name")).matches()) return false;
        }
        case "namespace" -> {
          if (!e.getValue().equals(metadata(o).get("namespace"))) return false;
        }
        case "labelSelector" -> {
          Map<String, Object> labels = (Map<String, Object>) metadata(o).getOrDefault("labels", Map.of());
          for (String term : ((String) e.getValue()).split(",")) {
            String[] kv = term.trim().split("=", 2);
            if (!kv[1].equals(String.valueOf(labels.get(kv[0])))) return false;
          }
        }
        default -> throw new IllegalStateException("patch target field '" + e.getKey() + "' is not implemented");
      }
    }
    return true;
  }

  /** Strategic merge: maps merge, lists with a merge key merge by it, other lists are replaced, null deletes. */
  @SuppressWarnings("unchecked")
  private static void strategicMerge(Map<String, Object> into, Map<String, Object> patch) {
    for (var e : patch.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      Object current = into.get(key);
      if (value == null) {
        into.remove(key);
      } else if (value instanceof Map<?, ?> pm && current instanceof Map<?, ?> cm) {
        strategicMerge((Map<String, Object>) cm, (Map<String, Object>) pm);
      } else if (value instanceof List<?> pl && current instanceof List<?> cl && MERGE_KEYS.containsKey(key)
          && !MERGE_KEYS.get(key).isEmpty()) {
        // Like kustomize: the patch's items first, in the patch's order (merged into their originals), then the
        // original items the patch does not mention.
        String mergeKey = MERGE_KEYS.get(key);
        List<Object> rest = new ArrayList<>((List<Object>) cl);
        List<Object> merged = new ArrayList<>();
        for (Object item : pl) {
          Map<String, Object> pi = (Map<String, Object>) item;
          Map<String, Object> existing = rest.stream().map(x -> (Map<String, Object>) x)
              .filter(x -> pi.get(mergeKey).equals(x.get(mergeKey))).findFirst().orElse(null);
          if (existing != null) {
            rest.remove(existing);
            strategicMerge(existing, pi);
            merged.add(existing);
          } else {
            merged.add(deepCopy(pi));
          }
        }
        merged.addAll(rest);
        into.put(key, merged);
      } else if (value instanceof List<?> && MERGE_KEYS.containsKey(key) && current instanceof List<?>) {
        throw new IllegalStateException("strategic merge of list '" + key + "' is not implemented");
      } else {
        into.put(key, deepCopy(value));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void json6902(Map<String, Object> o, Map<String, Object> op) {
    String path = (String) op.get("path");
    List<String> tokens = new ArrayList<>();
    for (String t : path.substring(1).split("/", -1)) tokens.add(t.replace("~1", "/").replace("~0", "~"));
    Object parent = o;
    for (String t : tokens.subList(0, tokens.size() - 1)) {
      parent = parent instanceof List<?> l ? l.get(Integer.parseInt(t)) : ((Map<String, Object>) parent).get(t);
      if (parent == null) throw new IllegalStateException("JSON patch path " + path + " does not exist");
    }
    String last = tokens.get(tokens.size() - 1);
    String kind = (String) op.get("op");
    if (parent instanceof List<?> raw) {
      List<Object> list = (List<Object>) raw;
      int i = "-".equals(last) ? list.size() : Integer.parseInt(last);
      switch (kind) {
        case "add" -> list.add(i, deepCopy(op.get("value")));
        case "replace" -> list.set(i, deepCopy(op.get("value")));
        case "remove" -> list.remove(i);
        default -> throw new IllegalStateException("JSON patch op " + kind + " is not implemented");
      }
    } else {
      Map<String, Object> map = (Map<String, Object>) parent;
      switch (kind) {
        case "add" -> map.put(last, deepCopy(op.get("value")));
        case "replace" -> {
          if (!map.containsKey(last)) throw new IllegalStateException("JSON patch replace of missing " + path);
          map.put(last, deepCopy(op.get("value")));
        }
        case "remove" -> {
          if (map.remove(last) == null) throw new IllegalStateException("JSON patch remove of missing " + path);
        }
        default -> throw new IllegalStateException("JSON patch op " + kind + " is not implemented");
      }
    }
  }

  // --- images ---

  /** kustomize's image transformer: every container and init container whose image name matches. */
  @SuppressWarnings("unchecked")
  private static void retag(Object node, Map<String, Object> image) {
    if (node instanceof List<?> l) {
      l.forEach(e -> retag(e, image));
    } else if (node instanceof Map<?, ?> raw) {
      Map<String, Object> m = (Map<String, Object>) raw;
      for (String field : List.of("containers", "initContainers")) {
        if (m.get(field) instanceof List<?> containers) {
          for (Object c : containers) {
            Map<String, Object> container = (Map<String, Object>) c;
            if (container.get("image") instanceof String ref) container.put("image", retag(ref, image));
          }
        }
      }
      m.values().forEach(v -> retag(v, image));
    }
  }

  private static String retag(String ref, Map<String, Object> image) {
    String name = ref;
    String tag = "";
    int at = name.indexOf('@');
    if (at >= 0) {
      tag = name.substring(at);
      name = name.substring(0, at);
    } else {
      int colon = name.lastIndexOf(':');
      if (colon > name.lastIndexOf('/')) {
        tag = name.substring(colon);
        name = name.substring(0, colon);
      }
    }
    if (!name.equals(image.get("name"))) return ref;
    if (image.containsKey("newName")) name = (String) image.get("newName");
    if (image.containsKey("newTag")) tag = ":" + image.get("newTag");
    if (image.containsKey("digest")) tag = "@" + image.get("digest");
    return name + tag;
  }

  // --- helpers ---

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> loadAll(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : yaml().loadAll(read(file))) {
      if (doc != null) docs.add((Map<String, Object>) doc);
    }
    return docs;
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> metadata(Map<String, Object> o) {
    return (Map<String, Object>) o.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.computeIfAbsent(key, k -> new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  private static <T> T deepCopy(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
      return (T) copy;
    }
    if (value instanceof List<?> l) {
      List<Object> copy = new ArrayList<>();
      l.forEach(v -> copy.add(deepCopy(v)));
      return (T) copy;
    }
    return value;
  }

  private static String encode(String v) {
    return Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(Object v) {
    return new String(Base64.getDecoder().decode(String.valueOf(v)), StandardCharsets.UTF_8);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
