package io.strato.common.config;

import io.strato.common.logging.StratoLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Strato's configuration: flat dotted keys with string values, every key declared with its default in
 * {@code strato-defaults.properties}. Loaded once per process; each service turns it into its own typed record.
 *
 * <p>Precedence (last wins): defaults, the file named by {@code STRATO_CONFIG} / {@code -Dstrato.config},
 * environment variables ({@code STRATO_KAFKA_BOOTSTRAP} for {@code kafka.bootstrap}), system properties
 * ({@code -Dstrato.kafka.bootstrap}). Only declared keys can be overridden, so a typo fails loudly.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Defaults, then file, environment and system properties of this process. */
  /** This process's settings; also applies {@code log.format} to its log lines ({@link StratoLayout}). */
  public static Settings load() {
    Settings settings = load(System.getenv(), System.getProperties());
    StratoLayout.use(settings.get("log.format"));
    return settings;
  }

  static Settings load(Map<String, String> env, Properties sys) {
    Map<String, String> values = defaults();
    String file = sys.getProperty("strato.config", env.get("STRATO_CONFIG"));
    if (file != null && !file.isBlank()) {
      merge(values, readFile(Path.of(file)), "file " + file);
    }
    for (String key : values.keySet().toArray(String[]::new)) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) values.put(key, fromEnv);
      String fromSys = sys.getProperty("strato." + key);
      if (fromSys != null) values.put(key, fromSys);
    }
    return new Settings(values);
  }

  /** The declared keys and their defaults. */
  public static Map<String, String> defaults() {
    Properties p = new Properties();
    try (InputStream in = Settings.class.getResourceAsStream("/strato-defaults.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> m = new TreeMap<>();
    p.forEach((k, v) -> m.put(k.toString(), v.toString().trim()));
    return m;
  }

  /** The environment variable that overrides a key: {@code kafka.bootstrap -> STRATO_KAFKA_BOOTSTRAP}. */
  public static String envName(String key) {
    return "STRATO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** A copy with some keys replaced (tests and the all-in-one); unknown keys are refused. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(values);
    merge(m, overrides, "overrides");
    return new Settings(m);
  }

  public Settings with(String key, Object value) {
    return with(Map.of(key, String.valueOf(value)));
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) throw new IllegalArgumentException("unknown configuration key " + key);
    return v;
  }

  public int getInt(String key) {
    String v = get(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration " + key + " must be an integer, not '" + v + "'");
    }
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration " + key + " must be an integer, not '" + v + "'");
    }
  }

  public Map<String, String> asMap() {
    return values;
  }

  private static void merge(Map<String, String> into, Map<String, String> from, String source) {
    for (var e : from.entrySet()) {
      if (!into.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown configuration key '" + e.getKey() + "' in " + source
            + "; known keys: " + into.keySet());
      }
      into.put(e.getKey(), e.getValue().trim());
    }
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration file " + file, e);
    }
    Map<String, String> m = new TreeMap<>();
    p.forEach((k, v) -> m.put(k.toString(), v.toString()));
    return m;
  }
}
