package io.strato.volume;

import io.strato.common.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** The volume service's typed configuration (keys documented in strato-defaults.properties). */
public record VolumeConfig(String bindHost, int port, String publicHost, long maxBodyBytes, Path storeDir,
    String format, String availabilityZone, String imageUrl, Duration stuckAfter, QuotaDefaults quotas,
    Settings settings) {

  /** Formats {@code volume.format} accepts: {@code auto} is qcow2 when {@code qemu-img} is on the PATH, else raw. */
  public static final Set<String> FORMATS = Set.of("raw", "qcow2", "auto");

  /** Default limits of every project, overridable per project through os-quota-sets. -1 is unlimited. */
  public record QuotaDefaults(int volumes, int snapshots, int gigabytes) {}

  public VolumeConfig {
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("configuration volume.format must be one of " + FORMATS + ", not '" + format
          + "'");
    }
  }

  public static VolumeConfig from(Settings s) {
    String image = s.get("image.url").isBlank()
        ? "http://" + s.get("public.host") + ":" + s.get("image.port") : s.get("image.url");
    return new VolumeConfig(s.get("bind.host"), s.getInt("volume.port"), s.get("public.host"),
        s.getLong("http.max.body.bytes"), Path.of(s.get("volume.store.dir")).toAbsolutePath(),
        s.get("volume.format").toLowerCase(Locale.ROOT), s.get("volume.availability.zone"), image,
        Duration.ofSeconds(s.getLong("volume.stuck.after.seconds")),
        new QuotaDefaults(s.getInt("quota.volumes"), s.getInt("quota.snapshots"), s.getInt("quota.gigabytes")), s);
  }

  public String baseUrl() {
    return "http://" + publicHost + ":" + port;
  }
}
