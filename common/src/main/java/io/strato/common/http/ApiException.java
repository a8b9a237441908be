package io.strato.common.http;

/**
 * A failure the caller caused or must know about, with the HTTP status it answers. The router's failure handler
 * turns it into the API's fault body; anything else becomes a 500 with a generic message (and a log line).
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String type;

  public ApiException(int status, String message) {
    this(status, null, message);
  }

  /** {@code type} names the fault for APIs that have one (Neutron's {@code IpAddressGenerationFailure}). */
  public ApiException(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }
}
