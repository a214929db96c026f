package dev.kiln.agent;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.Welcome;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler stand-in on a real gRPC server: records what the agent says, sends what a test wants.
 */
final class FakeScheduler extends WorkerAgentServiceGrpc.WorkerAgentServiceImplBase
    implements AutoCloseable {

  final BlockingQueue<AgentMessage> hellos = new LinkedBlockingQueue<>();
  final BlockingQueue<AgentMessage> heartbeats = new LinkedBlockingQueue<>();
  final List<CompleteWorkRequestRequest> reports = new CopyOnWriteArrayList<>();
  final AtomicInteger registrations = new AtomicInteger();

  /** Number of CompleteWorkRequest calls to answer UNAVAILABLE before accepting. */
  final AtomicInteger failReports = new AtomicInteger();

  final AtomicInteger reportCalls = new AtomicInteger();
  private volatile StreamObserver<ServerMessage> stream;
  private final Server server;

  FakeScheduler() throws IOException {
    server = ServerBuilder.forPort(0).addService(this).build().start();
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (!"kiln-dev-registration-token".equals(request.getRegistrationToken())) {
      response.onError(Status.UNAUTHENTICATED.asRuntimeException());
      return;
    }
    registrations.incrementAndGet();
    response.onNext(
        RegisterResponse.newBuilder().setWorkerId(7).setWorkerToken("worker-token").build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> response) {
    stream = response;
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage m) {
        if (m.hasHello()) {
          hellos.add(m);
          send(
              ServerMessage.newBuilder()
                  .setWelcome(Welcome.newBuilder().setWorkerId(7).setHeartbeatIntervalSeconds(1))
                  .build());
        } else if (m.hasHeartbeat()) {
          heartbeats.add(m);
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Override
  public void completeWorkRequest(
      CompleteWorkRequestRequest request, StreamObserver<CompleteWorkRequestResponse> response) {
    reportCalls.incrementAndGet();
    if (failReports.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      response.onError(Status.UNAVAILABLE.withDescription("try later").asRuntimeException());
      return;
    }
    reports.add(request);
    response.onNext(CompleteWorkRequestResponse.newBuilder().setStatus("completed").build());
    response.onCompleted();
  }

  synchronized void send(ServerMessage m) {
    stream.onNext(m);
  }

  void assign(long id, int attempt, String taskName, String taskDataJson) {
    send(
        ServerMessage.newBuilder()
            .setAssignment(
                Assignment.newBuilder()
                    .setWorkRequestId(id)
                    .setAttempt(attempt)
                    .setTaskType("worker")
                    .setTaskName(taskName)
                    .setTaskDataJson(taskDataJson)
                    .setDynamicTaskDataJson("{}")
                    .setWorkspace("System")
                    .setArtifactToken("wr-token-" + id))
            .build());
  }

  /** Breaks the agent's stream, as a scheduler restart would. */
  void breakStream() {
    stream.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
