package io.strato.image;

import io.strato.common.config.Settings;
import java.nio.file.Path;

/** The image service's typed configuration (keys documented in strato-defaults.properties). */
public record ImageConfig(String bindHost, int port, String publicHost, long maxBodyBytes, Path storeDir,
    long maxImageBytes, Settings settings) {

  public static ImageConfig from(Settings s) {
    return new ImageConfig(s.get("bind.host"), s.getInt("image.port"), s.get("public.host"),
        s.getLong("http.max.body.bytes"), Path.of(s.get("image.store.dir")).toAbsolutePath(),
        s.getLong("image.max.bytes"), s);
  }

  public String baseUrl() {
    return "http://" + publicHost + ":" + port;
  }
}
