package io.strato.common.faults;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test only, off by default: lets the fault-injection suite ({@code ./strato chaos}) kill a process at a chosen point
 * of its work instead of by timing luck. When {@code test.pause.seconds} is above 0, a boot whose metadata has
 * {@value #METADATA_KEY} equal to a point's name stops there for that long (on a timer, no thread waits) after logging
 * the line {@code PAUSE-POINT <point> reached by instance <id>}, which the suite waits for before its kill -9.
 */
public final class PausePoints {
  /** The server metadata key that names the point a boot pauses at. */
  public static final String METADATA_KEY = "strato-test-pause-at";
  /** The log line's start, followed by the point's name, " reached by instance " and the instance's id. */
  public static final String MARKER = "PAUSE-POINT ";
  private static final Logger LOG = LoggerFactory.getLogger(PausePoints.class);
  private final Vertx vertx;
  private final long pauseMs;

  private PausePoints(Vertx vertx, long pauseMs) {
    this.vertx = vertx;
    this.pauseMs = pauseMs;
  }

  /** From {@code test.pause.seconds} (0, the default: never pauses). */
  public static PausePoints of(Vertx vertx, Settings settings) {
    return new PausePoints(vertx, settings.getLong("test.pause.seconds") * 1000L);
  }

  /**
   * Completes at once, unless pausing is on and {@code build} (a boot's build spec, with its {@code metadata}) asks
   * to pause at {@code point}: then completes after the pause.
   */
  public Future<Void> at(String point, JsonObject build, String instanceId) {
    if (pauseMs <= 0 || !point.equals(requested(build))) return Future.succeededFuture();
    LOG.warn("{}{} reached by instance {}: pausing {} ms (test.pause.seconds)", MARKER, point, instanceId, pauseMs);
    Promise<Void> resumed = Promise.promise();
    vertx.setTimer(pauseMs, t -> resumed.complete());
    return resumed.future();
  }

  private static String requested(JsonObject build) {
    Object metadata = build == null ? null : build.getValue("metadata");
    return metadata instanceof JsonObject m && m.getValue(METADATA_KEY) instanceof String s ? s : null;
  }
}
