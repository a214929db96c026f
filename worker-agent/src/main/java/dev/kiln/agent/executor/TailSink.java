package dev.kiln.agent.executor;

import java.util.ArrayDeque;
import java.util.Deque;

/** Keeps the last lines of a command's output, to explain its failure. */
public final class TailSink implements OutputSink {

  private final int limit;
  private final OutputSink next;
  private final Deque<String> lines = new ArrayDeque<>();

  public TailSink(int limit, OutputSink next) {
    this.limit = limit;
    this.next = next;
  }

  @Override
  public void line(Stream stream, String line) {
    synchronized (lines) {
      if (lines.size() == limit) {
        lines.removeFirst();
      }
      lines.addLast(line);
    }
    next.line(stream, line);
  }

  /** The lines kept, joined by newlines. */
  public String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
