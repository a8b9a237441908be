package io.strato.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports for tests that need a service on a known port. A port is never handed out twice in one JVM: the
 * system may offer a just-released port again, and two Vert.x servers on one port in one process would silently
 * share it (round robin), so requests meant for one service would reach another.
 */
public final class Ports {
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private Ports() {}

  public static int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0)) {
        int port = s.getLocalPort();
        if (GIVEN.add(port)) return port;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port not handed out already");
  }
}
