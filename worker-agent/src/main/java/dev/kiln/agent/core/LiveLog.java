package dev.kiln.agent.core;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.LogLines;
import dev.kiln.common.log.LogContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Streams the logs of running tasks to the scheduler while they run. Each attempt's log file (what
 * the task writes to {@code TaskContext.logFile()}) is followed from its start: new bytes are read
 * in bounded chunks, cut into lines, and sent as {@link LogLines} batches on the agent's stream.
 * Nothing is held beyond one chunk and one batch per attempt: when the stream is down or not ready
 * for more (gRPC flow control), the follower just stops reading, and the file on disk is the
 * buffer. Lines are numbered per attempt, so the scheduler drops what it has already and marks
 * gaps. Every {@link LiveLogSettings#progressInterval()} a progress line (task, elapsed time,
 * lines, bytes) goes to the agent's own log.
 */
final class LiveLog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LiveLog.class);

  /** Sends a message on the stream if it can take it now; false when down or not ready. */
  interface Sender {
    boolean trySend(AgentMessage message);
  }

  private final LiveLogSettings settings;
  private final Sender sender;
  private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> AgentCore.daemon(r, "kiln-agent-live-log"));

  LiveLog(LiveLogSettings settings, Sender sender) {
    this.settings = settings;
    this.sender = sender;
    long every = Math.max(1, settings.pollInterval().toMillis());
    timer.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  /** Starts following an attempt's log file (which the task may create later). */
  Follower follow(long workRequestId, int attempt, String task, Path file) {
    Follower f = new Follower(workRequestId, attempt, task, file);
    followers.add(f);
    return f;
  }

  private void poll() {
    for (Follower f : followers) {
      try (LogContext ignored = LogContext.workRequest(f.workRequestId, f.attempt)) {
        f.progress(false);
        f.pump(settings.batchesPerPoll(), false);
      } catch (IOException | RuntimeException e) {
        // a periodic task that throws is cancelled for good: log and go on
        LOG.debugf("reading the live log failed: %s", e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    followers.forEach(f -> f.finish(false));
  }

  /** One attempt's log file being followed. */
  final class Follower {
    final long workRequestId;
    final int attempt;
    private final String task;
    private final Path file;
    private final long startedNanos = System.nanoTime();
    private final ByteBuffer chunk;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> pending = new ArrayList<>();
    // all guarded by this
    private FileChannel channel;
    private long position;
    private long pendingFirst;
    private int pendingBytes;
    private long sentLines;
    private boolean eof;
    private boolean closed;
    private long lastProgressNanos = System.nanoTime();

    private Follower(long workRequestId, int attempt, String task, Path file) {
      this.workRequestId = workRequestId;
      this.attempt = attempt;
      this.task = task;
      this.file = file;
      this.chunk = ByteBuffer.allocate(settings.maxBatchBytes());
    }

    /**
     * Sends what can be sent now, at most {@code maxBatches} batches.
     *
     * @param atEnd the task has ended: a last line without a line end is sent too
     * @return whether everything the file holds now has been sent
     */
    synchronized boolean pump(int maxBatches, boolean atEnd) throws IOException {
      int sent = 0;
      while (!closed) {
        if (!pending.isEmpty() && (full() || eof)) {
          if (sent >= maxBatches || !sendPending()) {
            return false;
          }
          sent++;
          continue;
        }
        if (eof) {
          if (atEnd && partial.size() > 0) {
            addLine(partial.toByteArray(), partial.size());
            partial.reset();
            continue;
          }
          eof = false; // the next pump reads again
          return true;
        }
        read();
      }
      return true;
    }

    private boolean full() {
      return pending.size() >= settings.maxBatchLines() || pendingBytes >= settings.maxBatchBytes();
    }

    /** Reads one chunk into lines, stopping when the batch is full; sets eof when no more. */
    private void read() throws IOException {
      if (channel == null) {
        try {
          channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          eof = true; // not written yet
          return;
        }
      }
      chunk.clear();
      int n = channel.read(chunk, position);
      if (n <= 0) {
        eof = true;
        return;
      }
      byte[] bytes = chunk.array();
      int start = 0;
      int i = 0;
      for (; i < n && !full(); i++) {
        if (bytes[i] == '\n') {
          partial.write(bytes, start, i - start);
          addLine(partial.toByteArray(), partial.size());
          partial.reset();
          start = i + 1;
        } else if (partial.size() + (i - start + 1) >= settings.maxLineBytes()) {
          partial.write(bytes, start, i - start + 1);
          addLine(partial.toByteArray(), partial.size()); // cut: the rest is the next line
          partial.reset();
          start = i + 1;
        }
      }
      partial.write(bytes, start, i - start);
      position += i;
    }

    private void addLine(byte[] bytes, int length) {
      int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
      pending.add(new String(bytes, 0, end, StandardCharsets.UTF_8));
      pendingBytes += length + 1;
    }

    private boolean sendPending() {
      AgentMessage message =
          AgentMessage.newBuilder()
              .setLogLines(
                  LogLines.newBuilder()
                      .setWorkRequestId(workRequestId)
                      .setAttempt(attempt)
                      .setFirstLine(pendingFirst)
                      .addAllLines(pending))
              .build();
      if (!sender.trySend(message)) {
        return false;
      }
      sentLines += pending.size();
      pendingFirst += pending.size();
      pending.clear();
      pendingBytes = 0;
      return true;
    }

    /** Logs the progress line when it is due (or now, when {@code force}). */
    synchronized void progress(boolean force) {
      long now = System.nanoTime();
      if (!force && now - lastProgressNanos < settings.progressInterval().toNanos()) {
        return;
      }
      lastProgressNanos = now;
      LOG.infof(
          "progress: %s running %d s, log %d lines (%d streamed), %d bytes",
          task,
          TimeUnit.NANOSECONDS.toSeconds(now - startedNanos),
          pendingFirst + pending.size(),
          sentLines,
          position);
    }

    /**
     * Stops following. With {@code flush} (the task ended by itself), first sends the rest of the
     * log for up to {@link LiveLogSettings#flushTimeout()}; whatever does not make it is in the
     * debug-logs artifact anyway.
     */
    void finish(boolean flush) {
      long deadline = System.nanoTime() + settings.flushTimeout().toNanos();
      try {
        while (flush && !pump(Integer.MAX_VALUE, true) && System.nanoTime() < deadline) {
          Thread.sleep(Math.max(1, settings.pollInterval().toMillis() / 5));
        }
      } catch (IOException e) {
        LOG.debugf("reading the live log failed: %s", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        followers.remove(this);
        synchronized (this) {
          closed = true;
          if (channel != null) {
            try {
              channel.close();
            } catch (IOException ignored) {
              // read-only
            }
          }
        }
        if (flush) {
          progress(true);
        }
      }
    }
  }
}
