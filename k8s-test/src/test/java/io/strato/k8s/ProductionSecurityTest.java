package io.strato.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.strato.common.config.Settings;
import io.strato.common.kafka.Topics;
import io.strato.k8s.Manifests.Pod;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The production overlay's least privilege: every service reaches Kafka over TLS as its own SCRAM user, whose ACLs
 * allow exactly what that service does with Strato's topics, and PostgreSQL as a role that owns its schema only.
 */
class ProductionSecurityTest {
  private static final String ASSIGNMENTS = Topics.ASSIGNMENTS;
  /** What each Kafka client does with Strato's topics ("operation topic"; a trailing * is a prefix). */
  static final Map<String, Set<String>> KAFKA_NEEDS = Map.of(
      "gateway", Set.of("Write " + Topics.BOOT_REQUESTS, "Write " + Topics.INSTANCE_EVENTS, "Write " + ASSIGNMENTS,
          "Read " + Topics.BOOT_BATCHES, "Write " + Topics.DEAD_LETTERS, "Write " + Topics.SERVICE_STATE,
          "Write " + Topics.CANCELLATIONS),
      "scheduler", Set.of("Read " + Topics.BOOT_REQUESTS, "Read " + Topics.HOST_STATE, "Read " + Topics.SERVICE_STATE,
          "Read " + Topics.CANCELLATIONS, "Read " + Topics.INSTANCE_UPDATES, "Write " + Topics.INSTANCE_UPDATES, "Write " + ASSIGNMENTS),
      // The conductor's outbox sends abort-build orders to the host of a build it ended.
      "conductor", Set.of("Read " + Topics.INSTANCE_UPDATES, "Read " + Topics.HOST_STATE,
          "Write " + Topics.INSTANCE_EVENTS, "Write " + ASSIGNMENTS, "Write " + Topics.DEAD_LETTERS),
      "compute-agent", Set.of("Write " + Topics.HOST_STATE, "Write " + Topics.INSTANCE_UPDATES,
          "Write " + Topics.BOOT_REQUESTS, "Read " + ASSIGNMENTS));
  /** The schema each database client owns (the compute API and the conductor share nova, as in Nova). */
  static final Map<String, String> SCHEMAS = Map.of("identity", "keystone", "gateway", "nova", "conductor", "nova",
      "image", "glance", "network", "neutron", "volume", "cinder");

  private final Manifests m = KubernetesManifestsTest.overlay("production");

  @Test
  @DisplayName("production: every Kafka client logs in over TLS with SCRAM-SHA-512 as a KafkaUser of its own")
  void kafkaClientsUseTheirOwnScramUser() {
    GenericKubernetesResource kafka = m.custom("Kafka").get(0);
    assertThat((String) kafka.get("spec", "kafka", "authorization", "type")).as("Kafka authorization")
        .isEqualTo("simple");
    List<String> problems = new ArrayList<>();
    Map<String, String> userOf = new HashMap<>();
    for (Pod pod : m.pods) {
      Optional<String> module = pod.module();
      if (module.isEmpty() || !KAFKA_NEEDS.containsKey(module.get())) continue;
      Container c = main(pod);
      Map<String, String> env = m.environment(pod, c);
      int port = Integer.parseInt(env.get(Settings.envName("kafka.bootstrap")).split(":")[1]);
      Map<String, Object> listener = listeners(kafka).stream()
          .filter(l -> ((Number) l.get("port")).intValue() == port).findFirst().orElseThrow();
      if (!Boolean.TRUE.equals(listener.get("tls"))) problems.add(pod + " reaches Kafka on a listener without TLS");
      Object auth = listener.get("authentication") instanceof Map<?, ?> a ? a.get("type") : null;
      if (!"scram-sha-512".equals(auth)) problems.add(pod + " reaches Kafka on a listener authenticating " + auth);
      if (!"SASL_SSL".equals(env.get(Settings.envName("kafka.security.protocol")))) {
        problems.add(pod + " uses kafka.security.protocol " + env.get(Settings.envName("kafka.security.protocol")));
      }
      if (!"SCRAM-SHA-512".equals(env.get(Settings.envName("kafka.sasl.mechanism")))) {
        problems.add(pod + " uses kafka.sasl.mechanism " + env.get(Settings.envName("kafka.sasl.mechanism")));
      }
      String user = env.get(Settings.envName("kafka.sasl.username"));
      Optional<GenericKubernetesResource> kafkaUser = m.custom("KafkaUser").stream()
          .filter(u -> u.getMetadata().getName().equals(user)).findFirst();
      if (kafkaUser.isEmpty() || !"scram-sha-512".equals(kafkaUser.get().get("spec", "authentication", "type"))) {
        problems.add(pod + " logs in as " + user + ", which is no SCRAM-SHA-512 KafkaUser");
      }
      String previous = userOf.put(user, module.get());
      if (previous != null && !previous.equals(module.get())) {
        problems.add(module.get() + " and " + previous + " share the Kafka user " + user);
      }
      Optional<EnvVar> password = c.getEnv().stream()
          .filter(e -> e.getName().equals(Settings.envName("kafka.sasl.password"))).findFirst();
      if (password.map(e -> e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null
          || !e.getValueFrom().getSecretKeyRef().getName().equals(user)
          || !e.getValueFrom().getSecretKeyRef().getKey().equals("password")).orElse(true)) {
        problems.add(pod + " does not read kafka.sasl.password from the Secret of KafkaUser " + user);
      }
      String truststore = env.get(Settings.envName("kafka.ssl.truststore.location"));
      if (!mountsCaCertificate(pod, c, truststore, kafka.getMetadata().getName() + "-cluster-ca-cert")) {
        problems.add(pod + " has no cluster CA certificate at kafka.ssl.truststore.location " + truststore);
      }
    }
    assertThat(problems).isEmpty();
    assertThat(new TreeSet<>(userOf.values())).as("Kafka clients").isEqualTo(new TreeSet<>(KAFKA_NEEDS.keySet()));
  }

  @Test
  @DisplayName("production: each service's Kafka ACLs allow what it does with Strato's topics and nothing more (an "
      + "agent writes only host reports, instance updates and reschedules)")
  void kafkaAclsAreLeastPrivilege() {
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      Optional<String> module = pod.module();
      if (module.isEmpty() || !KAFKA_NEEDS.containsKey(module.get())) continue;
      String user = m.environment(pod, main(pod)).get(Settings.envName("kafka.sasl.username"));
      GenericKubernetesResource kafkaUser = m.custom("KafkaUser").stream()
          .filter(u -> u.getMetadata().getName().equals(user)).findFirst().orElseThrow();
      Set<String> allowed = new TreeSet<>();
      List<Map<String, Object>> acls = kafkaUser.get("spec", "authorization", "acls");
      for (Map<String, Object> acl : acls) {
        @SuppressWarnings("unchecked")
        Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
        String name = String.valueOf(resource.get("name"));
        boolean prefix = "prefix".equals(resource.get("patternType"));
        @SuppressWarnings("unchecked")
        List<String> operations = (List<String>) acl.get("operations");
        if (name.equals("*") || operations.contains("All")) problems.add(user + " has a wildcard ACL: " + acl);
        if (!"topic".equals(resource.get("type"))) {
          if (!"group".equals(resource.get("type")) || !operations.equals(List.of("Read"))) {
            problems.add(user + " may " + operations + " on " + resource);
          }
          continue;
        }
        for (String op : operations) {
          if (op.equals("Describe") && prefix && name.equals("strato.")) continue;
          allowed.add(op + " " + (prefix ? name.replaceFirst("\\.$", "") + ".*" : name));
        }
      }
      if (!allowed.equals(new TreeSet<>(KAFKA_NEEDS.get(module.get())))) {
        problems.add(module.get() + " (" + user + ") may " + allowed + " but needs exactly "
            + new TreeSet<>(KAFKA_NEEDS.get(module.get())));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("production: each service connects to PostgreSQL as a role that owns its schema and nothing else")
  void postgresRolesOwnOnlyTheirSchema() {
    GenericKubernetesResource cluster = m.custom("Cluster").get(0);
    List<String> sql = cluster.get("spec", "bootstrap", "initdb", "postInitApplicationSQL");
    List<Map<String, Object>> roles = cluster.get("spec", "managed", "roles");
    List<String> problems = new ArrayList<>();
    String database = cluster.get("spec", "bootstrap", "initdb", "database");
    if (!sql.contains("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC")) {
      problems.add("the database " + database + " is open to PUBLIC");
    }
    for (String statement : sql) {
      if (statement.matches("(?i).*(GRANT ALL|CREATE ON DATABASE|SUPERUSER|CREATEDB|CREATEROLE|BYPASSRLS).*")) {
        problems.add("postInitApplicationSQL grants too much: " + statement);
      }
    }
    Set<String> clients = new TreeSet<>();
    for (Pod pod : m.pods) {
      Optional<String> module = pod.module();
      if (module.isEmpty() || !SCHEMAS.containsKey(module.get())) continue;
      clients.add(module.get());
      String schema = SCHEMAS.get(module.get());
      Container c = main(pod);
      URI uri = URI.create(m.environment(pod, c).get(Settings.envName("pg.uri")));
      if (!schema.equals(uri.getUserInfo())) {
        problems.add(pod + " connects as " + uri.getUserInfo() + ", not " + schema);
      }
      if (!sql.contains("CREATE SCHEMA " + schema + " AUTHORIZATION " + schema)) {
        problems.add("no schema " + schema + " owned by the role " + schema);
      }
      String secret = c.getEnv().stream().filter(e -> e.getName().equals(Settings.envName("pg.password"))
          && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
          .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElse(null);
      Optional<Map<String, Object>> role = roles.stream().filter(r -> schema.equals(r.get("name"))).findFirst();
      if (role.isEmpty() || !Boolean.TRUE.equals(role.get().get("login"))
          || !(role.get().get("passwordSecret") instanceof Map<?, ?> ps) || !ps.get("name").equals(secret)) {
        problems.add("the managed role " + schema + " does not log in with the password " + pod + " reads ("
            + secret + ")");
      }
      role.ifPresent(r -> {
        for (String power : List.of("superuser", "createdb", "createrole", "bypassrls", "replication")) {
          if (Boolean.TRUE.equals(r.get(power))) problems.add("the role " + schema + " has " + power);
        }
      });
    }
    assertThat(problems).isEmpty();
    assertThat(clients).as("database clients").isEqualTo(new TreeSet<>(SCHEMAS.keySet()));
  }

  private static boolean mountsCaCertificate(Pod pod, Container c, String path, String caSecret) {
    if (path == null) return false;
    for (VolumeMount mount : c.getVolumeMounts()) {
      if (!path.startsWith(mount.getMountPath() + "/")) continue;
      String file = path.substring(mount.getMountPath().length() + 1);
      for (Volume v : pod.spec().getVolumes()) {
        if (!v.getName().equals(mount.getName()) || v.getSecret() == null) continue;
        if (!caSecret.equals(v.getSecret().getSecretName())) continue;
        var items = v.getSecret().getItems();
        if (items == null || items.isEmpty()) return file.equals("ca.crt");
        return items.stream().anyMatch(i -> i.getKey().equals("ca.crt") && i.getPath().equals(file));
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listeners(GenericKubernetesResource kafka) {
    return (List<Map<String, Object>>) kafka.get("spec", "kafka", "listeners");
  }

  private static Container main(Pod pod) {
    return pod.spec().getContainers().stream().filter(c -> Manifests.moduleOf(c.getImage()).isPresent()).findFirst()
        .orElseThrow();
  }
}
