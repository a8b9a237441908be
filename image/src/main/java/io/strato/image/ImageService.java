package io.strato.image;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.disk.DiskInspector;
import io.strato.common.disk.InspectionLimits;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.Replies;
import io.strato.common.http.ServiceRouter;
import io.strato.common.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.regex.Pattern;

/** The image service: migrates {@code glance}, then serves the Glance v2 API on {@code image.port}. */
public final class ImageService extends VerticleBase {
  private static final Pattern UPLOADS = Pattern.compile("/v2/images/[^/]+/file");
  private final ImageConfig config;
  private final Readiness readiness = new Readiness();
  private Pool pool;

  public ImageService(ImageConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    TokenVerifier verifier = new TokenVerifier(vertx, config.settings()).start();
    readiness.require("token verification key and revocations", verifier::ready);
    return vertx.fileSystem().mkdirs(config.storeDir().toString())
        .compose(v -> Database.open(vertx, config.settings(), "glance"))
        .compose(p -> {
          pool = p;
          Images images = new Images(pool, new ImageQuotas(config.settings()));
          Router router = ServiceRouter.create(vertx, "image", FaultFormat.IMAGE, config.maxBodyBytes(), readiness,
              UPLOADS);
          router.get("/").handler(ctx -> Replies.json(ctx, 300, versions()));
          router.get("/versions").handler(ctx -> Replies.json(ctx, 200, versions()));
          router.route("/v2/*").handler(AuthHandler.projectScoped(verifier));
          router.get("/v2/schemas/image").handler(ctx -> Replies.json(ctx, 200, schema("image")));
          router.get("/v2/schemas/images").handler(ctx -> Replies.json(ctx, 200, schema("images")));
          router.get("/v2/schemas/member").handler(ctx -> Replies.json(ctx, 200, schema("member")));
          router.get("/v2/schemas/members").handler(ctx -> Replies.json(ctx, 200, schema("members")));
          new ImageMembersApi(images, new ImageMembers(pool)).mount(router);
          new ImageActivation(images).mount(router);
          DiskInspector inspector = new DiskInspector(vertx, InspectionLimits.from(config.settings()));
          new ImagesApi(vertx, images, ImageLimits.from(config.settings()), new ImageData(vertx, images,
              config.storeDir(), config.maxImageBytes(), inspector)).mount(router);
          return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
              .listen(config.port());
        });
  }

  private JsonObject versions() {
    JsonArray list = new JsonArray();
    String[][] known = {{"v2.9", "CURRENT"}, {"v2.8", "SUPPORTED"}, {"v2.7", "SUPPORTED"}, {"v2.6", "SUPPORTED"},
        {"v2.5", "SUPPORTED"}, {"v2.4", "SUPPORTED"}, {"v2.3", "SUPPORTED"}, {"v2.2", "SUPPORTED"},
        {"v2.1", "SUPPORTED"}, {"v2.0", "SUPPORTED"}};
    for (String[] v : known) {
      list.add(new JsonObject().put("id", v[0]).put("status", v[1]).put("links", new JsonArray()
          .add(new JsonObject().put("rel", "self").put("href", config.baseUrl() + "/v2/"))));
    }
    return new JsonObject().put("versions", list);
  }

  private static JsonObject schema(String name) {
    return new JsonObject().put("name", name).put("additionalProperties", new JsonObject().put("type", "string"))
        .put("links", new JsonArray());
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
