package dev.kiln.agent.core;

import dev.kiln.agent.task.TaskRegistry;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The worker agent, plain Java: a {@link SchedulerConnection} (register, Hello, heartbeats,
 * reconnect) feeding a {@link TaskRunner} (run, upload the log with the {@link ArtifactUploader},
 * report with the {@link Reporter}). The Quarkus layer only builds it, starts it and drains it.
 */
public final class AgentCore implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentCore.class);

  private final List<String> providedTags;
  private final TaskRunner runner;
  private final SchedulerConnection connection;
  private final LiveLog liveLog;

  /**
   * @param channel the channel to the scheduler; the caller owns it and shuts it down after {@link
   *     #close()}
   */
  public AgentCore(
      AgentSettings settings,
      TaskRegistry tasks,
      ArtifactUploader uploader,
      ManagedChannel channel,
      AgentListener listener) {
    this(settings, LiveLogSettings.DEFAULTS, tasks, uploader, channel, listener);
  }

  /**
   * @param channel the channel to the scheduler; the caller owns it and shuts it down after {@link
   *     #close()}
   */
  public AgentCore(
      AgentSettings settings,
      LiveLogSettings liveLogSettings,
      TaskRegistry tasks,
      ArtifactUploader uploader,
      ManagedChannel channel,
      AgentListener listener) {
    SchedulerClient client = new SchedulerClient(channel, settings);
    Capabilities.Discovered discovered = Capabilities.discover(tasks, settings.workDir());
    this.providedTags = discovered.tags();
    // the connection is made below (it serves the runner, which streams through it)
    AtomicReference<SchedulerConnection> stream = new AtomicReference<>();
    this.liveLog =
        new LiveLog(
            liveLogSettings, message -> stream.get() != null && stream.get().trySend(message));
    this.runner =
        new TaskRunner(
            settings,
            tasks,
            uploader,
            new Reporter(client, settings),
            listener,
            liveLog,
            message -> {
              SchedulerConnection c = stream.get();
              if (c != null) {
                c.sendNow(message);
              }
            });
    this.connection =
        new SchedulerConnection(
            client, settings, providedTags, discovered.system(), runner, listener);
    stream.set(connection);
  }

  /** Starts connecting to the scheduler in the background. */
  public void start() {
    LOG.infof("starting; provided tags %s", providedTags);
    connection.start();
  }

  /** Whether the agent holds a stream the scheduler has welcomed. */
  public boolean connected() {
    return connection.connected();
  }

  /** Whether the agent is draining (stopping). */
  public boolean draining() {
    return runner.draining();
  }

  /** How many attempts are running (or queued) here. */
  public int runningCount() {
    return runner.runningCount();
  }

  /** The tags announced in Hello. */
  public List<String> providedTags() {
    return providedTags;
  }

  /**
   * Graceful drain: stops taking assignments, lets running work finish, upload and report for up to
   * {@code grace} (the stream stays open meanwhile, so heartbeats keep their leases), stops what is
   * left, then leaves the stream.
   *
   * @return whether all running work finished within the grace period
   */
  public boolean drain(Duration grace) {
    boolean clean = false;
    try {
      clean = runner.drain(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runner.stopNow();
    }
    connection.stop();
    liveLog.close();
    LOG.info(clean ? "drained" : "stopped with unfinished work");
    return clean;
  }

  /** Stops at once: running work is interrupted and reports nothing. */
  @Override
  public void close() {
    runner.stopNow();
    connection.stop();
    liveLog.close();
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
