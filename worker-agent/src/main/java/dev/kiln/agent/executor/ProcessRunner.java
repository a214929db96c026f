package dev.kiln.agent.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs host commands, each in its own session and process group ({@code setsid}), so that stopping
 * one reaches everything it started: on cancellation, interrupt or timeout the group gets SIGTERM,
 * then, if anything of it is left after the grace period, SIGKILL. Output goes line by line to an
 * {@link OutputSink} while the command runs. When the command itself exits, whatever it left
 * running in its group is stopped the same way, so no stray process outlives a command.
 */
public final class ProcessRunner {

  private static final Logger LOG = Logger.getLogger(ProcessRunner.class);
  private static final long POLL_MS = 50;
  private static final Duration KILL_WAIT = Duration.ofSeconds(30);

  private final Duration grace;
  private final String setsid;
  private final String kill;

  /**
   * @param grace how long a process group gets between SIGTERM and SIGKILL
   */
  public ProcessRunner(Duration grace) {
    this.grace = grace;
    this.setsid = HostTools.require("setsid");
    this.kill = HostTools.require("kill");
  }

  public Duration grace() {
    return grace;
  }

  /**
   * Runs a command to its end, its timeout or its cancellation.
   *
   * @throws InterruptedException when the calling thread was interrupted; the command's process
   *     group has been stopped by then
   * @throws IOException when the command could not be started
   */
  public ExecResult run(ProcessSpec spec, OutputSink sink, Cancellation cancel)
      throws IOException, InterruptedException {
    return start(spec, sink).await(cancel);
  }

  /**
   * Runs one of the agent's own host commands (unpacking, imports, copies), which must succeed.
   *
   * @throws IOException when it fails, naming {@code what} and its last output lines
   */
  public ExecResult runOrFail(ProcessSpec spec, String what)
      throws IOException, InterruptedException {
    TailSink tail = new TailSink(20, (stream, line) -> LOG.debugf("%s: %s", what, line));
    ExecResult r = run(spec, tail, Cancellation.none());
    if (!r.succeeded()) {
      throw new IOException(what + " failed (exit " + r.exitCode() + "): " + tail.text());
    }
    return r;
  }

  /**
   * Starts a command in the background (a virtual machine, say); {@link Running#stop()} or {@link
   * Running#await} ends it. Its timeout counts from now.
   */
  public Running start(ProcessSpec spec, OutputSink sink) throws IOException {
    List<String> argv = new ArrayList<>(spec.argv().size() + 1);
    argv.add(setsid);
    argv.addAll(spec.argv());
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (spec.env() != null) {
      pb.environment().clear();
      pb.environment().putAll(spec.env());
    }
    if (spec.dir() != null) {
      pb.directory(spec.dir().toFile());
    }
    pb.redirectInput(
        spec.stdinFrom() == null
            ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
            : ProcessBuilder.Redirect.from(spec.stdinFrom().toFile()));
    if (spec.stdoutTo() != null) {
      pb.redirectOutput(ProcessBuilder.Redirect.to(spec.stdoutTo().toFile()));
    }
    Process process = pb.start();
    return new Running(spec, process, sink);
  }

  /** A command started by {@link #start}. */
  public final class Running {
    private final ProcessSpec spec;
    private final Process process;
    private final long group;
    private final List<Thread> pumps = new ArrayList<>(2);
    private final long started = System.nanoTime();

    private Running(ProcessSpec spec, Process process, OutputSink sink) {
      this.spec = spec;
      this.process = process;
      // Not a group leader when the JVM starts it, setsid turns the process itself into the
      // leader of a new session and group: its pid is the group id.
      this.group = process.pid();
      if (spec.stdoutTo() == null) {
        pumps.add(pump(process.getInputStream(), OutputSink.Stream.STDOUT, sink, group));
      }
      pumps.add(pump(process.getErrorStream(), OutputSink.Stream.STDERR, sink, group));
    }

    /** The process id, which is also its process group and session id. */
    public long pid() {
      return group;
    }

    public boolean alive() {
      return process.isAlive();
    }

    /**
     * Waits until the command exits, its timeout passes or {@code cancel} is cancelled; stops its
     * process group in the last two cases (and whatever it left running in the first).
     *
     * @throws InterruptedException when the calling thread was interrupted; the process group has
     *     been stopped by then
     */
    public ExecResult await(Cancellation cancel) throws InterruptedException {
      boolean timedOut = false;
      boolean cancelled = false;
      boolean interrupted = false;
      try {
        while (!process.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
          if (cancel.cancelled()) {
            cancelled = true;
            break;
          }
          if (spec.timeout() != null
              && System.nanoTime() - started - spec.timeout().toNanos() > 0) {
            timedOut = true;
            break;
          }
        }
      } catch (InterruptedException e) {
        interrupted = true;
        cancelled = true;
      }
      if (timedOut || cancelled) {
        LOG.infof("stopping %s (%s)", spec.argv().get(0), timedOut ? "timed out" : "cancelled");
      }
      // Also after a normal exit: stray members of the group would otherwise live on (and keep
      // the output pipes open).
      stop();
      if (interrupted) {
        throw new InterruptedException("interrupted: " + spec.argv().get(0) + " was stopped");
      }
      return new ExecResult(process.exitValue(), timedOut, cancelled);
    }

    /** Stops the process group (SIGTERM, grace period, SIGKILL) and waits for its output. */
    public void stop() {
      terminateGroup(process, group);
      for (Thread t : pumps) {
        joinUninterruptibly(t);
      }
    }
  }

  /** SIGTERM to the group, up to the grace period for it to go away, then SIGKILL. */
  private void terminateGroup(Process process, long group) {
    boolean interrupted = Thread.interrupted(); // the group must be gone before we return
    try {
      terminate(process, group);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void terminate(Process process, long group) {
    if (!process.isAlive() && !groupAlive(group)) {
      return;
    }
    signal("TERM", group);
    long until = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() - until < 0) {
      if (!process.isAlive() && !groupAlive(group)) {
        return;
      }
      sleepUninterruptibly(POLL_MS);
    }
    LOG.infof("process group %d outlived the grace period of %s: SIGKILL", group, grace);
    signal("KILL", group);
    long giveUp = System.nanoTime() + KILL_WAIT.toNanos();
    while (process.isAlive() || groupAlive(group)) {
      if (System.nanoTime() - giveUp > 0) {
        // only a process stuck in the kernel (uninterruptible I/O) survives SIGKILL this long
        LOG.warnf("process group %d is still there %s after SIGKILL; leaving it", group, KILL_WAIT);
        return;
      }
      sleepUninterruptibly(POLL_MS);
    }
  }

  /**
   * Whether a live (not zombie) process is left in the group. Zombies do not count: once their
   * parent is gone they wait for init to reap them, which can take a while.
   */
  static boolean groupAlive(long group) {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        String stat;
        try {
          stat = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException | UncheckedIOException e) {
          continue; // gone meanwhile
        }
        // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        if (f.length >= 3 && !f[0].equals("Z") && f[2].equals(Long.toString(group))) {
          return true;
        }
      }
    } catch (IOException e) {
      LOG.debugf("cannot read /proc: %s", e.toString());
    }
    return false;
  }

  /** {@code kill -s SIG -- -GROUP}; whether the group had someone to signal. */
  private boolean signal(String signal, long group) {
    try {
      Process p =
          new ProcessBuilder(kill, "-s", signal, "--", "-" + group)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      boolean interrupted = false;
      while (true) {
        try {
          int rc = p.waitFor();
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          return rc == 0;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (IOException e) {
      LOG.warnf("could not signal process group %d: %s", group, e.toString());
      return false;
    }
  }

  private static Thread pump(InputStream in, OutputSink.Stream stream, OutputSink sink, long pid) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.line(stream, line);
                }
              } catch (IOException e) {
                LOG.debugf("reading %s of %d: %s", stream, pid, e.toString());
              }
            },
            "kiln-exec-" + pid + "-" + stream.name().toLowerCase(java.util.Locale.ROOT));
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepUninterruptibly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      // an interrupt while stopping a group changes nothing: it is stopped all the same
    }
  }
}
