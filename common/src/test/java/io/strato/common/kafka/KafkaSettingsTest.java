package io.strato.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  private static final Settings SCRAM_OVER_TLS = Settings.load().with(Map.of(
      "kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "SCRAM-SHA-512",
      "kafka.sasl.username", "strato-gateway", "kafka.sasl.password", "pa\"ss\\word",
      "kafka.ssl.truststore.location", "/etc/strato/kafka-ca/ca.crt", "kafka.ssl.truststore.type", "PEM"));

  @Test
  @DisplayName("SASL/SCRAM over TLS reaches every producer, consumer and admin client as Kafka reads it")
  void securityReachesEveryClient() {
    List<AbstractConfig> configs = List.of(
        new ProducerConfig(objects(KafkaSettings.producer(SCRAM_OVER_TLS, "gateway"))),
        new ConsumerConfig(objects(KafkaSettings.consumer(SCRAM_OVER_TLS, "strato-scheduler"))),
        new AdminClientConfig(objects(KafkaSettings.admin(SCRAM_OVER_TLS))));
    for (AbstractConfig c : configs) {
      assertThat(c.getString("security.protocol")).isEqualTo("SASL_SSL");
      assertThat(c.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
      assertThat(c.getString("ssl.truststore.location")).isEqualTo("/etc/strato/kafka-ca/ca.crt");
      assertThat(c.getString("ssl.truststore.type")).isEqualTo("PEM");
      var login = JaasContext.loadClientContext(c.values()).configurationEntries().get(0);
      assertThat(login.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
      assertThat(login.getOptions().get("username")).isEqualTo("strato-gateway");
      assertThat(login.getOptions().get("password")).isEqualTo("pa\"ss\\word");
      assertThat(c.getPassword("sasl.jaas.config").toString()).as("Kafka's config dump hides it").isEqualTo("[hidden]");
    }
  }

  @Test
  @DisplayName("the defaults stay PLAINTEXT with no SASL or TLS settings (the all-in-one's local broker)")
  void plaintextByDefault() {
    Map<String, String> producer = KafkaSettings.producer(Settings.load().with(Map.of(
        "kafka.security.protocol", "PLAINTEXT")), "gateway");
    assertThat(producer).containsEntry("security.protocol", "PLAINTEXT").doesNotContainKeys("sasl.mechanism",
        "sasl.jaas.config", "ssl.truststore.location");
  }

  @Test
  @DisplayName("SASL without a user, or an unknown protocol or mechanism, fails when the client is configured")
  void invalidSecurityFailsAtStart() {
    Settings base = Settings.load();
    assertThatThrownBy(() -> KafkaSettings.admin(base.with(Map.of("kafka.security.protocol", "SASL_SSL",
        "kafka.sasl.username", "", "kafka.sasl.password", "")))).hasMessageContaining("kafka.sasl.username");
    assertThatThrownBy(() -> KafkaSettings.admin(base.with("kafka.security.protocol", "TLS")))
        .hasMessageContaining("kafka.security.protocol");
    assertThatThrownBy(() -> KafkaSettings.admin(base.with(Map.of("kafka.security.protocol", "SASL_PLAINTEXT",
        "kafka.sasl.mechanism", "GSSAPI", "kafka.sasl.username", "u", "kafka.sasl.password", "p"))))
        .hasMessageContaining("kafka.sasl.mechanism");
  }

  private static Map<String, Object> objects(Map<String, String> props) {
    return new HashMap<>(props);
  }
}
