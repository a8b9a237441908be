package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.common.lifecycle.VmState;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * {@code os-getConsoleOutput}: asks the agent of the instance's host for the tail of its serial console log,
 * passing the caller's token along (the agent checks it too). Where an agent is reached comes from
 * {@code compute.agent.url.template}.
 */
public final class ConsoleOutput {
  private final WebClient client;
  private final String urlTemplate;

  public ConsoleOutput(Vertx vertx, String urlTemplate) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3000));
    this.urlTemplate = urlTemplate;
  }

  public Future<String> of(Instance i, Integer length, String token) {
    if (i.host() == null || i.vmState() == VmState.BUILDING) {
      return Future.failedFuture(ApiException.conflict("Instance " + i.id() + " is not ready"));
    }
    String url = urlTemplate.replace("{host}", i.host()) + "/v1/instances/" + i.id() + "/console"
        + (length == null ? "" : "?length=" + length);
    return RequestContext.propagate(client.getAbs(url)).putHeader("X-Auth-Token", token).timeout(10_000).send()
        .recover(e -> Future.failedFuture(new ApiException(503, "The console of instance " + i.id()
            + " is unavailable: its host's agent does not answer.")))
        .map(resp -> {
          if (resp.statusCode() != 200) {
            throw new ApiException(503, "The console of instance " + i.id() + " is unavailable (agent answered "
                + resp.statusCode() + ").");
          }
          return resp.bodyAsJsonObject().getString("output", "");
        });
  }
}
