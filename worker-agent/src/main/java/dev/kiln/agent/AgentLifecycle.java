package dev.kiln.agent;

import dev.kiln.agent.config.AgentConfig;
import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.AgentListener;
import dev.kiln.agent.core.AgentSettings;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.core.LiveLogSettings;
import dev.kiln.agent.executor.WorkerExecutors;
import dev.kiln.agent.image.ImageCache;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.taskio.Environments;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.Gauge;
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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires the plain-Java agent into the Quarkus process: builds it from the configuration on startup,
 * exposes its state as metrics, and drains it on shutdown (SIGTERM).
 */
@ApplicationScoped
public class AgentLifecycle {

  private static final Logger LOG = Logger.getLogger(AgentLifecycle.class);

  @Inject AgentConfig config;
  @Inject MeterRegistry registry;
  @Inject ImageCache images;
  @Inject WorkerExecutors executors;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
  String version;

  private ManagedChannel channel;
  private volatile AgentCore core;

  void start(@Observes StartupEvent event) {
    // Plain text (h2c): the scheduler serves gRPC on its HTTP port. Keep-alive pings notice a
    // scheduler that vanished without closing the connection.
    channel =
        ManagedChannelBuilder.forAddress(config.schedulerHost(), config.schedulerPort())
            .usePlaintext()
            .keepAliveTime(60, TimeUnit.SECONDS)
            .keepAliveTimeout(20, TimeUnit.SECONDS)
            .build();
    AgentSettings settings =
        new AgentSettings(
            config.registrationToken(),
            config.workerName().filter(n -> !n.isBlank()).orElseGet(AgentLifecycle::hostName),
            config.concurrency(),
            workDir(config.workDir()),
            version,
            config.heartbeatInterval(),
            config.retryInitialBackoff(),
            config.retryMaxBackoff(),
            config.callTimeout());
    AgentCore agent =
        new AgentCore(
            settings,
            new LiveLogSettings(
                config.logPollInterval(),
                LiveLogSettings.DEFAULTS.maxBatchLines(),
                LiveLogSettings.DEFAULTS.maxBatchBytes(),
                LiveLogSettings.DEFAULTS.maxLineBytes(),
                LiveLogSettings.DEFAULTS.batchesPerPoll(),
                config.progressInterval(),
                LiveLogSettings.DEFAULTS.flushTimeout()),
            TaskRegistry.builtIn(new Environments(images, executors)),
            new ArtifactUploader(config.artifactUrl()),
            channel,
            new AgentListener() {
              @Override
              public void connectionChanged(boolean connected) {
                if (!connected) {
                  registry.counter("kiln_agent_disconnections_total").increment();
                }
              }

              @Override
              public void assignmentDeclined(long workRequestId, int attempt, String why) {
                registry.counter("kiln_agent_assignments_declined_total").increment();
              }

              @Override
              public void attemptEnded(long workRequestId, int attempt, AttemptEnd end) {
                registry
                    .counter(
                        "kiln_agent_attempts_total", "end", end.name().toLowerCase(Locale.ROOT))
                    .increment();
              }
            });
    Gauge.builder("kiln_agent_connected", agent, a -> a.connected() ? 1 : 0)
        .description("1 while the agent holds a welcomed stream to the scheduler")
        .register(registry);
    Gauge.builder("kiln_agent_running_attempts", agent, AgentCore::runningCount)
        .description("attempts running or queued on this agent")
        .register(registry);
    Gauge.builder("kiln_agent_concurrency", settings::concurrency)
        .description("how many work requests this agent runs at once")
        .register(registry);
    LOG.infof(
        "worker '%s' (concurrency %d, work dir %s) for the scheduler at %s:%d",
        settings.workerName(),
        settings.concurrency(),
        settings.workDir(),
        config.schedulerHost(),
        config.schedulerPort());
    core = agent;
    agent.start();
  }

  void stop(@Observes ShutdownEvent event) {
    AgentCore agent = core;
    if (agent != null) {
      agent.drain(config.drainGrace());
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  /** The running agent, or empty before startup. */
  public Optional<AgentCore> agent() {
    return Optional.ofNullable(core);
  }

  private static Path workDir(Optional<String> configured) {
    try {
      Optional<String> dir = configured.filter(d -> !d.isBlank());
      return dir.isPresent()
          ? Files.createDirectories(Path.of(dir.get()))
          : Files.createTempDirectory("kiln-agent-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the agent's work directory", e);
    }
  }

  /** The host's name: its FQDN when the resolver knows one, else the plain host name. */
  private static String hostName() {
    try {
      InetAddress local = InetAddress.getLocalHost();
      String name = local.getHostName();
      String canonical = local.getCanonicalHostName();
      return canonical.startsWith(name + ".") ? canonical : name;
    } catch (IOException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("kiln-worker");
    }
  }
}
