package io.strato.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The all-in-one's generated passwords (admin, demo), made once on first run and kept in the data folder, so that
 * the next run, its clouds.yaml and its openrc files agree. No password is ever written in code.
 */
final class Secrets {
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private final Properties values;

  private Secrets(Properties values) {
    this.values = values;
  }

  static Secrets loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve("secrets.properties");
    Properties p = new Properties();
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        try (Reader r = Files.newBufferedReader(file)) {
          p.load(r);
        }
      }
      boolean changed = false;
      for (String key : new String[] {"admin.password", "demo.password", "service.password"}) {
        if (!p.containsKey(key)) {
          p.setProperty(key, random(20));
          changed = true;
        }
      }
      if (changed) {
        try (Writer w = Files.newBufferedWriter(file)) {
          p.store(w, "Strato all-in-one generated passwords");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
      return new Secrets(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String adminPassword() {
    return values.getProperty("admin.password");
  }

  String servicePassword() {
    return values.getProperty("service.password");
  }

  String demoPassword() {
    return values.getProperty("demo.password");
  }

  private static String random(int length) {
    SecureRandom r = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    return sb.toString();
  }
}
