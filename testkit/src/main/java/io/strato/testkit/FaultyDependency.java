package io.strato.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server standing in for a service another one depends on, misbehaving on purpose: it accepts every
 * request and either never answers ({@link Mode#HANG}) or answers 500 ({@link Mode#FAIL}). It records the requests
 * it got ("GET /v2/images/..."), so a test can see how often a client tried.
 */
public final class FaultyDependency implements AutoCloseable {
  public enum Mode { HANG, FAIL }

  private final Vertx vertx;
  private volatile HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private volatile Mode mode;

  private FaultyDependency(Vertx vertx, Mode mode, int port) {
    this.vertx = vertx;
    this.mode = mode;
    listen(port);
  }

  private void handle(HttpServerRequest req) {
    requests.add(req.method() + " " + req.path());
    String answer = answers.get(req.method() + " " + req.path());
    if (answer != null) {
      req.response().putHeader("Content-Type", "application/json").end(answer);
    } else if (this.mode == Mode.HANG) {
      held.add(req); // accepted, read, never answered
    } else {
      req.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end("{\"error\": \"injected failure\"}");
    }
  }

  /**
   * Binds {@code port}, trying again for up to 5 s while it is still in use: a service undeployed just before (the
   * one this stand-in replaces) may release its socket a moment after its undeploy completed.
   */
  private void listen(int port) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        // A fresh server each try: a Vert.x 5 server whose listen failed refuses a second listen.
        HttpServer attempt = vertx.createHttpServer().requestHandler(this::handle);
        TestIdentity.await(attempt.listen(port, "127.0.0.1"));
        server = attempt;
        return;
      } catch (AssertionError e) {
        boolean inUse = e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("in use");
        if (!inUse || System.nanoTime() > deadline) throw e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Listens on {@code port} (0: any free port). */
  public static FaultyDependency start(Vertx vertx, Mode mode, int port) {
    return new FaultyDependency(vertx, mode, port);
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Answers {@code GET path} (exactly) with 200 and {@code json}, whatever the mode: the part that still works. */
  public FaultyDependency answer(String method, String path, String json) {
    answers.put(method + " " + path, json);
    return this;
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** The requests received so far, as "METHOD /path". */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests had a path starting with {@code prefix}. */
  public long count(String method, String prefix) {
    return requests.stream().filter(r -> r.startsWith(method + " " + prefix)).count();
  }

  @Override
  public void close() {
    TestIdentity.await(server.close());
  }
}
