package dev.kiln.scheduler.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What of an agent's batch of live log lines is stored. Lines are numbered per work request ({@code
 * seq} from 1, no gaps); a work request keeps at most {@link Bounds#maxLines()} lines and {@link
 * Bounds#maxBytes()} bytes, later lines are counted as dropped. The agent numbers the lines of each
 * attempt from 0: a batch re-sent after a reconnection stores only its new lines, a gap (lines lost
 * in transit) is stored as a marker line and counted as dropped, a batch of an older attempt than
 * the stored lines is ignored, a newer attempt's lines follow the older ones (each line names its
 * attempt).
 */
public final class LiveLogRules {

  private LiveLogRules() {}

  /**
   * The bounds of one work request's live log.
   *
   * @param maxLines lines kept at most
   * @param maxBytes UTF-8 bytes of lines kept at most
   * @param maxLineLength a longer line is cut to this many characters
   */
  public record Bounds(long maxLines, long maxBytes, int maxLineLength) {}

  /**
   * A work request's live log as stored.
   *
   * @param nextSeq the seq of the next line stored
   * @param byteCount bytes stored
   * @param droppedLines lines not stored
   * @param attempt the attempt the stored lines reached
   * @param nextLine the agent's number of the next line of that attempt
   */
  public record State(long nextSeq, long byteCount, long droppedLines, int attempt, long nextLine) {

    /** Lines stored. */
    public long lineCount() {
      return nextSeq - 1;
    }
  }

  /**
   * The answer for one batch.
   *
   * @param store the lines to store, from seq {@code firstSeq}
   * @param firstSeq the seq of the first of them
   * @param next the state after the batch
   */
  public record Plan(List<String> store, long firstSeq, State next) {}

  /** The marker stored where lines of the log were lost between the agent and the scheduler. */
  public static String lostMarker(long lost) {
    return "[kiln: " + lost + " line(s) of the live log were lost in transit]";
  }

  /**
   * Decides what of a batch is stored.
   *
   * @param state the stored log (a new one: {@code nextSeq} 1, attempt 0)
   * @param attempt the batch's attempt
   * @param firstLine the agent's number of the batch's first line in that attempt
   * @param lines the batch
   */
  public static Plan accept(
      State state, Bounds bounds, int attempt, long firstLine, List<String> lines) {
    if (attempt < state.attempt()) {
      return new Plan(List.of(), state.nextSeq(), state); // an older attempt: ignored
    }
    long nextLine = attempt > state.attempt() ? 0 : state.nextLine();
    List<String> candidates = new ArrayList<>(lines.size() + 1);
    long dropped = state.droppedLines();
    if (firstLine > nextLine) {
      long lost = firstLine - nextLine;
      candidates.add(lostMarker(lost));
      dropped += lost;
    }
    int skip = (int) Math.min(lines.size(), Math.max(0, nextLine - firstLine));
    for (int i = skip; i < lines.size(); i++) {
      candidates.add(clean(lines.get(i), bounds.maxLineLength()));
    }
    long end = firstLine + lines.size();
    nextLine = Math.max(nextLine, end);

    List<String> store = new ArrayList<>(candidates.size());
    long count = state.lineCount();
    long bytes = state.byteCount();
    boolean full = count >= bounds.maxLines() || bytes >= bounds.maxBytes();
    for (String line : candidates) {
      int size = line.getBytes(StandardCharsets.UTF_8).length;
      if (full || count + 1 > bounds.maxLines() || bytes + size > bounds.maxBytes()) {
        full = true; // once full, nothing more: the log stays a prefix
        if (!line.startsWith("[kiln: ")) {
          dropped++;
        }
        continue;
      }
      store.add(line);
      count++;
      bytes += size;
    }
    State next = new State(count + 1, bytes, dropped, attempt, nextLine);
    return new Plan(store, state.nextSeq(), next);
  }

  /** Cuts an over-long line; a NUL (which PostgreSQL text cannot hold) becomes U+FFFD. */
  static String clean(String line, int maxLength) {
    String cut = line.length() > maxLength ? line.substring(0, maxLength) : line;
    return cut.indexOf('\0') >= 0 ? cut.replace('\0', '\uFFFD') : cut;
  }
}
