package io.strato.agent.clients;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

/** Turns an unexpected HTTP answer from another Strato service into a failure that says who answered what. */
final class ServiceCall {
  private ServiceCall() {}

  static HttpResponse<Buffer> expect(HttpResponse<Buffer> resp, String what, int... ok) {
    for (int code : ok) if (resp.statusCode() == code) return resp;
    String body = resp.bodyAsString();
    throw new ServiceException(what + " failed: HTTP " + resp.statusCode()
        + (body == null ? "" : " " + (body.length() > 300 ? body.substring(0, 300) : body)), resp.statusCode());
  }

  /** A failed call to another service, with its HTTP status. */
  static final class ServiceException extends RuntimeException {
    final int status;

    ServiceException(String message, int status) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  static <T> Future<T> unavailable(String service) {
    return Future.failedFuture(new ServiceException("the " + service + " service is not in the catalog", 503));
  }
}
