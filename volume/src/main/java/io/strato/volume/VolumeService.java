package io.strato.volume;

import io.strato.common.http.ClientPolicy;
import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.disk.DiskInspector;
import io.strato.common.disk.InspectionLimits;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.Replies;
import io.strato.common.http.ServiceRouter;
import io.strato.common.service.Readiness;
import io.strato.volume.attachments.Attachments;
import io.strato.volume.attachments.AttachmentsApi;
import io.strato.volume.backend.FileBackend;
import io.strato.volume.backend.ImageSource;
import io.strato.volume.quotas.Quotas;
import io.strato.volume.quotas.QuotasApi;
import io.strato.volume.snapshots.Snapshots;
import io.strato.volume.snapshots.SnapshotsApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * The volume service: opens the file backend, migrates {@code cinder}, then serves the Cinder v3 API on
 * {@code volume.port} under {@code /v3/{project_id}} (and, as since 3.67, {@code /v3}), with a {@link VolumeReaper}
 * ending volumes a crash left half-made.
 */
public final class VolumeService extends VerticleBase {
  private final VolumeConfig config;
  private final Readiness readiness = new Readiness();
  private Pool pool;

  public VolumeService(VolumeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    TokenVerifier verifier = new TokenVerifier(vertx, config.settings()).start();
    readiness.require("token verification key and revocations", verifier::ready);
    return FileBackend.open(vertx, config.storeDir(), config.format())
        .compose(backend -> Database.open(vertx, config.settings(), "cinder").compose(p -> {
          pool = p;
          return serve(verifier, backend);
        }));
  }

  private Future<?> serve(TokenVerifier verifier, FileBackend backend) {
    Quotas quotas = new Quotas(pool, config.quotas());
    Volumes volumes = new Volumes(pool, quotas);
    Snapshots snapshots = new Snapshots(pool, quotas);
    SnapshotsApi snapshotsApi = new SnapshotsApi(snapshots, volumes, backend);
    DiskInspector inspector = new DiskInspector(vertx, InspectionLimits.from(config.settings()));
    VolumeCreator creator = new VolumeCreator(volumes, backend, new ImageSource(vertx, config.imageUrl(),
        ClientPolicy.from(config.settings())),
        config.availabilityZone(), inspector, snapshots);

    Future<?> reaper = vertx.deployVerticle(new VolumeReaper(volumes, backend, snapshots, snapshotsApi,
        config.stuckAfter()));
    Router router = ServiceRouter.create(vertx, "volume", FaultFormat.COMPUTE, config.maxBodyBytes(), readiness);
    new VersionsApi(config.baseUrl()).mount(router);
    router.route("/v3/*").handler(Microversion::handle).handler(AuthHandler.projectScoped(verifier));
    Routes api = new Routes(router);
    new VolumesApi(volumes, creator, backend, new VolumeView(config.baseUrl())).mount(api);
    new VolumeActions(volumes, backend).mount(api);
    snapshotsApi.mount(api);
    new AttachmentsApi(new Attachments(pool), volumes, backend).mount(api);
    new QuotasApi(quotas).mount(api);
    api.get("/types", VolumeTypes::list).get("/types/:type_id", VolumeTypes::show)
        .get("/os-availability-zone", ctx -> Replies.json(ctx, 200, zones()));
    return reaper.compose(id -> vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost()))
        .requestHandler(router).listen(config.port()));
  }

  private JsonObject zones() {
    return new JsonObject().put("availabilityZoneInfo", new JsonArray().add(new JsonObject()
        .put("zoneName", config.availabilityZone()).put("zoneState", new JsonObject().put("available", true))));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
