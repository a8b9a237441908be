package io.strato.launcher;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.strato.common.logging.StratoLayout;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM while open, formatted by Strato's layout when it is written (on the thread that writes
 * it, so the line's request id is the one the writer's context holds, as on the console).
 */
final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final StratoLayout layout = new StratoLayout();
  private final List<String> lines = new ArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  LogLines() {
    setContext(root.getLoggerContext());
    layout.setContext(root.getLoggerContext());
    layout.start();
    start();
    root.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent e) {
    String line = layout.doLayout(e);
    synchronized (lines) {
      lines.add(line);
    }
  }

  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
