package dev.kiln.agent;

import dev.kiln.agent.config.AgentConfig;
import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.task.TaskRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain-Java agent into the Quarkus process: start, metrics, drain on SIGTERM. */
@ApplicationScoped
public class AgentLifecycle {

  @Inject AgentConfig config;
  @Inject MeterRegistry registry;

  @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "60s")
  Duration drainTimeout;

  private ManagedChannel channel;
  private AgentCore core;

  void start(@Observes StartupEvent event) {
    channel =
        ManagedChannelBuilder.forAddress(config.schedulerHost(), config.schedulerPort())
            .usePlaintext()
            .keepAliveTime(30, TimeUnit.SECONDS)
            .build();
    core =
        new AgentCore(
            new AgentCore.Settings(
                config.registrationToken(),
                config.workerName().filter(n -> !n.isBlank()).orElseGet(AgentLifecycle::hostName),
                Math.max(1, config.concurrency()),
                workDir(),
                Duration.ofSeconds(10)),
            TaskRegistry.builtIn(),
            new ArtifactUploader(config.artifactUrl()),
            channel);
    registry.gauge("kiln_agent_running_work_requests", core, AgentCore::runningCount);
    registry.gauge("kiln_agent_connected", core, c -> c.connected() ? 1 : 0);
    core.start();
  }

  void stop(@Observes ShutdownEvent event) {
    if (core != null) {
      core.drain(
          drainTimeout.minusSeconds(1).isNegative() ? drainTimeout : drainTimeout.minusSeconds(1));
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  public AgentCore core() {
    return core;
  }

  private Path workDir() {
    try {
      return config.workDir().filter(d -> !d.isBlank()).map(Path::of).isPresent()
          ? Files.createDirectories(Path.of(config.workDir().get()))
          : Files.createTempDirectory("kiln-agent-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the agent's work directory", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (IOException e) {
      return "kiln-worker";
    }
  }
}
