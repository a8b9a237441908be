package io.strato.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP proxy in front of a service that loses answers on the way back: the first {@code n} requests
 * "METHOD path" reach the service and are handled there, and their answers are never sent (the caller's timeout is
 * all it sees, as when a network drops a reply). Every other request is forwarded and answered as usual. A test
 * uses it to see that a caller retrying a call that did take effect does not do it twice.
 */
public final class LossyProxy implements AutoCloseable {
  private static final List<String> HOP_BY_HOP =
      List.of("Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection");
  private final HttpServer server;
  private final HttpClient client;
  private final String lose;
  private final AtomicInteger toLose;
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();

  private LossyProxy(Vertx vertx, int listenPort, int targetPort, String method, String path, int n) {
    this.lose = method + " " + path;
    this.toLose = new AtomicInteger(n);
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(targetPort));
    this.server = vertx.createHttpServer().requestHandler(this::forward);
    TestIdentity.await(server.listen(listenPort, "127.0.0.1"));
  }

  /** Listens on {@code listenPort}, forwards to 127.0.0.1:{@code targetPort}, loses the first {@code n} answers. */
  public static LossyProxy start(Vertx vertx, int listenPort, int targetPort, String method, String path, int n) {
    return new LossyProxy(vertx, listenPort, targetPort, method, path, n);
  }

  /** How many answers were lost so far. */
  public int lost() {
    return lost.get();
  }

  /** How many requests reached the proxy so far (a test with nothing to lose counts a caller's calls). */
  public int received() {
    return received.get();
  }

  private void forward(HttpServerRequest req) {
    received.incrementAndGet();
    boolean loseIt = lose.equals(req.method() + " " + req.path()) && toLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    req.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().setAll(req.headers());
    HOP_BY_HOP.forEach(headers::remove);
    client.request(new RequestOptions().setMethod(req.method()).setURI(req.uri()).setHeaders(headers))
        .compose(out -> {
          req.resume();
          return req.body().compose(out::send);
        })
        .compose(in -> in.body().map(body -> {
          if (loseIt) {
            lost.incrementAndGet(); // handled by the service; the caller never hears of it
            return null;
          }
          req.response().setStatusCode(in.statusCode()).headers().setAll(in.headers());
          HOP_BY_HOP.forEach(req.response().headers()::remove);
          req.response().end(body);
          return null;
        }))
        .onFailure(e -> {
          if (!req.response().ended()) req.response().setStatusCode(502).end();
        });
  }

  @Override
  public void close() {
    TestIdentity.await(server.close());
    TestIdentity.await(client.close());
  }
}
