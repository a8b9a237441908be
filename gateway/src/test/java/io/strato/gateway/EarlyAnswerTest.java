package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 4xx answered before the request body is read (no token, a body over the limit, an unknown path, a wrong media
 * type) still reaches a client that, like python-requests under the openstack CLI, sends its whole body before it
 * reads the answer: the service drains the body (bounded) instead of resetting the connection or leaving the client
 * blocked on a paused request. Plain sockets, so nothing in between hides a reset.
 */
@ExtendWith(SharedInfrastructure.class)
class EarlyAnswerTest {
  private static final int BODY = 5 * 1024 * 1024;
  private static TestCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
  }

  static Stream<Arguments> earlyAnswers() {
    return Stream.of(
        Arguments.of("compute", "POST", "/v2.1/servers", null, "application/json", BODY, 413),
        Arguments.of("compute", "POST", "/v2.1/servers", "junk", "application/json", BODY, 413),
        Arguments.of("compute", "POST", "/v2.1/os-nothing", "member", "application/json", BODY, 413),
        Arguments.of("compute", "POST", "/v2.1/os-nothing", "member", "application/json", 50_000, 404),
        Arguments.of("compute", "GET", "/v2.1/servers", null, "application/json", 50_000, 401),
        Arguments.of("image", "PUT", "/v2/images/00000000-0000-0000-0000-000000000000/file", null,
            "application/octet-stream", BODY, 401),
        // The image is looked up (404) before its media type is checked (415).
        Arguments.of("image", "PUT", "/v2/images/00000000-0000-0000-0000-000000000000/file", "member",
            "text/plain", BODY, 404),
        Arguments.of("image", "PUT", "/v2/images/00000000-0000-0000-0000-000000000000/file", "member",
            "application/octet-stream", BODY, 404),
        Arguments.of("image", "POST", "/v2/images", null, "application/json", BODY, 413),
        Arguments.of("identity", "POST", "/v3/auth/tokens", null, "application/json", BODY, 413),
        Arguments.of("identity", "POST", "/v3/users", "junk", "application/json", 50_000, 401));
  }

  @ParameterizedTest(name = "{0} {1} {2} token={3} {4} {5} bytes answers {6}")
  @MethodSource("earlyAnswers")
  void answeredBeforeTheBodyIsRead(String service, String method, String path, String token, String type,
      int bodyBytes, int status) throws Exception {
    int port = switch (service) {
      case "compute" -> cloud.computePort;
      case "image" -> cloud.imagePort;
      default -> cloud.identity.port;
    };
    String auth = token == null ? "" : "X-Auth-Token: " + (token.equals("member") ? member() : token) + "\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + auth + "Content-Type: " + type
          + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // Like python-requests: the whole body first, then the answer.
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          for (int left = bodyBytes; left > 0; left -= chunk.length) out.write(chunk, 0, Math.min(left, chunk.length));
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      sent.get(10, TimeUnit.SECONDS);
      Response response = read(socket.getInputStream());
      assertThat(response.status()).as(response.head()).isEqualTo(status);
      assertThat(response.body()).as("a complete JSON fault").startsWith("{").endsWith("}");
    }
  }

  private static String member() {
    return MEMBER.get();
  }

  private static final java.util.function.Supplier<String> MEMBER = new java.util.function.Supplier<>() {
    private String token;

    @Override
    public synchronized String get() {
      if (token == null) token = cloud.newProject("early").token();
      return token;
    }
  };

  private record Response(int status, String head, String body) {}

  /** One HTTP/1.1 response with a Content-Length, read to its last byte (a reset fails the test). */
  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("connection closed inside the headers: " + head);
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = -1;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    assertThat(length).as("a Content-Length in " + text).isGreaterThanOrEqualTo(0);
    byte[] body = in.readNBytes(length);
    assertThat(body.length).as("the whole body of " + text).isEqualTo(length);
    return new Response(Integer.parseInt(text.substring(9, 12)), text, new String(body, StandardCharsets.UTF_8));
  }
}
