package io.strato.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The all-in-one's generated passwords (admin, demo, service user, PostgreSQL), made once on first run and kept in
 * the data folder, so that the next run, its clouds.yaml and its openrc files agree. No password is written in code.
 */
final class Secrets {
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  static final String FILE = "secrets.properties";
  private static final String[] KEYS = {"admin.password", "demo.password", "service.password", "postgres.password",
      "metadata.secret"};
  private final Properties values;

  private Secrets(Properties values) {
    this.values = values;
  }

  /**
   * Reads the data folder's passwords, adding any missing one. The folder is made (or kept) 0700 and the file 0600,
   * written whole and atomically, so no other user of the machine can read them at any moment.
   */
  static Secrets loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    Properties p = new Properties();
    try {
      PrivateFiles.folder(dataDir);
      if (Files.exists(file)) {
        Files.setPosixFilePermissions(file, PrivateFiles.FILE);
        try (Reader r = Files.newBufferedReader(file)) {
          p.load(r);
        }
      }
      boolean changed = false;
      for (String key : KEYS) {
        if (!p.containsKey(key)) {
          p.setProperty(key, random(20));
          changed = true;
        }
      }
      if (changed) {
        StringWriter w = new StringWriter();
        p.store(w, "Strato all-in-one generated passwords");
        PrivateFiles.write(file, w.toString());
      }
      return new Secrets(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String adminPassword() {
    return values.getProperty("admin.password");
  }

  /** The embedded PostgreSQL superuser's password (scram-sha-256). */
  String postgresPassword() {
    return values.getProperty("postgres.password");
  }

  String servicePassword() {
    return values.getProperty("service.password");
  }

  /** The metadata proxies' shared secret ({@code metadata.proxy.shared.secret}). */
  String metadataSecret() {
    return values.getProperty("metadata.secret");
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
