package io.strato.common.kafka;

import io.strato.common.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The client security every Strato producer, consumer and admin client uses, from the {@code kafka.security.*},
 * {@code kafka.sasl.*} and {@code kafka.ssl.*} settings: TLS to the brokers and SASL (SCRAM in production) as the
 * service's own Kafka user, so that broker ACLs can hold each service to its topics.
 *
 * <p>Invalid combinations fail when a client is configured (at start-up), not at the first send. The password goes
 * into {@code sasl.jaas.config}, which Kafka treats as a password: its config dumps print it as {@code [hidden]}.
 */
final class KafkaSecurity {
  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Map<String, String> LOGIN_MODULES = Map.of(
      "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
      "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
      "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

  private KafkaSecurity() {}

  /** The client properties for the configured protocol; none beyond {@code security.protocol} for PLAINTEXT. */
  static Map<String, String> clientProperties(Settings settings) {
    String protocol = settings.get("kafka.security.protocol");
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("kafka.security.protocol must be one of " + PROTOCOLS + ", not '"
          + protocol + "'");
    }
    Map<String, String> p = new HashMap<>();
    p.put("security.protocol", protocol);
    if (protocol.startsWith("SASL_")) p.putAll(sasl(settings));
    if (protocol.endsWith("SSL")) p.putAll(tls(settings));
    return p;
  }

  private static Map<String, String> sasl(Settings settings) {
    String mechanism = settings.get("kafka.sasl.mechanism");
    String module = LOGIN_MODULES.get(mechanism);
    if (module == null) {
      throw new IllegalArgumentException("kafka.sasl.mechanism must be one of " + LOGIN_MODULES.keySet() + ", not '"
          + mechanism + "'");
    }
    String user = settings.get("kafka.sasl.username");
    String password = settings.get("kafka.sasl.password");
    if (user.isEmpty() || password.isEmpty()) {
      throw new IllegalArgumentException("kafka.security.protocol " + settings.get("kafka.security.protocol")
          + " needs kafka.sasl.username and kafka.sasl.password");
    }
    return Map.of("sasl.mechanism", mechanism, "sasl.jaas.config",
        module + " required username=" + quoted(user) + " password=" + quoted(password) + ";");
  }

  private static Map<String, String> tls(Settings settings) {
    Map<String, String> p = new HashMap<>();
    String location = settings.get("kafka.ssl.truststore.location");
    if (location.isEmpty()) return p;
    p.put("ssl.truststore.location", location);
    p.put("ssl.truststore.type", settings.get("kafka.ssl.truststore.type"));
    String password = settings.get("kafka.ssl.truststore.password");
    if (!password.isEmpty()) p.put("ssl.truststore.password", password);
    return p;
  }

  /** A JAAS option value: quoted, with the quote and backslash escaped. */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
