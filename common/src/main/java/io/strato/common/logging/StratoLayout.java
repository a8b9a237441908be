package io.strato.common.logging;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * Every Strato log line, in the format {@code log.format} names: {@code text} (date and time, level, thread, logger,
 * the request id of the work being done, message) or {@code json} (one object a line, for log shippers). The request
 * id comes from {@link RequestContext}, so lines written while serving a request or a Kafka record carry it without
 * each call site passing it.
 */
public final class StratoLayout extends LayoutBase<ILoggingEvent> {
  public enum Format { TEXT, JSON }

  private static final DateTimeFormatter TEXT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final TargetLengthBasedClassNameAbbreviator LOGGER = new TargetLengthBasedClassNameAbbreviator(24);
  // NOTE: logback is configured before settings are read, so the format starts from the environment (as
  // ./strato run --processes hands settings to its services) and Settings.load() applies the configured one.
  private static volatile Format format = parse(firstSet(System.getProperty("strato.log.format"),
      System.getenv("STRATO_LOG_FORMAT"), "text"));

  /** Switches every Strato logger to {@code name} ({@code text} or {@code json}); anything else is refused. */
  public static void use(String name) {
    format = parse(name);
  }

  public static Format format() {
    return format;
  }

  static Format parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> Format.TEXT;
      case "json" -> Format.JSON;
      default -> throw new IllegalArgumentException("log.format must be text or json, not " + name);
    };
  }

  @Override
  public String doLayout(ILoggingEvent e) {
    return format == Format.JSON ? json(e) : text(e);
  }

  static String text(ILoggingEvent e) {
    StringBuilder line = new StringBuilder(128)
        .append(TEXT_TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ')
        .append(String.format("%-5s", e.getLevel())).append(" [").append(e.getThreadName()).append("] ")
        .append(LOGGER.abbreviate(e.getLoggerName())).append(' ');
    String id = requestId(e);
    if (id != null) line.append('[').append(id).append("] ");
    line.append("- ").append(e.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = e.getThrowableProxy();
    if (thrown != null) line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    return line.toString();
  }

  static String json(ILoggingEvent e) {
    JsonObject line = new JsonObject()
        .put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            Instant.ofEpochMilli(e.getTimeStamp()).atZone(ZoneId.systemDefault())))
        .put("level", e.getLevel().toString())
        .put("thread", e.getThreadName())
        .put("logger", e.getLoggerName());
    String id = requestId(e);
    if (id != null) line.put("request_id", id);
    line.put("message", e.getFormattedMessage());
    IThrowableProxy thrown = e.getThrowableProxy();
    if (thrown != null) line.put("exception", ThrowableProxyUtil.asString(thrown));
    return line.encode() + CoreConstants.LINE_SEPARATOR;
  }

  /** The id the line names itself ({@link RequestContext#LOG_KEY}), else the request being served, else null. */
  private static String requestId(ILoggingEvent e) {
    List<KeyValuePair> pairs = e.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair kv : pairs) {
        if (RequestContext.LOG_KEY.equals(kv.key) && kv.value != null) return kv.value.toString();
      }
    }
    return RequestContext.current();
  }

  private static String firstSet(String... values) {
    for (String v : values) if (v != null && !v.isBlank()) return v;
    return "text";
  }
}
