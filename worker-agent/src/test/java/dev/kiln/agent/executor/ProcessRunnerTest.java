package dev.kiln.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runner with real processes: output, exit, cancel, timeout, interrupt, strays. */
class ProcessRunnerTest {

  @TempDir Path dir;
  final ProcessRunner runner = new ProcessRunner(Duration.ofMillis(500));

  /** Records lines and opens a latch when "ready" comes. */
  static final class Lines implements OutputSink {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);

    @Override
    public void line(Stream stream, String line) {
      lines.add(stream + " " + line);
      if (line.equals("ready")) {
        ready.countDown();
      }
    }

    void awaitReady() throws InterruptedException {
      assertTrue(ready.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), lines::toString);
    }
  }

  @Test
  void streamsStdoutAndStderrLineByLineAndReportsTheExitCode() throws Exception {
    Lines out = new Lines();
    ExecResult r =
        runner.run(
            ProcessSpec.of("sh", "-c", "echo one; echo two >&2; echo three; exit 7"),
            out,
            Cancellation.none());
    assertEquals(new ExecResult(7, false, false), r);
    assertTrue(out.lines.containsAll(List.of("STDOUT one", "STDERR two", "STDOUT three")));
    assertEquals(3, out.lines.size(), out.lines::toString);
  }

  @Test
  void runsInItsOwnSessionAndProcessGroup() throws Exception {
    Lines out = new Lines();
    runner.run(ProcessSpec.of("sh", "-c", "ps -o pid=,pgid=,sid= -p $$"), out, Cancellation.none());
    String[] ids = out.lines.get(0).substring("STDOUT ".length()).trim().split("\\s+");
    assertEquals(ids[0], ids[1], "process group id");
    assertEquals(ids[0], ids[2], "session id");
    assertFalse(
        ids[1].equals(Long.toString(ProcessHandle.current().pid())), "not the agent's group");
  }

  @Test
  void cancelStopsASleepAndItsWholeGroup() throws Exception {
    Path pids = dir.resolve("pids");
    Lines out = new Lines();
    Cancellation cancel = new Cancellation();
    CompletableFuture<ExecResult> running =
        start(
            ProcessSpec.of("sh", "-c", "sleep 600 & echo $! > " + pids + "; echo ready; sleep 600"),
            out,
            cancel);
    out.awaitReady();
    long child = Long.parseLong(Files.readString(pids).strip());
    cancel.cancel();
    ExecResult r = running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(r.cancelled());
    assertFalse(r.succeeded());
    assertEquals(128 + 15, r.exitCode(), "ended by SIGTERM");
    assertGone(child);
  }

  @Test
  void aShellThatTrapsTermGetsToCleanUp() throws Exception {
    Lines out = new Lines();
    Cancellation cancel = new Cancellation();
    CompletableFuture<ExecResult> running =
        start(
            ProcessSpec.of(
                "sh",
                "-c",
                "trap 'echo cleaning up; exit 3' TERM; echo ready; while :; do sleep 0.1; done"),
            out,
            cancel);
    out.awaitReady();
    cancel.cancel();
    ExecResult r = running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new ExecResult(3, false, true), r);
    assertTrue(out.lines.contains("STDOUT cleaning up"), out.lines::toString);
  }

  @Test
  void aChildThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
    Path pids = dir.resolve("pids");
    Lines out = new Lines();
    Cancellation cancel = new Cancellation();
    CompletableFuture<ExecResult> running =
        start(
            ProcessSpec.of(
                "sh",
                "-c",
                "(trap '' TERM; exec sleep 600) & echo $! > " + pids + "; echo ready; wait"),
            out,
            cancel);
    out.awaitReady();
    long stubborn = Long.parseLong(Files.readString(pids).strip());
    cancel.cancel();
    ExecResult r = running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(r.cancelled());
    assertGone(stubborn);
  }

  @Test
  void aCommandThatIgnoresTermItselfIsKilled() throws Exception {
    Lines out = new Lines();
    Cancellation cancel = new Cancellation();
    CompletableFuture<ExecResult> running =
        start(ProcessSpec.of("sh", "-c", "trap '' TERM; echo ready; exec sleep 600"), out, cancel);
    out.awaitReady();
    cancel.cancel();
    ExecResult r = running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new ExecResult(128 + 9, false, true), r, "ended by SIGKILL");
  }

  @Test
  void aTimeoutStopsTheCommand() throws Exception {
    ExecResult r =
        runner.run(
            ProcessSpec.of("sleep", "600").withTimeout(Duration.ofMillis(200)),
            OutputSink.NONE,
            Cancellation.none());
    assertTrue(r.timedOut());
    assertFalse(r.cancelled());
    assertFalse(r.succeeded());
  }

  @Test
  void interruptingTheThreadStopsTheCommandAndThrows() throws Exception {
    Path pids = dir.resolve("pids");
    Lines out = new Lines();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                runner.run(
                    ProcessSpec.of("sh", "-c", "echo $$ > " + pids + "; echo ready; sleep 600"),
                    out,
                    Cancellation.none());
                thrown.complete(null);
              } catch (Throwable e) {
                thrown.complete(e);
              }
            });
    t.start();
    out.awaitReady();
    long pid = Long.parseLong(Files.readString(pids).strip());
    t.interrupt();
    assertTrue(
        thrown.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS) instanceof InterruptedException);
    assertGone(pid);
  }

  @Test
  void whatACommandLeavesRunningIsStoppedWhenItExits() throws Exception {
    Path pids = dir.resolve("pids");
    ExecResult r =
        runner.run(
            ProcessSpec.of("sh", "-c", "sleep 600 & echo $! > " + pids + "; exit 0"),
            OutputSink.NONE,
            Cancellation.none());
    assertTrue(r.succeeded());
    assertGone(Long.parseLong(Files.readString(pids).strip()));
  }

  @Test
  void stdinAndStdoutCanBeFiles() throws Exception {
    Path in = Files.writeString(dir.resolve("in"), "hello\nworld\n");
    Path out = dir.resolve("out");
    ExecResult r =
        runner.run(
            ProcessSpec.of("tr", "a-z", "A-Z").withStdin(in).withStdout(out),
            OutputSink.NONE,
            Cancellation.none());
    assertTrue(r.succeeded());
    assertEquals("HELLO\nWORLD\n", Files.readString(out));
  }

  @Test
  void aMissingProgramFails() throws Exception {
    ExecResult r =
        runner.run(ProcessSpec.of("/nonexistent/program"), OutputSink.NONE, Cancellation.none());
    assertEquals(127, r.exitCode());
  }

  private CompletableFuture<ExecResult> start(
      ProcessSpec spec, OutputSink sink, Cancellation cancel) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return runner.run(spec, sink, cancel);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Gone or a zombie (dead, waiting for init to reap it). */
  static void assertGone(long pid) throws InterruptedException {
    Await.until(
        "process " + pid + " is gone",
        () -> {
          try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
          } catch (java.io.IOException e) {
            return true;
          }
        });
  }
}
