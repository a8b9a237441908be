package io.strato.common.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** What a service waits for before {@code /readyz} answers 200: named checks, each true once satisfied. */
public final class Readiness {
  private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

  public Readiness require(String name, BooleanSupplier check) {
    checks.put(name, check);
    return this;
  }

  public List<String> waitingFor() {
    return checks.entrySet().stream().filter(e -> !e.getValue().getAsBoolean()).map(Map.Entry::getKey).sorted()
        .toList();
  }

  public boolean ready() {
    return waitingFor().isEmpty();
  }
}
