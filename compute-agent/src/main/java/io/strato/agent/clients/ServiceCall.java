package io.strato.agent.clients;

import io.strato.common.http.ClientPolicy;
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

  /**
   * The failure of a call to {@code service} that will not be attempted again, saying which service did not answer
   * (or answered what): a build that ends on it names the service in its fault.
   */
  static Throwable named(ClientPolicy policy, String service, String what, Throwable e) {
    if (e instanceof ServiceException se) {
      if (se.status < 500 || se.getMessage().startsWith("the ")) return se;
      return new ServiceException("the " + service + " service failed: " + se.getMessage()
          + (policy.attempts() > 1 ? " (after " + policy.attempts() + " attempts)" : ""), se.status);
    }
    if (ClientPolicy.transportFailure(e)) {
      return new ServiceException(policy.describe(service, what, e), 504);
    }
    return e;
  }

  static <T> Future<T> unavailable(String service) {
    return Future.failedFuture(new ServiceException("the " + service + " service is not in the catalog", 503));
  }
}
