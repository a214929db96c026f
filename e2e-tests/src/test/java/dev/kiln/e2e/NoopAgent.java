package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A worker that runs nothing: it speaks the agent protocol over gRPC, takes every assignment, and
 * reports the result a rule picks, after creating (with the assignment's artifact token) the
 * artifacts the task would have produced, so promises get fulfilled as with a real worker.
 */
final class NoopAgent implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What a stand-in task does: its result, and the artifacts (category → data) it creates. */
  record Outcome(WorkResult result, Map<String, String> artifacts) {}

  private final ManagedChannel channel;
  private final StreamObserver<AgentMessage> out;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceBlockingStub blocking;
  private final HttpClient http = HttpClient.newHttpClient();
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
    this.artifactUrl = "http://127.0.0.1:" + artifactPort;
    this.rule = rule;
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", schedulerPort).usePlaintext().build();
    RegisterResponse registered =
        WorkerAgentServiceGrpc.newBlockingStub(channel)
            .register(
                RegisterRequest.newBuilder()
                    .setRegistrationToken(registrationToken)
                    .setName(name)
                    .setWorkerType("worker")
                    .build());
    Metadata auth = new Metadata();
    auth.put(AUTHORIZATION, "Bearer " + registered.getWorkerToken());
    blocking =
        WorkerAgentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
    out =
        WorkerAgentServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerMessage m) {
                    if (m.hasAssignment()) {
                      // off the gRPC thread: the stand-in calls the services
                      new Thread(() -> run(m.getAssignment()), "noop-agent").start();
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    Hello.Builder hello = Hello.newBuilder().setConcurrency(4).setAgentVersion("e2e-noop");
    tags.forEach(hello::addProvidedTags);
    out.onNext(AgentMessage.newBuilder().setHello(hello).build());
  }

  private void run(Assignment a) {
    assignments.add(a);
    try {
      Outcome o = rule.apply(a);
      for (Map.Entry<String, String> artifact : o.artifacts().entrySet()) {
        String body =
            "{\"category\": \""
                + artifact.getKey()
                + "\", \"workspace\": \""
                + a.getWorkspace()
                + "\", \"data\": "
                + artifact.getValue()
                + ", \"files\": {}}";
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(artifactUrl + "/api/v1/artifacts"))
                    .header("Authorization", "Bearer " + a.getArtifactToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          throw new IllegalStateException("artifact " + artifact.getKey() + ": " + r.body());
        }
        JsonNode createdArtifact = JSON.readTree(r.body());
        created
            .computeIfAbsent(a.getWorkRequestId(), k -> new CopyOnWriteArrayList<>())
            .add(createdArtifact.get("id").asLong());
      }
      blocking.completeWorkRequest(
          CompleteWorkRequestRequest.newBuilder()
              .setWorkRequestId(a.getWorkRequestId())
              .setAttempt(a.getAttempt())
              .setResult(o.result())
              .setOutputDataJson("{}")
              .build());
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
    out.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
