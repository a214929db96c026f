package dev.kiln.common.log;

import org.jboss.logging.MDC;

/**
 * Puts the work request and attempt a piece of work is about into the logging context, so every log
 * line names them. The services' console format prints the MDC key {@value #KEY}.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.workRequest(id, attempt)) { ... }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {

  /** The MDC key the log format of every service prints. */
  public static final String KEY = "kiln.ctx";

  private final Object previous;

  private LogContext(String value) {
    this.previous = MDC.get(KEY);
    MDC.put(KEY, value);
  }

  public static LogContext workRequest(long workRequestId, Integer attempt) {
    return new LogContext(
        "[wr=" + workRequestId + (attempt == null ? "" : " attempt=" + attempt) + "] ");
  }

  public static LogContext worker(long workerId) {
    return new LogContext("[worker=" + workerId + "] ");
  }

  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, previous);
    }
  }
}
