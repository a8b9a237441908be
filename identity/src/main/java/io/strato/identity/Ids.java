package io.strato.identity;

import java.util.UUID;

/** Keystone ids: 32 lower-case hex digits. */
final class Ids {
  private Ids() {}

  static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
