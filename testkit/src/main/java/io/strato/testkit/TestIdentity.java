package io.strato.testkit;

import io.strato.common.auth.Token;
import io.strato.common.auth.TokenCodec;
import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.identity.IdentityConfig;
import io.strato.identity.IdentityService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.KeyPair;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real identity service on the shared Kafka and PostgreSQL, started once per test JVM, with helpers to get
 * tokens and to make projects with a member user: what every service's API tests need to act as users.
 */
public final class TestIdentity {
  public static final String ADMIN_PASSWORD = "admin-secret";
  public static final String SERVICE_PASSWORD = "service-secret";
  /** The metadata proxies' shared secret (the agents sign with it, the metadata API checks it). */
  public static final String METADATA_SECRET = "metadata-secret";
  private static TestIdentity instance;
  private static String catalog = "identity,compute,image,network,volume";

  public final Vertx vertx = Vertx.vertx();
  public final WebClient http = WebClient.create(vertx);
  public final int port = Ports.free();
  /** The key pair identity signs with, configured here so tests can mint tokens identity would refuse to issue. */
  private final KeyPair signing = TokenCodec.newKeyPair();
  /**
   * The shared infrastructure's settings, pointed at this identity service, with a free port chosen for every
   * service (the catalog lists those): tests deploy services with these settings.
   */
  public final Settings settings;

  /** A project, its member user, and that user's project-scoped token. */
  public record Member(String projectId, String userId, String token) {}

  private TestIdentity() {
    // Every service gets a free port up front, so the catalog identity hands out points at where tests run them.
    Map<String, String> ports = new java.util.HashMap<>();
    for (String key : new String[] {"compute.port", "image.port", "network.port", "volume.port", "scheduler.port",
        "conductor.port", "agent.port", "metadata.port"}) {
      ports.put(key, String.valueOf(Ports.free()));
    }
    ports.put("identity.port", String.valueOf(port));
    ports.put("identity.url", "http://127.0.0.1:" + port);
    ports.put("identity.bootstrap.admin.password", ADMIN_PASSWORD);
    ports.put("service.password", SERVICE_PASSWORD);
    ports.put("metadata.proxy.shared.secret", METADATA_SECRET);
    ports.put("identity.catalog", catalog);
    ports.put("identity.password.iterations", "10000");
    ports.put("token.revocation.poll.ms", "500");
    ports.put("token.signing.key", TokenCodec.encodePrivate(signing.getPrivate()));
    ports.put("token.verify.key", TokenCodec.encodePublic(signing.getPublic()));
    settings = SharedInfrastructure.settings().with(ports);
    await(vertx.deployVerticle(new IdentityService(IdentityConfig.from(settings))));
  }

  /** Which services the catalog lists, for test JVMs that run only some of them; call before the first get(). */
  public static synchronized void catalog(String services) {
    if (instance != null) throw new IllegalStateException("identity already started with catalog " + catalog);
    catalog = services;
  }

  public static synchronized TestIdentity get() {
    if (instance == null) instance = new TestIdentity();
    return instance;
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** One HTTP call to any local service; {@code body} is a JsonObject, JsonArray or raw text. */
  public HttpResponse<Buffer> call(HttpMethod method, int servicePort, String path, String token, Object body,
      Map<String, String> headers) {
    var req = http.request(method, servicePort, "127.0.0.1", path);
    if (token != null) req.putHeader("X-Auth-Token", token);
    headers.forEach(req::putHeader);
    if (body == null) return await(req.send());
    if (body instanceof JsonObject j) return await(req.sendJsonObject(j));
    if (body instanceof Buffer b) return await(req.sendBuffer(b));
    return await(req.sendBuffer(Buffer.buffer(body.toString())));
  }

  /** Waits until a service's {@code /readyz} answers 200. */
  public void awaitReady(int servicePort) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (call(HttpMethod.GET, servicePort, "/readyz", null, null, Map.of()).statusCode() != 200) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("service on " + servicePort + " never ready");
      Thread.onSpinWait();
    }
  }

  public String token(String user, String password, String project) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                .put("domain", new JsonObject().put("id", "default")).put("password", password))))
        .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
            .put("domain", new JsonObject().put("id", "default")))));
    var resp = call(HttpMethod.POST, port, "/v3/auth/tokens", null, auth, Map.of());
    if (resp.statusCode() != 201) throw new AssertionError("login failed: " + resp.bodyAsString());
    return resp.getHeader("X-Subject-Token");
  }

  public String adminToken() {
    return token("admin", ADMIN_PASSWORD, "admin");
  }

  /** A new project with a member user. */
  public Member newProject(String prefix) {
    String admin = adminToken();
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    String projectId = call(HttpMethod.POST, port, "/v3/projects", admin,
        new JsonObject().put("project", new JsonObject().put("name", name)), Map.of())
        .bodyAsJsonObject().getJsonObject("project").getString("id");
    String userId = call(HttpMethod.POST, port, "/v3/users", admin, new JsonObject().put("user",
        new JsonObject().put("name", name).put("password", "pw-" + name)), Map.of())
        .bodyAsJsonObject().getJsonObject("user").getString("id");
    String memberRole = call(HttpMethod.GET, port, "/v3/roles?name=member", admin, null, Map.of())
        .bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    call(HttpMethod.PUT, port, "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + memberRole, admin, null,
        Map.of());
    return new Member(projectId, userId, token(name, "pw-" + name, name));
  }

  /** A new user with only the {@code reader} role on {@code projectId}, and its project-scoped token. */
  public String reader(String projectId) {
    String admin = adminToken();
    String name = "reader-" + UUID.randomUUID().toString().substring(0, 8);
    String userId = call(HttpMethod.POST, port, "/v3/users", admin, new JsonObject().put("user",
        new JsonObject().put("name", name).put("password", "pw-" + name)), Map.of())
        .bodyAsJsonObject().getJsonObject("user").getString("id");
    String readerRole = call(HttpMethod.GET, port, "/v3/roles?name=reader", admin, null, Map.of())
        .bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    call(HttpMethod.PUT, port, "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + readerRole, admin, null,
        Map.of());
    String projectName = call(HttpMethod.GET, port, "/v3/projects/" + projectId, admin, null, Map.of())
        .bodyAsJsonObject().getJsonObject("project").getString("name");
    return token(name, "pw-" + name, projectName);
  }

  /** {@code token} as identity signed it, but expired a minute ago: every service must answer 401. */
  public String expired(String token) {
    Token t = parse(token);
    long past = System.currentTimeMillis() - 60_000;
    return TokenCodec.sign(new Token(t.userId(), t.userName(), t.userDomainId(), t.projectId(), t.projectName(),
        t.projectDomainId(), t.roles(), t.methods(), past - 3_600_000, past, t.auditId()), signing.getPrivate());
  }

  /** {@code token}'s claims with the {@code admin} role added, signed with a key identity never had: 401. */
  public String forged(String token) {
    Token t = parse(token);
    var roles = new java.util.ArrayList<>(t.roles());
    roles.add(new Token.Role("forged-admin", "admin"));
    return TokenCodec.sign(new Token(t.userId(), t.userName(), t.userDomainId(), t.projectId(), t.projectName(),
        t.projectDomainId(), roles, t.methods(), t.issuedAtMillis(), t.expiresAtMillis(), t.auditId()),
        TokenCodec.newKeyPair().getPrivate());
  }

  private Token parse(String token) {
    return TokenCodec.verify(token, signing.getPublic()).orElseThrow(() -> new AssertionError("not a token: " + token));
  }
}
