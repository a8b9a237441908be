package io.strato.launcher;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.strato.common.logging.StratoLayout;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Copies this JVM's log lines to a file beside the console ({@code <aio.data.dir>/logs/all-in-one.log}), so that
 * {@code ./strato logs} finds the log of a cloud started in another terminal.
 */
final class LogFile {
  private LogFile() {}

  static void attach(Path file) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    StratoLayout layout = new StratoLayout();
    layout.setContext(root.getLoggerContext());
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(root.getLoggerContext());
    encoder.setLayout(layout);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(root.getLoggerContext());
    appender.setName("all-in-one-file");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    root.addAppender(appender);
  }
}
