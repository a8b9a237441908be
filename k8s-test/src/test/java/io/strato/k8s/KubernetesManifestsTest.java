package io.strato.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strato.common.config.Settings;
import io.strato.common.kafka.Topics;
import io.strato.k8s.Manifests.Pod;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders k8s/overlays/{dev,production} (kustomize semantics, {@link Kustomize}), loads every object into the
 * fabric8 Kubernetes model, and checks what an operator would otherwise find out from a broken rollout: Services
 * that select nothing, ports and probes that miss the service, references to ConfigMap or Secret keys that do not
 * exist, images that are not modules of this build, environment variables no service reads, and network policies
 * that let the wrong pods talk.
 */
class KubernetesManifestsTest {
  static final Path REPO = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
  static final Map<String, String> DEFAULTS = Settings.defaults();
  /** The environment variables the services read: STRATO_ + every declared key. */
  static final Set<String> STRATO_VARIABLES = DEFAULTS.keySet().stream().map(Settings::envName)
      .collect(Collectors.toCollection(TreeSet::new));
  /** Variables a Strato container may have besides the STRATO_ ones. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
  /** Each service module and the key of the port it serves (its API, or health and metrics). */
  static final Map<String, String> PORT_KEYS = Map.of("identity", "identity.port", "gateway", "compute.port",
      "image", "image.port", "network", "network.port", "volume", "volume.port", "conductor", "conductor.port",
      "scheduler", "scheduler.port", "compute-agent", "agent.port");
  /** The OpenStack APIs: reachable from outside, and the ones the compute agents call. */
  static final Set<String> APIS = Set.of("identity", "gateway", "image", "network", "volume");
  /** PostgreSQL's owners: every service with a schema. Agents and the scheduler are not among them. */
  static final Set<String> DB_OWNERS = Set.of("identity", "gateway", "image", "network", "volume", "conductor");
  /** Images that are not Strato's, allowed in the dev overlay only (production gets them from the operators). */
  static final Set<String> DEV_INFRA_IMAGES = Set.of("apache/kafka", "postgres");

  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  static Manifests overlay(String name) {
    return RENDERED.computeIfAbsent(name, n -> Manifests.render(REPO, n));
  }

  // --- every overlay ---

  @ParameterizedTest(name = "{0}: every object loads into the typed Kubernetes model, with no unknown field")
  @ValueSource(strings = {"dev", "production"})
  void everyObjectLoadsIntoTheTypedModel(String name) {
    Manifests m = overlay(name);
    assertThat(m.objects).as("objects rendered").isNotEmpty();
    assertThat(m.unknownFields).as("fields the Kubernetes API would reject or ignore").isEmpty();
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (HasMetadata o : m.objects) {
      String id = o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
      if (!seen.add(id)) problems.add(id + " is defined twice");
      if (!"Namespace".equals(o.getKind()) && o.getMetadata().getNamespace() == null) problems.add(id + " has no namespace");
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: every service module runs, from an image of this build")
  @ValueSource(strings = {"dev", "production"})
  void everyImageIsAModuleOfThisBuild(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    Set<String> deployed = new TreeSet<>();
    for (Pod pod : m.pods) {
      if (pod.spec() == null) continue;
      for (Container c : allContainers(pod)) {
        Optional<String> module = Manifests.moduleOf(c.getImage());
        if (module.isPresent()) {
          deployed.add(module.get());
          if (!Files.isRegularFile(REPO.resolve(module.get()).resolve("pom.xml"))) {
            problems.add(pod + " runs image " + c.getImage() + ", but there is no module " + module.get());
          }
        } else if (!"dev".equals(name) || !DEV_INFRA_IMAGES.contains(c.getImage().replaceFirst(":[^/]*$", ""))) {
          problems.add(pod + " runs " + c.getImage() + ", which is neither a Strato module nor allowed infrastructure");
        } else if ("strato".equals(pod.labels().get("app.kubernetes.io/part-of"))) {
          problems.add(pod + " is labelled part of strato but runs " + c.getImage());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(deployed).as("modules deployed").isEqualTo(PORT_KEYS.keySet().stream().collect(Collectors.toCollection(TreeSet::new)));
  }

  @ParameterizedTest(name = "{0}: every Service selects pods that exist and reaches a port they listen on")
  @ValueSource(strings = {"dev", "production"})
  void everyServiceSelectsPodsThatExist(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Service s : m.all(Service.class)) {
      String id = "Service " + s.getMetadata().getName();
      Map<String, String> selector = s.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        problems.add(id + " has no selector");
        continue;
      }
      List<Pod> pods = m.podsMatching(s.getMetadata().getNamespace(), selector);
      if (pods.isEmpty()) problems.add(id + " selects no pod (" + selector + ")");
      for (ServicePort port : s.getSpec().getPorts()) {
        IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
        for (Pod pod : pods) {
          if (pod.spec() != null && resolvePort(pod, target).isEmpty()) {
            problems.add(id + " port " + port.getPort() + " targets " + show(target) + ", which " + pod + " does not listen on");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: containers, probes and Services use the ports the services are configured with")
  @ValueSource(strings = {"dev", "production"})
  void portsAreTheConfiguredPorts(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      Optional<String> module = pod.module();
      if (module.isEmpty()) continue;
      Container c = mainContainer(pod);
      String key = PORT_KEYS.get(module.get());
      int configured = Integer.parseInt(m.environment(pod, c).getOrDefault(Settings.envName(key), DEFAULTS.get(key)));
      if (c.getPorts().stream().noneMatch(p -> p.getContainerPort() == configured)) {
        problems.add(pod + " does not expose " + key + "=" + configured);
      }
      for (Probe probe : probes(c)) {
        if (probe.getHttpGet() == null) continue;
        Optional<Integer> port = resolvePort(pod, probe.getHttpGet().getPort());
        if (!port.equals(Optional.of(configured))) {
          problems.add(pod + " probes " + probe.getHttpGet().getPath() + " on " + show(probe.getHttpGet().getPort())
              + ", not on " + key + "=" + configured);
        }
      }
      for (Service s : m.all(Service.class)) {
        if (!Objects.equals(s.getMetadata().getNamespace(), pod.namespace())
            || !Manifests.matches(new io.fabric8.kubernetes.api.model.LabelSelector(List.of(), s.getSpec().getSelector()), pod.labels())) {
          continue;
        }
        for (ServicePort sp : s.getSpec().getPorts()) {
          IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort() : new IntOrString(sp.getPort());
          if (!resolvePort(pod, target).equals(Optional.of(configured))) {
            problems.add("Service " + s.getMetadata().getName() + " forwards to " + show(target) + ", not " + key);
          }
          // OpenStack's standard ports: clients and the catalog (http://<public.host>:<port>) expect them.
          if (sp.getPort() != Integer.parseInt(DEFAULTS.get(key)) || sp.getPort() != configured) {
            problems.add("Service " + s.getMetadata().getName() + " listens on " + sp.getPort() + ", but " + key
                + " is " + configured + " (standard: " + DEFAULTS.get(key) + ")");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: readiness probes hit /readyz and liveness probes /healthz")
  @ValueSource(strings = {"dev", "production"})
  void probesHitTheHealthEndpoints(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.spec() == null) continue;
      for (Container c : pod.spec().getContainers()) {
        String id = pod + " container " + c.getName();
        if (c.getReadinessProbe() == null || c.getLivenessProbe() == null) {
          problems.add(id + " lacks a readiness or liveness probe");
          continue;
        }
        if (pod.module().isEmpty()) continue;
        if (!httpPath(c.getReadinessProbe()).equals("/readyz")) problems.add(id + " readiness probe is not GET /readyz");
        if (!httpPath(c.getLivenessProbe()).equals("/healthz")) problems.add(id + " liveness probe is not GET /healthz");
        if (c.getStartupProbe() != null && !httpPath(c.getStartupProbe()).equals("/healthz")) {
          problems.add(id + " startup probe is not GET /healthz");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: every ConfigMap and Secret key a pod references exists")
  @ValueSource(strings = {"dev", "production"})
  void everyReferencedKeyExists(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.spec() == null) continue;
      for (Container c : allContainers(pod)) {
        String id = pod + " container " + c.getName();
        for (EnvFromSource from : c.getEnvFrom()) {
          if (from.getConfigMapRef() != null) configMapKeys(m, pod, from.getConfigMapRef().getName(), id, problems);
          if (from.getSecretRef() != null) secretKeys(m, pod, from.getSecretRef().getName(), id, problems);
        }
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() == null) continue;
          var cmRef = e.getValueFrom().getConfigMapKeyRef();
          if (cmRef != null && !configMapKeys(m, pod, cmRef.getName(), id, problems).contains(cmRef.getKey())) {
            problems.add(id + " reads " + e.getName() + " from ConfigMap " + cmRef.getName() + " key " + cmRef.getKey() + ", which it lacks");
          }
          var sRef = e.getValueFrom().getSecretKeyRef();
          if (sRef != null && !secretKeys(m, pod, sRef.getName(), id, problems).contains(sRef.getKey())) {
            problems.add(id + " reads " + e.getName() + " from Secret " + sRef.getName() + " key " + sRef.getKey() + ", which it lacks");
          }
        }
      }
      for (Volume v : pod.spec().getVolumes()) {
        if (v.getConfigMap() != null) configMapKeys(m, pod, v.getConfigMap().getName(), pod + " volume " + v.getName(), problems);
        if (v.getSecret() != null) secretKeys(m, pod, v.getSecret().getSecretName(), pod + " volume " + v.getName(), problems);
        if (v.getPersistentVolumeClaim() != null && m.find(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
            pod.namespace(), v.getPersistentVolumeClaim().getClaimName()).isEmpty()) {
          problems.add(pod + " mounts PersistentVolumeClaim " + v.getPersistentVolumeClaim().getClaimName() + ", which does not exist");
        }
      }
    }
    for (GenericKubernetesResource cluster : m.custom("Cluster")) {
      String secret = cluster.get("spec", "bootstrap", "initdb", "secret", "name");
      Set<String> keys = m.find(Secret.class, cluster.getMetadata().getNamespace(), secret)
          .map(s -> s.getData().keySet()).orElse(Set.of());
      if (!keys.containsAll(Set.of("username", "password"))) {
        problems.add("Cluster " + cluster.getMetadata().getName() + " bootstraps from Secret " + secret + " with keys " + keys
            + ", not username and password");
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: every STRATO_* variable is one the services read")
  @ValueSource(strings = {"dev", "production"})
  void everyStratoVariableIsOneTheServicesRead(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.spec() == null) continue;
      for (Container c : allContainers(pod)) {
        boolean strato = Manifests.moduleOf(c.getImage()).isPresent();
        for (String var : m.environment(pod, c).keySet()) {
          boolean known = STRATO_VARIABLES.contains(var) || strato && JVM_VARIABLES.contains(var);
          if ((strato || var.startsWith("STRATO_")) && !known) {
            problems.add(pod + " container " + c.getName() + " sets " + var + ", which no service reads");
          }
        }
      }
    }
    for (ConfigMap cm : m.all(ConfigMap.class)) {
      for (String key : cm.getData().keySet()) {
        if (cm.getMetadata().getName().startsWith("strato-config") && !STRATO_VARIABLES.contains(key)) {
          problems.add("ConfigMap " + cm.getMetadata().getName() + " has " + key + ", which no service reads");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: Strato containers run as a non-root user")
  @ValueSource(strings = {"dev", "production"})
  void stratoContainersRunAsNonRoot(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.module().isEmpty()) continue;
      var podContext = pod.spec().getSecurityContext();
      for (Container c : pod.spec().getContainers()) {
        var sc = c.getSecurityContext();
        boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
            : podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot());
        Long uid = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : podContext == null ? null : podContext.getRunAsUser();
        if (!nonRoot || uid == null || uid == 0) problems.add(pod + " container " + c.getName() + " may run as root");
        if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
          problems.add(pod + " container " + c.getName() + " allows privilege escalation");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: every container has CPU and memory requests and limits")
  @ValueSource(strings = {"dev", "production"})
  void everyContainerHasRequestsAndLimits(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.spec() == null) continue;
      for (Container c : allContainers(pod)) {
        var r = c.getResources();
        for (String resource : List.of("cpu", "memory")) {
          Quantity request = r == null || r.getRequests() == null ? null : r.getRequests().get(resource);
          Quantity limit = r == null || r.getLimits() == null ? null : r.getLimits().get(resource);
          if (request == null || limit == null) {
            problems.add(pod + " container " + c.getName() + " lacks a " + resource + " request or limit");
          } else if (request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
            problems.add(pod + " container " + c.getName() + " requests more " + resource + " than its limit");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: every Deployment has a PodDisruptionBudget, and the gateway an autoscaler")
  @ValueSource(strings = {"dev", "production"})
  void disruptionBudgetsAndAutoscaler(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Deployment d : m.all(Deployment.class)) {
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      boolean covered = m.all(PodDisruptionBudget.class).stream()
          .anyMatch(p -> Objects.equals(p.getMetadata().getNamespace(), d.getMetadata().getNamespace())
              && Manifests.matches(p.getSpec().getSelector(), labels));
      if (!covered) problems.add("Deployment " + d.getMetadata().getName() + " has no PodDisruptionBudget");
    }
    for (PodDisruptionBudget p : m.all(PodDisruptionBudget.class)) {
      if (m.podsMatching(p.getMetadata().getNamespace(), p.getSpec().getSelector()).isEmpty()) {
        problems.add("PodDisruptionBudget " + p.getMetadata().getName() + " selects no pod");
      }
    }
    assertThat(problems).isEmpty();
    List<HorizontalPodAutoscaler> hpas = m.all(HorizontalPodAutoscaler.class);
    assertThat(hpas).extracting(h -> h.getSpec().getScaleTargetRef().getName()).containsExactly("gateway");
    HorizontalPodAutoscaler hpa = hpas.get(0);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(m.deployment("gateway")).isPresent();
    assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
  }

  @ParameterizedTest(name = "{0}: the compute agent runs on hypervisor nodes, with libvirt's socket and the node's name")
  @ValueSource(strings = {"dev", "production"})
  void computeAgentRunsOnHypervisors(String name) {
    Manifests m = overlay(name);
    DaemonSet agent = m.all(DaemonSet.class).stream().filter(d -> "compute-agent".equals(d.getMetadata().getName()))
        .findFirst().orElseThrow(() -> new AssertionError("no DaemonSet compute-agent"));
    var spec = agent.getSpec().getTemplate().getSpec();
    assertThat(spec.getNodeSelector()).containsEntry("strato.io/hypervisor", "true");
    Pod pod = m.pods.stream().filter(p -> p.owner().equals("DaemonSet/compute-agent")).findFirst().orElseThrow();
    Container c = mainContainer(pod);
    assertThat(hostPathMountedAt(pod, c, "/var/run/libvirt")).as("host's /var/run/libvirt mounted at /var/run/libvirt").contains("/var/run/libvirt");
    EnvVar host = c.getEnv().stream().filter(e -> e.getName().equals("STRATO_AGENT_HOST")).findFirst()
        .orElseThrow(() -> new AssertionError("STRATO_AGENT_HOST is not set"));
    assertThat(host.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    // Domain XML names files in agent.state.dir for qemu on the host: the same path on both sides.
    String stateDir = m.environment(pod, c).getOrDefault(Settings.envName("agent.state.dir"), DEFAULTS.get("agent.state.dir"));
    assertThat(hostPathMountedAt(pod, c, stateDir)).as("agent.state.dir on the host at the same path").contains(stateDir);
    // Compute agents never hold database credentials (DESIGN.md): state goes through the conductor.
    assertThat(m.environment(pod, c)).doesNotContainKey(Settings.envName("pg.password"));
  }

  @ParameterizedTest(name = "{0}: schedulers share one consumer group, keep host state on a local volume and get Chronicle's JVM flags")
  @ValueSource(strings = {"dev", "production"})
  void schedulerReplicas(String name) throws IOException {
    Manifests m = overlay(name);
    Deployment scheduler = m.deployment("scheduler").orElseThrow(() -> new AssertionError("no Deployment scheduler"));
    assertThat(scheduler.getSpec().getReplicas()).isGreaterThanOrEqualTo("production".equals(name) ? 2 : 1);
    Pod pod = m.pods.stream().filter(p -> p.owner().equals("Deployment/scheduler")).findFirst().orElseThrow();
    Container c = mainContainer(pod);
    Map<String, String> env = m.environment(pod, c);
    String group = env.getOrDefault(Settings.envName("scheduler.consumer.group"), DEFAULTS.get("scheduler.consumer.group"));
    assertThat(group).as("one consumer group for every replica, not one per pod").isNotBlank().doesNotStartWith("fieldRef:");
    for (String key : List.of("scheduler.map.file", "scheduler.ledger.file")) {
      String file = env.getOrDefault(Settings.envName(key), DEFAULTS.get(key));
      assertThat(file).as(key).startsWith("/");
      VolumeMount mount = c.getVolumeMounts().stream().filter(v -> file.startsWith(v.getMountPath() + "/"))
          .max(Comparator.comparingInt(v -> v.getMountPath().length()))
          .orElseThrow(() -> new AssertionError(key + "=" + file + " is on no volume"));
      Volume volume = volume(pod, mount.getName());
      assertThat(volume.getEmptyDir() != null || volume.getHostPath() != null).as(key + " on an emptyDir or hostPath").isTrue();
    }
    String pom = Files.readString(REPO.resolve("pom.xml"));
    Matcher flags = Pattern.compile("<strato.jvm.opens>([^<]+)</strato.jvm.opens>").matcher(pom);
    assertThat(flags.find()).as("the parent pom declares strato.jvm.opens").isTrue();
    List<String> given = Arrays.asList(env.getOrDefault("JAVA_TOOL_OPTIONS", "").trim().split("\\s+"));
    assertThat(given).as("JAVA_TOOL_OPTIONS of the scheduler").containsAll(Arrays.asList(flags.group(1).trim().split("\\s+")));
  }

  @ParameterizedTest(name = "{0}: the services' Kafka and PostgreSQL addresses lead to Kafka and PostgreSQL")
  @ValueSource(strings = {"dev", "production"})
  void kafkaAndPostgresAddressesResolve(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (Pod pod : m.pods) {
      if (pod.module().isEmpty()) continue;
      Map<String, String> env = m.environment(pod, mainContainer(pod));
      for (String server : env.getOrDefault("STRATO_KAFKA_BOOTSTRAP", DEFAULTS.get("kafka.bootstrap")).split(",")) {
        String[] hp = server.trim().split(":");
        if (!leadsTo(m, pod.namespace(), hp[0], Integer.parseInt(hp[1]), "kafka")) {
          problems.add(pod + " kafka.bootstrap " + server + " leads to no Kafka broker");
        }
      }
      URI pg = URI.create(env.getOrDefault("STRATO_PG_URI", DEFAULTS.get("pg.uri")));
      int port = pg.getPort() < 0 ? 5432 : pg.getPort();
      if (!leadsTo(m, pod.namespace(), pg.getHost(), port, "postgres")) {
        problems.add(pod + " pg.uri " + pg + " leads to no PostgreSQL");
      }
      if (pod.module().filter(DB_OWNERS::contains).isPresent()) {
        // The password comes from a basic-auth Secret: its username must be the one in pg.uri.
        Optional<String> secret = mainContainer(pod).getEnv().stream().filter(e -> e.getName().equals(Settings.envName("pg.password"))
            && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst();
        String user = secret.flatMap(n -> m.find(Secret.class, pod.namespace(), n))
            .map(s -> s.getData().get("username")).map(Manifests::decode).orElse(null);
        if (!Objects.equals(pg.getUserInfo(), user)) {
          problems.add(pod + " connects as " + pg.getUserInfo() + ", but the user beside its password (" + secret.orElse("no Secret") + ") is " + user);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  // --- network policies ---

  @ParameterizedTest(name = "{0}: every NetworkPolicy selects pods that exist, and so does every peer")
  @ValueSource(strings = {"dev", "production"})
  void networkPoliciesSelectPodsThatExist(String name) {
    Manifests m = overlay(name);
    List<String> problems = new ArrayList<>();
    for (NetworkPolicy np : m.all(NetworkPolicy.class)) {
      String ns = np.getMetadata().getNamespace();
      String id = "NetworkPolicy " + np.getMetadata().getName();
      List<Pod> selected = m.podsMatching(ns, np.getSpec().getPodSelector());
      if (selected.isEmpty()) problems.add(id + " selects no pod");
      List<NetworkPolicyPeer> peers = new ArrayList<>();
      np.getSpec().getIngress().forEach(r -> {
        peers.addAll(r.getFrom());
        portsListenedOn(selected, r.getPorts(), id, problems);
      });
      np.getSpec().getEgress().forEach(r -> peers.addAll(r.getTo()));
      for (NetworkPolicyPeer peer : peers) {
        if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null && m.podsMatching(ns, peer.getPodSelector()).isEmpty()) {
          problems.add(id + " names peers " + peer.getPodSelector().getMatchLabels() + " that match no pod");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0}: only the five OpenStack APIs are reachable from outside")
  @ValueSource(strings = {"dev", "production"})
  void onlyTheApisAreReachableFromOutside(String name) {
    Manifests m = overlay(name);
    assertThat(m.all(NetworkPolicy.class)).as("a default-deny ingress policy for every pod")
        .anyMatch(np -> isEmpty(np.getSpec().getPodSelector().getMatchLabels())
            && isEmpty(np.getSpec().getPodSelector().getMatchExpressions())
            && np.getSpec().getPolicyTypes().contains("Ingress") && np.getSpec().getIngress().isEmpty());
    Map<String, Set<Integer>> openPorts = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (NetworkPolicy np : m.all(NetworkPolicy.class)) {
      for (var rule : np.getSpec().getIngress()) {
        boolean fromAnywhere = rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(p -> p.getIpBlock() != null);
        if (!fromAnywhere) continue;
        for (Pod pod : m.podsMatching(np.getMetadata().getNamespace(), np.getSpec().getPodSelector())) {
          String module = pod.module().orElse(pod.owner());
          if (!APIS.contains(module)) problems.add("NetworkPolicy " + np.getMetadata().getName() + " opens " + pod + " to everyone");
          rule.getPorts().forEach(p -> openPorts.computeIfAbsent(module, k -> new TreeSet<>()).add(p.getPort().getIntVal()));
          if (rule.getPorts().isEmpty()) problems.add("NetworkPolicy " + np.getMetadata().getName() + " opens every port of " + pod);
        }
      }
    }
    assertThat(problems).isEmpty();
    for (String api : APIS) {
      assertThat(openPorts.getOrDefault(api, Set.of())).as(api + " reachable on its port")
          .containsExactly(Integer.parseInt(DEFAULTS.get(PORT_KEYS.get(api))));
    }
  }

  @ParameterizedTest(name = "{0}: compute agents reach only Kafka, the APIs they call and DNS")
  @ValueSource(strings = {"dev", "production"})
  void computeAgentsReachOnlyKafkaAndTheApis(String name) {
    Manifests m = overlay(name);
    Pod agent = m.pods.stream().filter(p -> p.owner().equals("DaemonSet/compute-agent")).findFirst().orElseThrow();
    List<NetworkPolicy> egress = m.all(NetworkPolicy.class).stream()
        .filter(np -> np.getSpec().getPolicyTypes().contains("Egress") && Manifests.matches(np.getSpec().getPodSelector(), agent.labels()))
        .toList();
    assertThat(egress).as("an egress policy for the compute agents").isNotEmpty();
    List<String> problems = new ArrayList<>();
    Set<String> reached = new TreeSet<>();
    for (NetworkPolicy np : egress) {
      for (var rule : np.getSpec().getEgress()) {
        if (rule.getTo().isEmpty()) problems.add("NetworkPolicy " + np.getMetadata().getName() + " lets agents send anywhere");
        for (NetworkPolicyPeer peer : rule.getTo()) {
          if (peer.getIpBlock() != null) problems.add("NetworkPolicy " + np.getMetadata().getName() + " lets agents reach " + peer.getIpBlock().getCidr());
          if (peer.getNamespaceSelector() != null) {
            boolean dns = peer.getPodSelector() != null && "kube-dns".equals(peer.getPodSelector().getMatchLabels().get("k8s-app"))
                && rule.getPorts().stream().allMatch(p -> p.getPort().getIntVal() == 53);
            if (!dns) problems.add("NetworkPolicy " + np.getMetadata().getName() + " lets agents reach another namespace beyond DNS");
            continue;
          }
          for (Pod pod : m.podsMatching(agent.namespace(), peer.getPodSelector())) {
            String what = isKafka(pod) ? "kafka" : pod.module().orElse(pod.owner());
            if (!what.equals("kafka") && !APIS.contains(what)) problems.add("agents may reach " + pod);
            reached.add(what);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    Set<String> expected = new TreeSet<>(APIS);
    expected.add("kafka");
    assertThat(reached).as("what the agents may reach").isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: only the services that own a schema reach PostgreSQL")
  @ValueSource(strings = {"dev", "production"})
  void onlyOwnersReachPostgres(String name) {
    Manifests m = overlay(name);
    List<Pod> postgres = m.pods.stream().filter(KubernetesManifestsTest::isPostgres).toList();
    assertThat(postgres).as("PostgreSQL pods").isNotEmpty();
    List<String> problems = new ArrayList<>();
    Set<String> admitted = new TreeSet<>();
    for (NetworkPolicy np : m.all(NetworkPolicy.class)) {
      String ns = np.getMetadata().getNamespace();
      if (m.podsMatching(ns, np.getSpec().getPodSelector()).stream().noneMatch(KubernetesManifestsTest::isPostgres)) continue;
      for (var rule : np.getSpec().getIngress()) {
        if (rule.getFrom().isEmpty()) problems.add("NetworkPolicy " + np.getMetadata().getName() + " opens PostgreSQL to everyone");
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          if (peer.getIpBlock() != null) problems.add("NetworkPolicy " + np.getMetadata().getName() + " opens PostgreSQL to " + peer.getIpBlock().getCidr());
          if (peer.getNamespaceSelector() != null) {
            // Only another namespace (the operator's): a selector that could match ours would admit any pod here.
            Map<String, String> nsLabels = peer.getNamespaceSelector().getMatchLabels();
            if (nsLabels == null || Objects.equals(nsLabels.get("kubernetes.io/metadata.name"), ns)) {
              problems.add("NetworkPolicy " + np.getMetadata().getName() + " opens PostgreSQL to whole namespaces");
            }
            continue;
          }
          for (Pod pod : m.podsMatching(ns, peer.getPodSelector())) {
            if (isPostgres(pod)) continue;
            String module = pod.module().orElse(pod.owner());
            if (!DB_OWNERS.contains(module)) problems.add("NetworkPolicy " + np.getMetadata().getName() + " lets " + pod + " reach PostgreSQL");
            admitted.add(module);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(admitted).as("services that reach PostgreSQL").isEqualTo(new TreeSet<>(DB_OWNERS));
  }

  // --- production: Strimzi and CloudNativePG ---

  static Stream<Topics.TopicSpec> topics() {
    return Topics.ALL.stream();
  }

  @ParameterizedTest(name = "production has a KafkaTopic for {0} with its configured partitions, 3 replicas, min.insync.replicas 2")
  @MethodSource("topics")
  void productionKafkaTopic(Topics.TopicSpec topic) {
    Manifests m = overlay("production");
    GenericKubernetesResource kt = m.custom("KafkaTopic").stream()
        .filter(t -> topic.name().equals(Optional.ofNullable((String) t.get("spec", "topicName")).orElse(t.getMetadata().getName())))
        .findFirst().orElseThrow(() -> new AssertionError("no KafkaTopic for " + topic.name()));
    String configured = configValue(m, topic.partitionsSetting());
    assertThat(String.valueOf((Object) kt.get("spec", "partitions"))).as("partitions = " + topic.partitionsSetting())
        .isEqualTo(configured);
    assertThat(String.valueOf((Object) kt.get("spec", "replicas"))).as("replicas").isEqualTo("3")
        .isEqualTo(configValue(m, "kafka.replication.factor"));
    assertThat(String.valueOf((Object) kt.get("spec", "config", "min.insync.replicas"))).isEqualTo("2");
    assertThat(String.valueOf((Object) kt.get("spec", "config", "cleanup.policy"))).as("cleanup.policy")
        .isEqualTo(!topic.compacted() ? "delete" : topic.retentionSetting() == null ? "compact" : "compact,delete");
    if (topic.retentionSetting() != null) {
      assertThat(String.valueOf((Object) kt.get("spec", "config", "retention.ms"))).as("retention.ms")
          .isEqualTo(configValue(m, topic.retentionSetting()));
    }
    String cluster = kt.getMetadata().getLabels().get("strimzi.io/cluster");
    assertThat(m.custom("Kafka")).extracting(k -> k.getMetadata().getName()).contains(cluster);
  }

  @ParameterizedTest(name = "production: every KafkaTopic is one of Topics.ALL")
  @ValueSource(strings = "production")
  void productionHasNoStrayTopics(String name) {
    Set<String> known = Topics.ALL.stream().map(Topics.TopicSpec::name).collect(Collectors.toSet());
    assertThat(overlay(name).custom("KafkaTopic")).extracting(t -> (String) t.get("spec", "topicName")).allMatch(known::contains);
  }

  @ParameterizedTest(name = "production: Kafka through Strimzi with 3 brokers, replication 3 and min.insync.replicas 2")
  @ValueSource(strings = "production")
  void productionKafkaCluster(String name) {
    Manifests m = overlay(name);
    assertThat(m.custom("Kafka")).hasSize(1);
    GenericKubernetesResource kafka = m.custom("Kafka").get(0);
    Map<String, Object> config = kafka.get("spec", "kafka", "config");
    assertThat(String.valueOf(config.get("default.replication.factor"))).isEqualTo("3");
    assertThat(String.valueOf(config.get("min.insync.replicas"))).isEqualTo("2");
    assertThat(String.valueOf(config.get("auto.create.topics.enable"))).as("topics are never auto-created").isEqualTo("false");
    int brokers = 0;
    for (GenericKubernetesResource pool : m.custom("KafkaNodePool")) {
      assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
      List<String> roles = pool.get("spec", "roles");
      if (roles.contains("broker")) brokers += ((Number) pool.get("spec", "replicas")).intValue();
    }
    assertThat(brokers).as("brokers").isGreaterThanOrEqualTo(3);
  }

  @ParameterizedTest(name = "production: PostgreSQL through CloudNativePG, a Cluster of 3 instances owned by the services' user")
  @ValueSource(strings = "production")
  void productionPostgresCluster(String name) {
    Manifests m = overlay(name);
    assertThat(m.custom("Cluster")).hasSize(1);
    GenericKubernetesResource cluster = m.custom("Cluster").get(0);
    assertThat(((Number) cluster.get("spec", "instances")).intValue()).isEqualTo(3);
    URI pg = URI.create(configValue(m, "pg.uri"));
    assertThat((String) cluster.get("spec", "bootstrap", "initdb", "owner")).isEqualTo(pg.getUserInfo());
    assertThat("/" + cluster.get("spec", "bootstrap", "initdb", "database")).isEqualTo(pg.getPath());
  }

  // --- images ---

  static Stream<String> modules() {
    return PORT_KEYS.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}/Dockerfile builds a non-root eclipse-temurin:17-jdk image from the module's jar and lib/")
  @MethodSource("modules")
  void dockerfile(String module) throws IOException {
    Path file = REPO.resolve(module).resolve("Dockerfile");
    assertThat(file).exists();
    List<String> lines = Files.readAllLines(file).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    String pom = Files.readString(REPO.resolve(module).resolve("pom.xml"));
    String artifact = firstGroup(pom.substring(pom.indexOf("</parent>")), "<artifactId>([^<]+)</artifactId>");
    String version = firstGroup(Files.readString(REPO.resolve("pom.xml")), "<version>([^<]+)</version>");
    String jar = artifact + "-" + version + ".jar";
    assertThat(lines).as("FROM").anyMatch(l -> l.equals("FROM eclipse-temurin:17-jdk"));
    assertThat(lines).as("copies lib/").anyMatch(l -> l.matches("COPY target/lib/? /app/lib/?"));
    String copyJar = lines.stream().filter(l -> l.startsWith("COPY target/" + jar + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(file + " does not copy target/" + jar));
    String inImage = copyJar.split("\\s+")[2];
    assertThat(lines).as("runs the copied jar").anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("\"" + inImage + "\""));
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(file + " has no USER"));
    assertThat(user.substring(5).split(":")[0]).as("USER").isNotIn("root", "0");
    assertThat(lines).as("EXPOSE " + PORT_KEYS.get(module)).contains("EXPOSE " + DEFAULTS.get(PORT_KEYS.get(module)));
  }

  // --- the renderer itself ---

  @ParameterizedTest(name = "{0}: the test's kustomize renders what kubectl kustomize renders")
  @ValueSource(strings = {"dev", "production"})
  void rendersLikeKubectl(String name) throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed; the comparison is skipped");
    Process p = new ProcessBuilder("kubectl", "kustomize", REPO.resolve("k8s/overlays").resolve(name).toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeTrue(p.exitValue() == 0, "kubectl kustomize failed; is it a kubectl without kustomize?");
    List<Map<String, Object>> expected = new ArrayList<>();
    for (Object doc : Kustomize.yaml().loadAll(out)) expected.add(castMap(doc));
    // Both renderings side by side in target/, for a diff when they disagree.
    Path target = Path.of(System.getProperty("basedir", ".")).resolve("target");
    Files.createDirectories(target);
    var dump = new org.yaml.snakeyaml.Yaml();
    Files.writeString(target.resolve("kustomize-" + name + "-kubectl.yaml"), dump.dumpAll(byId(expected).values().stream().map(KubernetesManifestsTest::sorted).iterator()));
    Files.writeString(target.resolve("kustomize-" + name + "-test.yaml"), dump.dumpAll(byId(overlay(name).raw).values().stream().map(KubernetesManifestsTest::sorted).iterator()));
    assertThat(byId(overlay(name).raw)).isEqualTo(byId(expected));
  }

  // --- helpers ---

  private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> objects) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Map<String, Object> o : objects) {
      Map<String, Object> meta = castMap(o.get("metadata"));
      out.put(o.get("kind") + " " + meta.get("namespace") + "/" + meta.get("name"), o);
    }
    return out;
  }

  /** A copy with every map's keys in order, so that two dumps diff line by line. */
  private static Object sorted(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (o instanceof List<?> l) return l.stream().map(KubernetesManifestsTest::sorted).toList();
    return o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static String configValue(Manifests m, String key) {
    ConfigMap cm = m.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().startsWith("strato-config"))
        .findFirst().orElseThrow();
    return cm.getData().getOrDefault(Settings.envName(key), DEFAULTS.get(key));
  }

  private static boolean isKafka(Pod pod) {
    return "kafka".equals(pod.labels().get("strato.io/role"));
  }

  private static boolean isPostgres(Pod pod) {
    return "postgres".equals(pod.labels().get("strato.io/role")) || pod.labels().containsKey("cnpg.io/cluster");
  }

  /** Whether {@code host:port} is a Service that sends to pods of {@code role}, or the operator's Service for them. */
  @SuppressWarnings("unchecked")
  private static boolean leadsTo(Manifests m, String namespace, String host, int port, String role) {
    Optional<Service> service = m.find(Service.class, namespace, host);
    if (service.isPresent()) {
      return service.get().getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port)
          && m.podsMatching(namespace, service.get().getSpec().getSelector()).stream()
              .anyMatch(p -> role.equals(p.labels().get("strato.io/role")));
    }
    if ("kafka".equals(role)) {
      // Strimzi: <cluster>-kafka-bootstrap, on the port of one of the Kafka resource's listeners.
      return m.custom("Kafka").stream().anyMatch(k -> host.equals(k.getMetadata().getName() + "-kafka-bootstrap")
          && ((List<Map<String, Object>>) k.get("spec", "kafka", "listeners")).stream()
              .anyMatch(l -> ((Number) l.get("port")).intValue() == port));
    }
    // CloudNativePG: <cluster>-rw on 5432.
    return port == 5432 && m.custom("Cluster").stream().anyMatch(c -> host.equals(c.getMetadata().getName() + "-rw"));
  }

  private static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>(pod.spec().getInitContainers());
    all.addAll(pod.spec().getContainers());
    return all;
  }

  /** The container running the module (the one whose image is the pod's module). */
  private static Container mainContainer(Pod pod) {
    return pod.spec().getContainers().stream().filter(c -> Manifests.moduleOf(c.getImage()).isPresent()).findFirst().orElseThrow();
  }

  private static List<Probe> probes(Container c) {
    return Stream.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe()).filter(Objects::nonNull).toList();
  }

  private static String httpPath(Probe probe) {
    return probe.getHttpGet() == null ? "(not an HTTP GET)" : probe.getHttpGet().getPath();
  }

  /** A port by number or by name, among the pod's containers' ports. */
  private static Optional<Integer> resolvePort(Pod pod, IntOrString port) {
    for (Container c : pod.spec().getContainers()) {
      for (ContainerPort p : c.getPorts()) {
        if (port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName())) {
          return Optional.of(p.getContainerPort());
        }
      }
    }
    return Optional.empty();
  }

  private static String show(IntOrString port) {
    return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : "'" + port.getStrVal() + "'";
  }

  /** Every port a rule opens is one at least one of the selected pods listens on (operator-made pods aside). */
  private static void portsListenedOn(List<Pod> pods, List<NetworkPolicyPort> ports, String id, List<String> problems) {
    List<Pod> known = pods.stream().filter(p -> p.spec() != null).toList();
    if (known.isEmpty()) return;
    for (NetworkPolicyPort port : ports) {
      if (known.stream().allMatch(pod -> resolvePort(pod, port.getPort()).isEmpty())) {
        problems.add(id + " opens " + show(port.getPort()) + ", on which none of " + known + " listens");
      }
    }
  }

  private static boolean isEmpty(java.util.Collection<?> c) {
    return c == null || c.isEmpty();
  }

  private static boolean isEmpty(Map<?, ?> m) {
    return m == null || m.isEmpty();
  }

  private static Volume volume(Pod pod, String name) {
    return pod.spec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(pod + " mounts a volume " + name + " it does not have"));
  }

  /** The host path mounted at {@code mountPath} in {@code c}, if that mount is a hostPath volume. */
  private static Optional<String> hostPathMountedAt(Pod pod, Container c, String mountPath) {
    return c.getVolumeMounts().stream().filter(v -> v.getMountPath().equals(mountPath)).findFirst()
        .map(v -> volume(pod, v.getName())).filter(v -> v.getHostPath() != null).map(v -> v.getHostPath().getPath());
  }

  private static Set<String> configMapKeys(Manifests m, Pod pod, String name, String id, List<String> problems) {
    Optional<ConfigMap> cm = m.find(ConfigMap.class, pod.namespace(), name);
    if (cm.isEmpty()) problems.add(id + " references ConfigMap " + name + ", which does not exist");
    return cm.map(c -> c.getData().keySet()).orElse(Set.of());
  }

  private static Set<String> secretKeys(Manifests m, Pod pod, String name, String id, List<String> problems) {
    Optional<Secret> s = m.find(Secret.class, pod.namespace(), name);
    if (s.isPresent()) return s.get().getData().keySet();
    Optional<Set<String>> made = m.operatorSecretKeys(pod.namespace(), name);
    if (made.isEmpty()) problems.add(id + " references Secret " + name + ", which does not exist");
    return made.orElse(Set.of());
  }

  private static String firstGroup(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    if (!matcher.find()) throw new AssertionError("no " + regex);
    return matcher.group(1);
  }
}
