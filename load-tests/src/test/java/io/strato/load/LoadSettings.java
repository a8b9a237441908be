package io.strato.load;

/**
 * What a simulation points at and how hard it pushes, from system properties ({@code -Dload.*}), so that the bench
 * command, the smoke test and {@code mvn gatling:test -Dload.compute.url=...} can aim any simulation at any cloud.
 *
 * <pre>
 * load.identity.url      http://127.0.0.1:5000        Keystone v3
 * load.compute.url       http://127.0.0.1:8774        Nova v2.1 (without /v2.1)
 * load.image.url         http://127.0.0.1:9292        Glance v2
 * load.network.url       http://127.0.0.1:9696        Neutron v2.0 (the run's port quota is lifted there)
 * load.kafka.bootstrap   127.0.0.1:9092               Kafka (BatchSimulation)
 * load.admin.user / load.admin.password / load.admin.project   admin / (required) / admin
 *                        the admin creates a fresh project and user for the run and lifts its quotas
 * load.servers           20                           servers to boot
 * load.users             5                            virtual users (each logs in once; servers are split among them)
 * load.networks          none                         none (no ports, fastest) or auto (a port on the shared network)
 * load.image             cirros                       image name; when absent a small raw image is uploaded
 * load.flavor            m1.tiny                      flavor name
 * load.poll.ms           200                          pause between two polls of a server not ACTIVE yet
 * load.active.timeout.s  120                          a server not ACTIVE by then fails the run
 * load.accept.p99.ms     50                           assertion: p99 of POST /servers
 * load.active.p99.ms     2000                         assertion: p99 from POST (or publish) to ACTIVE
 * load.read.p99.ms       200                          assertion: p99 of list/detail/show (MixedReadSimulation)
 * load.readers           4                            reader users (MixedReadSimulation)
 * load.batch.size        100                          entries per batch (BatchSimulation)
 * load.result.file       (none)                       where a simulation writes its figures for the bench line
 * load.warmup.servers    0                            servers booted and deleted before the run, outside its figures
 * load.watch.ms          500                          how often the watcher lists the servers that became ACTIVE
 * load.rate              200                          boots per second (BootOpenSimulation)
 * load.duration.s        60                           how long boots arrive (BootOpenSimulation)
 * load.stop.early        false                        stop once 1 % of boots are sure to miss load.active.p99.ms
 * load.cleanup           true                         delete the servers after an open-model run
 * </pre>
 */
public final class LoadSettings {
  private LoadSettings() {}

  public static String identityUrl() {
    return trim(get("load.identity.url", "http://127.0.0.1:5000"));
  }

  public static String computeUrl() {
    return trim(get("load.compute.url", "http://127.0.0.1:8774"));
  }

  public static String networkUrl() {
    return trim(get("load.network.url", "http://127.0.0.1:9696"));
  }

  public static String imageUrl() {
    return trim(get("load.image.url", "http://127.0.0.1:9292"));
  }

  public static String kafkaBootstrap() {
    return get("load.kafka.bootstrap", "127.0.0.1:9092");
  }

  public static String adminUser() {
    return get("load.admin.user", "admin");
  }

  public static String adminPassword() {
    String p = get("load.admin.password", "");
    if (p.isBlank()) {
      throw new IllegalStateException("set -Dload.admin.password (the all-in-one keeps it in .strato/secrets.properties)");
    }
    return p;
  }

  public static String adminProject() {
    return get("load.admin.project", "admin");
  }

  public static int servers() {
    return integer("load.servers", 20);
  }

  public static int users() {
    return Math.max(1, Math.min(integer("load.users", 5), servers()));
  }

  /** The compute microversion the creates ask for: {@code networks} "none" and "auto" exist from 2.37. */
  public static final String COMPUTE_VERSION = "compute 2.37";

  public static String networks() {
    String n = get("load.networks", "none");
    if (!n.equals("none") && !n.equals("auto")) throw new IllegalArgumentException("load.networks: none or auto");
    return n;
  }

  public static String image() {
    return get("load.image", "cirros");
  }

  public static String flavor() {
    return get("load.flavor", "m1.tiny");
  }

  public static int pollMs() {
    return integer("load.poll.ms", 200);
  }

  public static int activeTimeoutSeconds() {
    return integer("load.active.timeout.s", 120);
  }

  public static int acceptP99Ms() {
    return integer("load.accept.p99.ms", 50);
  }

  public static int activeP99Ms() {
    return integer("load.active.p99.ms", 2000);
  }

  public static int readP99Ms() {
    return integer("load.read.p99.ms", 200);
  }

  public static int readers() {
    return integer("load.readers", 4);
  }

  public static int batchSize() {
    return integer("load.batch.size", 100);
  }

  public static String resultFile() {
    return get("load.result.file", "");
  }

  static String get(String key, String fallback) {
    String v = System.getProperty(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  static int integer(String key, int fallback) {
    return Integer.parseInt(get(key, String.valueOf(fallback)));
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
