package dev.kiln.bench;

import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.AgentListener;
import dev.kiln.agent.core.AgentSettings;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.core.LiveLogSettings;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agentclient.ScriptedNoopTask;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The agent core in its own JVM for {@link AgentRssBench}: its {@code worker/noop} runner runs the
 * build-like script given as the fourth argument ({@link ScriptedNoopTask}; the packaged agent runs
 * only the real noop), with the same process runner, live log and upload as every task.
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
            new TaskRegistry(List.of(new ScriptedNoopTask(script))),
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
}
