package dev.kiln.e2e;

import dev.kiln.agentclient.TestAgent;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A worker that runs nothing: a {@link TestAgent} on the agent protocol that takes every
 * assignment, and reports the result a rule picks, after creating (with the assignment's artifact
 * token) the artifacts the task would have produced, so promises get fulfilled as with a real
 * worker.
 */
final class NoopAgent implements AutoCloseable {

  /** What a stand-in task does: its result, and the artifacts (category → data) it creates. */
  record Outcome(WorkResult result, Map<String, String> artifacts) {}

  private final ManagedChannel channel;
  private final TestAgent agent;
  private final String artifactUrl;
  private final Function<Assignment, Outcome> rule;
  final List<Assignment> assignments = new CopyOnWriteArrayList<>();
  final Map<Long, List<Long>> created = new ConcurrentHashMap<>();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();

  NoopAgent(
      int schedulerPort,
      int artifactPort,
      String registrationToken,
      String name,
      List<String> tags,
      Function<Assignment, Outcome> rule) {
    this(schedulerPort, artifactPort, registrationToken, name, "worker", tags, rule);
  }

  /** An agent registered as {@code workerType} ({@code worker} or {@code signing}). */
  NoopAgent(
      int schedulerPort,
      int artifactPort,
      String registrationToken,
      String name,
      String workerType,
      List<String> tags,
      Function<Assignment, Outcome> rule) {
    this.artifactUrl = "http://127.0.0.1:" + artifactPort;
    this.rule = rule;
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", schedulerPort).usePlaintext().build();
    String workerToken = TestAgent.register(channel, registrationToken, name, workerType);
    agent =
        TestAgent.connect(
            channel,
            workerToken,
            TestAgent.hello(4, tags).setAgentVersion("e2e-noop"),
            // off the gRPC thread: the stand-in calls the services
            (self, a) -> new Thread(() -> run(a), "noop-agent").start());
  }

  private void run(Assignment a) {
    assignments.add(a);
    try {
      Outcome o = rule.apply(a);
      KilnClient asTask = new KilnClient(null, artifactUrl, null, a.getArtifactToken());
      for (Map.Entry<String, String> artifact : o.artifacts().entrySet()) {
        KilnClient.Reply r =
            asTask.postToArtifactService(
                "/api/v1/artifacts",
                "{\"category\": \""
                    + artifact.getKey()
                    + "\", \"workspace\": \""
                    + a.getWorkspace()
                    + "\", \"data\": "
                    + artifact.getValue()
                    + ", \"files\": {}}");
        if (r.status() != 201) {
          throw new IllegalStateException("artifact " + artifact.getKey() + ": " + r.body());
        }
        created
            .computeIfAbsent(a.getWorkRequestId(), k -> new CopyOnWriteArrayList<>())
            .add(r.body().get("id").asLong());
      }
      agent.complete(TestAgent.report(a, o.result()).toBuilder().setOutputDataJson("{}").build());
    } catch (Exception | Error e) {
      failures.add(e);
    }
  }

  /** The assignments of this task name so far. */
  List<Assignment> of(String taskName) {
    return assignments.stream().filter(a -> a.getTaskName().equals(taskName)).toList();
  }

  @Override
  public void close() throws InterruptedException {
    agent.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
