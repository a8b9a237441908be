package io.strato.common.http;

import io.vertx.core.json.JsonObject;

/** How each OpenStack API spells a fault body. */
public enum FaultFormat {
  /** Nova, Cinder: {@code {"itemNotFound": {"code": 404, "message": "..."}}}. */
  COMPUTE {
    @Override
    public JsonObject body(int status, String type, String message) {
      return new JsonObject().put(computeName(status), new JsonObject().put("code", status).put("message", message));
    }
  },
  /** Keystone: {@code {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}}. */
  IDENTITY {
    @Override
    public JsonObject body(int status, String type, String message) {
      return new JsonObject().put("error",
          new JsonObject().put("code", status).put("message", message).put("title", title(status)));
    }
  },
  /** Neutron: {@code {"NeutronError": {"type": "...", "message": "...", "detail": ""}}}. */
  NETWORK {
    @Override
    public JsonObject body(int status, String type, String message) {
      return new JsonObject().put("NeutronError", new JsonObject()
          .put("type", type != null ? type : title(status).replace(" ", ""))
          .put("message", message)
          .put("detail", ""));
    }
  },
  /** Glance answers plain faults in the compute shape. */
  IMAGE {
    @Override
    public JsonObject body(int status, String type, String message) {
      return COMPUTE.body(status, type, message);
    }
  };

  public abstract JsonObject body(int status, String type, String message);

  static String computeName(int status) {
    return switch (status) {
      case 400 -> "badRequest";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "itemNotFound";
      case 405 -> "badMethod";
      case 406 -> "notAcceptable";
      case 409 -> "conflictingRequest";
      case 413, 429 -> "overLimit";
      case 415 -> "badMediaType";
      case 501 -> "notImplemented";
      case 503 -> "serviceUnavailable";
      default -> status >= 500 ? "computeFault" : "badRequest";
    };
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 413 -> "Request Entity Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Bad Request";
    };
  }
}
