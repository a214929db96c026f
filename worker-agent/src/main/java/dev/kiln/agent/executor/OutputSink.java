package dev.kiln.agent.executor;

/**
 * Receives a command's output line by line as it is produced (for live logs). Called on the
 * runner's reader threads, one per stream; implementations must be thread-safe and not block long.
 */
@FunctionalInterface
public interface OutputSink {

  /** Which stream a line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  OutputSink NONE = (stream, line) -> {};

  void line(Stream stream, String line);
}
