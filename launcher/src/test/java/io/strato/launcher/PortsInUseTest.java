package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PortsInUseTest {

  @Test
  @DisplayName("./strato run with the compute port taken says which port, which setting, and what to do")
  void portInUseIsOneClearLine() throws Exception {
    Path dir = Files.createTempDirectory("strato-ports");
    Map<String, String> ports = new HashMap<>();
    for (String key : List.of("identity.port", "compute.port", "image.port", "network.port", "volume.port",
        "scheduler.port", "conductor.port", "agent.port", "aio.pg.port", "aio.kafka.port")) {
      ports.put(key, String.valueOf(Ports.free()));
    }
    ports.put("aio.data.dir", dir.resolve("data").toString());
    ports.put("aio.clouds.dir", dir.toString());
    Settings settings = Settings.load().with(ports);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", settings.getInt("compute.port")));
      AllInOne cloud = new AllInOne();
      assertThatThrownBy(() -> cloud.start(settings, Map.of())).isInstanceOf(StartupProblem.class)
          .hasMessage("port " + settings.get("compute.port") + " (compute.port, or STRATO_COMPUTE_PORT) is in use by "
              + "another program: stop it (is Strato running already? ./strato status) or set the setting to a free "
              + "port")
          .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
      cloud.close();
    }
    assertThat(dir.resolve("data")).as("nothing started, nothing written").doesNotExist();
  }
}
