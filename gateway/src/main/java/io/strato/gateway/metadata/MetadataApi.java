package io.strato.gateway.metadata;

import io.strato.common.auth.MetadataSignature;
import io.strato.common.http.ApiException;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * Nova's metadata API ({@code metadata.port}, 8775), behind the compute agents' metadata proxies: each request must
 * name its instance in {@code X-Instance-ID}, signed with the shared secret ({@link MetadataSignature}); a request
 * without a valid signature is refused (403), so a guest reaches only the instance its proxy vouched for. Serves the
 * OpenStack tree ({@code /openstack/<version>/meta_data.json}, {@code user_data}, {@code network_data.json}) and the
 * EC2 one ({@code /<version>/meta-data/...}, {@code /<version>/user-data}), as plain HTTP on its own port.
 */
public final class MetadataApi extends VerticleBase {
  private static final String VERSION = "(latest|\\d{4}-\\d{2}-\\d{2})";
  private final Pool pool;
  private final String secret;
  private final String bindHost;
  private final int port;
  private final long maxBodyBytes;

  public MetadataApi(Pool pool, String secret, String bindHost, int port, long maxBodyBytes) {
    this.pool = pool;
    this.secret = secret;
    this.bindHost = bindHost;
    this.port = port;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public Future<?> start() {
    Router router = ServiceRouter.create(vertx, "metadata", FaultFormat.COMPUTE, maxBodyBytes, new Readiness());
    router.getWithRegex("/openstack/?").handler(ctx -> answer(ctx, m -> Buffer.buffer("latest")));
    router.getWithRegex("/openstack/" + VERSION + "/?").handler(ctx -> answer(ctx,
        m -> Buffer.buffer("meta_data.json\nnetwork_data.json" + (m.userData() == null ? "" : "\nuser_data"))));
    router.getWithRegex("/openstack/" + VERSION + "/meta_data.json").handler(ctx -> answer(ctx,
        m -> Buffer.buffer(m.metaData().encode())));
    router.getWithRegex("/openstack/" + VERSION + "/network_data.json").handler(ctx -> answer(ctx,
        m -> Buffer.buffer(m.networkData().encode())));
    router.getWithRegex("/openstack/" + VERSION + "/user_data").handler(ctx -> answer(ctx, MetadataApi::userData));
    router.getWithRegex("/" + VERSION + "/user-data").handler(ctx -> answer(ctx, MetadataApi::userData));
    router.getWithRegex("/" + VERSION + "/meta-data/?(.*)").handler(ctx -> answer(ctx, m -> {
      String leaf = m.ec2(ctx.pathParam("param1"));
      if (leaf == null) throw ApiException.notFound("The resource could not be found.");
      return Buffer.buffer(leaf);
    }));
    return vertx.createHttpServer(new HttpServerOptions().setHost(bindHost)).requestHandler(router).listen(port);
  }

  private static Buffer userData(InstanceMetadata m) {
    if (m.userData() == null) throw ApiException.notFound("The instance has no user data.");
    return Buffer.buffer(m.userData());
  }

  private void answer(RoutingContext ctx, Function<InstanceMetadata, Buffer> body) {
    instance(ctx).map(body).onSuccess(b -> ctx.response().putHeader("Content-Type",
        ctx.request().path().endsWith(".json") ? "application/json" : "text/plain").end(b)).onFailure(ctx::fail);
  }

  /** The instance the proxy signed for; 403 without a valid signature, 404 when it is gone. */
  private Future<InstanceMetadata> instance(RoutingContext ctx) {
    String id = ctx.request().getHeader(MetadataSignature.INSTANCE_HEADER);
    String signature = ctx.request().getHeader(MetadataSignature.SIGNATURE_HEADER);
    if (!MetadataSignature.valid(secret, id, signature)) {
      return Future.failedFuture(ApiException.forbidden("Invalid proxy request signature."));
    }
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiException.notFound("Instance not found."));
    }
    return pool.preparedQuery("SELECT " + InstanceMetadata.COLUMNS + " FROM instances WHERE id = $1 AND NOT deleted")
        .execute(Tuple.of(uuid)).map(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Instance not found.");
          return InstanceMetadata.from(rows.iterator().next());
        });
  }
}
