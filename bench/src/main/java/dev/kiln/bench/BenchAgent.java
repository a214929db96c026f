package dev.kiln.bench;

import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.AgentListener;
import dev.kiln.agent.core.AgentSettings;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.core.LiveLogSettings;
import dev.kiln.agent.executor.Cancellation;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.ProcessRunner;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The agent core in its own JVM for {@link AgentRssBench}: its {@code worker/noop} runner runs the
 * build-like script given as the fourth argument (the packaged agent runs only the real noop), with
 * the same process runner, live log and upload as every task.
 *
 * <p>Arguments: scheduler port, artifact port, registration token, script, work directory.
 */
public final class BenchAgent {

  private BenchAgent() {}

  public static void main(String[] args) throws Exception {
    int schedulerPort = Integer.parseInt(args[0]);
    String artifactUrl = "http://127.0.0.1:" + args[1];
    String script = args[3];
    Path work = Files.createDirectories(Path.of(args[4]));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", schedulerPort).usePlaintext().build();
    AgentCore agent =
        new AgentCore(
            new AgentSettings(
                args[2],
                "bench-agent",
                1,
                work,
                "bench",
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30)),
            LiveLogSettings.DEFAULTS,
            new TaskRegistry(List.of(new ScriptTask(script))),
            new ArtifactUploader(artifactUrl),
            channel,
            AgentListener.NONE);
    agent.start();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.drain(Duration.ofSeconds(10));
                  channel.shutdownNow();
                  stop.countDown();
                }));
    System.out.println("bench-agent started");
    stop.await();
  }

  /** worker/noop running a shell script, its output written to the task log line by line. */
  static final class ScriptTask implements WorkerTask {
    private final String script;
    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(2));

    ScriptTask(String script) {
      this.script = script;
    }

    @Override
    public String taskType() {
      return "worker";
    }

    @Override
    public String taskName() {
      return "noop";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
      try (BufferedWriter log =
          Files.newBufferedWriter(context.logFile(), StandardCharsets.UTF_8)) {
        ExecResult r =
            runner.run(
                ProcessSpec.of("sh", "-c", script),
                (stream, line) -> {
                  try {
                    log.write(line);
                    log.newLine();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                Cancellation.none());
        return r.succeeded() ? TaskOutcome.success() : TaskOutcome.failure();
      }
    }
  }
}
