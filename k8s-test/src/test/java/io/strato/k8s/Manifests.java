package io.strato.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * One rendered overlay: every object in the typed fabric8 model (custom resources of Strimzi and CloudNativePG as
 * {@link GenericKubernetesResource}), and the pods they make, so that the test can ask "which pods does this
 * selector pick" and "what does this container's environment say".
 */
final class Manifests {
  /** The kinds the overlays may contain, by apiVersion/kind. Anything else fails the load. */
  private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("apps/v1/StatefulSet", StatefulSet.class),
      Map.entry("apps/v1/DaemonSet", DaemonSet.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));
  /** Operators' custom resources, checked as generic maps. */
  private static final Set<String> CUSTOM = Set.of("kafka.strimzi.io/v1beta2/Kafka",
      "kafka.strimzi.io/v1beta2/KafkaNodePool", "kafka.strimzi.io/v1beta2/KafkaTopic", "kafka.strimzi.io/v1beta2/KafkaUser",
      "postgresql.cnpg.io/v1/Cluster");

  /** fabric8's own mapper is Jackson 3; unknown fields land in additionalProperties, which the load reports. */
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A pod a workload or an operator's custom resource makes; {@code spec} is null for operator-made pods. */
  record Pod(String namespace, String owner, Map<String, String> labels, PodSpec spec) {
    /** The Strato module the pod runs (from its image), or empty for Kafka, PostgreSQL and other infrastructure. */
    Optional<String> module() {
      if (spec == null) return Optional.empty();
      return spec.getContainers().stream().map(c -> moduleOf(c.getImage())).flatMap(Optional::stream).findFirst();
    }

    @Override
    public String toString() {
      return owner;
    }
  }

  final String overlay;
  final List<Map<String, Object>> raw;
  final List<HasMetadata> objects = new ArrayList<>();
  final List<Pod> pods = new ArrayList<>();
  /** Fields the typed model did not recognise (a misspelt or misplaced field), as "object: path". */
  final List<String> unknownFields = new ArrayList<>();

  private Manifests(String overlay, List<Map<String, Object>> raw) {
    this.overlay = overlay;
    this.raw = raw;
    for (Map<String, Object> o : raw) {
      String type = o.get("apiVersion") + "/" + o.get("kind");
      HasMetadata typed;
      if (TYPED.containsKey(type)) {
        typed = JSON.convertValue(o, TYPED.get(type));
        collectUnknownFields(typed, type + " " + typed.getMetadata().getName(), unknownFields);
      } else if (CUSTOM.contains(type)) {
        typed = JSON.convertValue(o, GenericKubernetesResource.class);
      } else {
        throw new IllegalStateException("overlay " + overlay + " has a " + type + ", which the test does not know");
      }
      objects.add(typed);
    }
    for (HasMetadata o : objects) {
      String ns = o.getMetadata().getNamespace();
      String owner = o.getKind() + "/" + o.getMetadata().getName();
      if (o instanceof Deployment d) {
        pods.add(new Pod(ns, owner, d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getTemplate().getSpec()));
      } else if (o instanceof StatefulSet s) {
        pods.add(new Pod(ns, owner, s.getSpec().getTemplate().getMetadata().getLabels(), s.getSpec().getTemplate().getSpec()));
      } else if (o instanceof DaemonSet d) {
        pods.add(new Pod(ns, owner, d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getTemplate().getSpec()));
      } else if (o instanceof GenericKubernetesResource r) {
        operatorPod(r).ifPresent(pods::add);
      }
    }
  }

  static Manifests render(Path repo, String overlay) {
    return new Manifests(overlay, Kustomize.render(repo.resolve("k8s/overlays").resolve(overlay)));
  }

  /**
   * The pods Strimzi and CloudNativePG make, with the labels they document: a node pool's pods carry
   * {@code strimzi.io/cluster}, {@code strimzi.io/pool-name} and the pool's pod-template labels; a Cluster's
   * instances carry {@code cnpg.io/cluster} and the Cluster's {@code inheritedMetadata} labels.
   */
  private static Optional<Pod> operatorPod(GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    Map<String, String> labels = new TreeMap<>();
    switch (r.getKind()) {
      case "KafkaNodePool" -> {
        String cluster = r.getMetadata().getLabels().get("strimzi.io/cluster");
        labels.put("strimzi.io/cluster", cluster);
        labels.put("strimzi.io/kind", "Kafka");
        labels.put("strimzi.io/name", cluster + "-kafka");
        labels.put("strimzi.io/pool-name", r.getMetadata().getName());
        Map<String, String> template = r.get("spec", "template", "pod", "metadata", "labels");
        if (template != null) labels.putAll(template);
      }
      case "Cluster" -> {
        labels.put("cnpg.io/cluster", r.getMetadata().getName());
        Map<String, String> inherited = r.get("spec", "inheritedMetadata", "labels");
        if (inherited != null) labels.putAll(inherited);
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(new Pod(ns, r.getKind() + "/" + r.getMetadata().getName(), labels, null));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<GenericKubernetesResource> custom(String kind) {
    return all(GenericKubernetesResource.class).stream().filter(r -> kind.equals(r.getKind())).toList();
  }

  /**
   * The keys of a Secret an operator makes at run time, so it is in no manifest: Strimzi's user operator makes one
   * per KafkaUser (named after it), its cluster operator {@code <cluster>-cluster-ca-cert} per Kafka.
   */
  Optional<Set<String>> operatorSecretKeys(String namespace, String name) {
    boolean user = custom("KafkaUser").stream().anyMatch(u -> name.equals(u.getMetadata().getName())
        && java.util.Objects.equals(namespace, u.getMetadata().getNamespace()));
    if (user) return Optional.of(Set.of("password", "sasl.jaas.config"));
    boolean ca = custom("Kafka").stream().anyMatch(k -> name.equals(k.getMetadata().getName() + "-cluster-ca-cert")
        && java.util.Objects.equals(namespace, k.getMetadata().getNamespace()));
    return ca ? Optional.of(Set.of("ca.crt", "ca.p12", "ca.password")) : Optional.empty();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())
        && java.util.Objects.equals(namespace, o.getMetadata().getNamespace())).findFirst();
  }

  Optional<Deployment> deployment(String name) {
    return all(Deployment.class).stream().filter(d -> name.equals(d.getMetadata().getName())).findFirst();
  }

  /** The pods in {@code namespace} a selector picks (an empty selector picks them all). */
  List<Pod> podsMatching(String namespace, LabelSelector selector) {
    return pods.stream().filter(p -> java.util.Objects.equals(namespace, p.namespace()))
        .filter(p -> matches(selector, p.labels())).toList();
  }

  List<Pod> podsMatching(String namespace, Map<String, String> selector) {
    return podsMatching(namespace, new LabelSelector(List.of(), selector));
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector == null) return true;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) return false;
      }
    }
    for (LabelSelectorRequirement r : selector.getMatchExpressions() == null
        ? List.<LabelSelectorRequirement>of() : selector.getMatchExpressions()) {
      String v = l.get(r.getKey());
      boolean ok = switch (r.getOperator()) {
        case "In" -> v != null && r.getValues().contains(v);
        case "NotIn" -> v == null || !r.getValues().contains(v);
        case "Exists" -> v != null;
        case "DoesNotExist" -> v == null;
        default -> throw new IllegalStateException("unknown selector operator " + r.getOperator());
      };
      if (!ok) return false;
    }
    return true;
  }

  /**
   * What a container's environment says, as the process would see it: ConfigMaps and Secrets from envFrom first,
   * then env entries (literal values, ConfigMap and Secret keys; a fieldRef reads as {@code fieldRef:<path>}).
   * A reference that does not resolve is left out (another check reports it).
   */
  Map<String, String> environment(Pod pod, Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : c.getEnvFrom()) {
      if (from.getConfigMapRef() != null) {
        find(ConfigMap.class, pod.namespace(), from.getConfigMapRef().getName())
            .ifPresent(cm -> env.putAll(cm.getData()));
      }
      if (from.getSecretRef() != null) {
        find(Secret.class, pod.namespace(), from.getSecretRef().getName())
            .ifPresent(s -> s.getData().forEach((k, v) -> env.put(k, decode(v))));
      }
    }
    for (EnvVar e : c.getEnv()) {
      if (e.getValueFrom() == null) {
        env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
      } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = e.getValueFrom().getConfigMapKeyRef();
        find(ConfigMap.class, pod.namespace(), ref.getName()).map(cm -> cm.getData().get(ref.getKey()))
            .ifPresent(v -> env.put(e.getName(), v));
      } else if (e.getValueFrom().getSecretKeyRef() != null) {
        var ref = e.getValueFrom().getSecretKeyRef();
        find(Secret.class, pod.namespace(), ref.getName()).map(s -> s.getData().get(ref.getKey()))
            .ifPresent(v -> env.put(e.getName(), decode(v)));
      } else if (e.getValueFrom().getFieldRef() != null) {
        env.put(e.getName(), "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath());
      }
    }
    return env;
  }

  static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** {@code registry.example.com/strato/gateway:0.1.0 -> gateway}; images outside strato/ are not modules. */
  static Optional<String> moduleOf(String image) {
    String name = image.replaceFirst("@.*$", "");
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) name = name.substring(0, colon);
    String[] parts = name.split("/");
    if (parts.length < 2 || !"strato".equals(parts[parts.length - 2])) return Optional.empty();
    return Optional.of(parts[parts.length - 1]);
  }

  /** Walks a typed object; every fabric8 object whose additionalProperties is not empty had a field it ignored. */
  private static void collectUnknownFields(Object o, String path, List<String> out) {
    if (o == null || o instanceof GenericKubernetesResource) return;
    if (o instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) collectUnknownFields(l.get(i), path + "[" + i + "]", out);
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collectUnknownFields(v, path + "." + k, out));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      if ("additionalProperties".equals(field)) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) out.add(path + ": " + extra.keySet());
      } else {
        collectUnknownFields(value, path + "." + field, out);
      }
    }
  }
}
