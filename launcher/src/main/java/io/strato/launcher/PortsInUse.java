package io.strato.launcher;

import io.strato.common.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything starts, that every port the all-in-one will listen on is free: a port held by another
 * program (an earlier run, a real Keystone or PostgreSQL) otherwise shows up as a bind stack trace halfway through.
 */
final class PortsInUse {
  private static final List<String> SERVICE_PORTS = List.of("identity.port", "compute.port", "image.port",
      "network.port", "volume.port", "scheduler.port", "conductor.port", "agent.port", "metadata.port");

  private PortsInUse() {}

  /** Throws a {@link StartupProblem} naming every taken port, its setting and how to choose another. */
  static void check(Settings settings, Map<String, String> env) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String key : SERVICE_PORTS) ports.put(key, settings.getInt(key));
    if (!env.containsKey("STRATO_PG_URI")) ports.put("aio.pg.port", settings.getInt("aio.pg.port"));
    if (!env.containsKey("STRATO_KAFKA_BOOTSTRAP")) ports.put("aio.kafka.port", settings.getInt("aio.kafka.port"));
    List<String> taken = new ArrayList<>();
    ports.forEach((key, port) -> {
      if (!free(settings.get("bind.host"), port)) taken.add(port + " (" + key + ", or " + Settings.envName(key) + ")");
    });
    if (!taken.isEmpty()) {
      throw new StartupProblem("port" + (taken.size() > 1 ? "s " : " ") + String.join(", ", taken)
          + (taken.size() > 1 ? " are" : " is") + " in use by another program: stop it (is Strato running already? "
          + "./strato status) or set the setting to a free port");
    }
  }

  private static boolean free(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
