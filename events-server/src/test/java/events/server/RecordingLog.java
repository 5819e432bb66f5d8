package events.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records every line logged in this process, this project's own debug lines included, from creation until closed.
 */
final class RecordingLog implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ours = (Logger) LoggerFactory.getLogger("events");
    private final Level oursBefore = ours.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    RecordingLog() {
        appender.start();
        root.addAppender(appender);
        ours.setLevel(Level.DEBUG);
    }

    /**
     * Everything each recorded line says: its message with and without its arguments, the arguments, and its
     * throwable with every cause and suppressed exception, messages and stack traces.
     */
    List<String> everything() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " - "
                    + e.getFormattedMessage() + "\n" + e.getMessage() + "\n" + Arrays.toString(e.getArgumentArray())
                    + "\n" + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                    .toList();
        }
    }

    @Override
    public void close() {
        ours.setLevel(oursBefore);
        root.detachAppender(appender);
    }
}
