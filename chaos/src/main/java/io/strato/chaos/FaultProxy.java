package io.strato.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP proxy in front of one service (image, network, volume, identity): every other process reaches the
 * service through it, so the harness can make that dependency hang (requests accepted, never answered) or answer
 * 500, and heal it again, without touching the service itself.
 */
final class FaultProxy implements AutoCloseable {
  enum Mode { PASS, HANG, ERROR_500 }

  private static final java.util.List<String> HOP_BY_HOP =
      java.util.List.of("Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection");

  private final String name;
  private final HttpServer server;
  private final HttpClient client;
  private volatile Mode mode = Mode.PASS;

  private FaultProxy(String name, HttpServer server, HttpClient client) {
    this.name = name;
    this.server = server;
    this.client = client;
  }

  /** Listens on {@code listenPort} and forwards to 127.0.0.1:{@code targetPort}. */
  static FaultProxy start(Vertx vertx, String name, int listenPort, int targetPort) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(targetPort).setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(64));
    FaultProxy[] self = new FaultProxy[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].handle(req));
    self[0] = new FaultProxy(name, server, client);
    server.listen(listenPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return self[0];
  }

  String name() {
    return name;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  private void handle(HttpServerRequest req) {
    switch (mode) {
      case HANG -> req.pause(); // accepted, never read, never answered: the caller's timeout is all it has
      case ERROR_500 -> req.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end("{\"computeFault\": {\"code\": 500, \"message\": \"injected by the chaos suite\"}}");
      case PASS -> forward(req);
    }
  }

  private void forward(HttpServerRequest req) {
    req.pause();
    boolean chunkedIn = req.headers().contains("Transfer-Encoding");
    var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().setAll(req.headers());
    HOP_BY_HOP.forEach(headers::remove);
    RequestOptions options = new RequestOptions().setMethod(req.method()).setURI(req.uri()).setHeaders(headers)
        .setIdleTimeout(120_000);
    client.request(options).compose(out -> {
      out.setChunked(chunkedIn);
      req.resume();
      return req.pipeTo(out).compose(v -> out.response());
    }).onSuccess(in -> {
      req.response().setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
      req.response().headers().setAll(in.headers());
      HOP_BY_HOP.forEach(req.response().headers()::remove);
      req.response().setChunked(in.headers().contains("Transfer-Encoding"));
      in.pipeTo(req.response());
    }).onFailure(e -> {
      if (!req.response().ended() && !req.response().headWritten()) {
        req.response().setStatusCode(502).end();
      } else {
        req.connection().close();
      }
    });
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
