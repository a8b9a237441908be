package io.strato.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  @ParameterizedTest(name = "{0} is overridden by {1}")
  @CsvSource({"kafka.bootstrap, STRATO_KAFKA_BOOTSTRAP", "pg.uri, STRATO_PG_URI",
      "token.revocation.poll.ms, STRATO_TOKEN_REVOCATION_POLL_MS"})
  void environmentNames(String key, String env) {
    assertThat(Settings.envName(key)).isEqualTo(env);
    assertThat(Settings.load(Map.of(env, "from-env"), new Properties()).get(key)).isEqualTo("from-env");
  }

  @Test
  @DisplayName("defaults, then the file, then the environment, then system properties: the last wins")
  void precedence() throws Exception {
    Path file = Files.createTempFile("strato", ".properties");
    Files.writeString(file, "compute.port=9000\nimage.port=9001\nvolume.port=9002\n");
    Properties sys = new Properties();
    sys.setProperty("strato.config", file.toString());
    sys.setProperty("strato.volume.port", "9004");
    Settings s = Settings.load(Map.of("STRATO_IMAGE_PORT", "9003"), sys);
    assertThat(s.getInt("identity.port")).isEqualTo(5000);
    assertThat(s.getInt("compute.port")).isEqualTo(9000);
    assertThat(s.getInt("image.port")).isEqualTo(9003);
    assertThat(s.getInt("volume.port")).isEqualTo(9004);
  }

  @Test
  @DisplayName("an unknown key in a file or an override fails loudly with the known keys")
  void unknownKeys() throws Exception {
    Path file = Files.createTempFile("strato", ".properties");
    Files.writeString(file, "compute.prot=9000\n");
    Properties sys = new Properties();
    sys.setProperty("strato.config", file.toString());
    assertThatThrownBy(() -> Settings.load(Map.of(), sys)).hasMessageContaining("compute.prot")
        .hasMessageContaining("known keys");
    assertThatThrownBy(() -> Settings.load().with("nope", 1)).hasMessageContaining("nope");
    assertThatThrownBy(() -> Settings.load().with("compute.port", "x").getInt("compute.port"))
        .hasMessageContaining("must be an integer");
  }
}
