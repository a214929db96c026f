package dev.kiln.agent.testing;

import dev.kiln.api.scheduler.v1.Abort;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.Welcome;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler stand-in on a real gRPC server (netty, loopback, a free port): checks tokens like the
 * real one, records what the agent says, and sends what a test wants. It can go down and come back
 * on the same port. It implements {@code AsyncService}, not {@code ImplBase}: a {@code
 * BindableService} among the test classes would make Quarkus start a gRPC server of its own.
 */
public final class FakeScheduler implements WorkerAgentServiceGrpc.AsyncService, AutoCloseable {

  public static final String REGISTRATION_TOKEN = "kiln-dev-registration-token";

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALL_TOKEN = Context.key("token");

  /** A call's method and the authorization metadata it carried (empty string when none). */
  public record Call(String method, String authorization) {}

  public final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final BlockingQueue<AgentMessage> hellos = new LinkedBlockingQueue<>();
  public final BlockingQueue<AgentMessage> heartbeats = new LinkedBlockingQueue<>();

  /** The assignments the agent handed back, and its drain announcements. */
  public final List<dev.kiln.api.scheduler.v1.Release> releases = new CopyOnWriteArrayList<>();

  public final List<AgentMessage> drains = new CopyOnWriteArrayList<>();

  /** The live log batches the agent streamed. */
  public final List<dev.kiln.api.scheduler.v1.LogLines> logBatches = new CopyOnWriteArrayList<>();

  /** Every CompleteWorkRequest call, accepted or not. */
  public final List<CompleteWorkRequestRequest> reportCalls = new CopyOnWriteArrayList<>();

  /** The reports the fake accepted. */
  public final List<CompleteWorkRequestRequest> reports = new CopyOnWriteArrayList<>();

  /** The token each accepted report carried, in order. */
  public final List<String> reportTokens = new CopyOnWriteArrayList<>();

  /** How many CompleteWorkRequest calls to answer UNAVAILABLE before accepting. */
  public final AtomicInteger failReports = new AtomicInteger();

  /**
   * When set, an accepted report is recorded, {@link #reportHeld} counts down, and the answer waits
   * for this latch: a report the scheduler recorded whose answer is still on its way.
   */
  public volatile java.util.concurrent.CountDownLatch holdReports;

  /** Counts down when a report is held ({@link #holdReports}). */
  public final java.util.concurrent.CountDownLatch reportHeld =
      new java.util.concurrent.CountDownLatch(1);

  /** Work request ids whose reports are answered FAILED_PRECONDITION (a stale attempt). */
  public final Set<Long> staleWorkRequests = ConcurrentHashMap.newKeySet();

  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger issued = new AtomicInteger();
  private volatile int heartbeatIntervalSeconds = 1;
  private volatile StreamObserver<ServerMessage> stream;
  private final Object sendLock = new Object();
  private final int port;
  private volatile Server server;

  public FakeScheduler() throws IOException {
    server = build(0).start();
    port = server.getPort();
  }

  public int port() {
    return port;
  }

  private Server build(int port) {
    // A stream tracer sees each call's headers before the handler and can fill its Context.
    ServerStreamTracer.Factory recordAuth =
        new ServerStreamTracer.Factory() {
          @Override
          public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            String auth = headers.get(AUTHORIZATION);
            calls.add(
                new Call(
                    MethodDescriptor.extractBareMethodName(fullMethodName),
                    auth == null ? "" : auth));
            String token =
                auth != null && auth.startsWith("Bearer ")
                    ? auth.substring("Bearer ".length())
                    : "";
            return new ServerStreamTracer() {
              @Override
              public Context filterContext(Context context) {
                return context.withValue(CALL_TOKEN, token);
              }
            };
          }
        };
    return ServerBuilder.forPort(port)
        .addStreamTracerFactory(recordAuth)
        .addService(WorkerAgentServiceGrpc.bindService(this))
        .build();
  }

  /** The heartbeat interval Welcome announces; 0 lets the agent fall back to its own. */
  public void heartbeatIntervalSeconds(int seconds) {
    heartbeatIntervalSeconds = seconds;
  }

  /** Forgets every worker token: the next call with one answers UNAUTHENTICATED. */
  public void revokeTokens() {
    validTokens.clear();
  }

  private boolean authenticated() {
    return validTokens.contains(CALL_TOKEN.get());
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (!REGISTRATION_TOKEN.equals(request.getRegistrationToken())) {
      response.onError(Status.UNAUTHENTICATED.asRuntimeException());
      return;
    }
    registrations.add(request);
    String token = "worker-token-" + issued.incrementAndGet();
    validTokens.add(token);
    response.onNext(RegisterResponse.newBuilder().setWorkerId(7).setWorkerToken(token).build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> response) {
    if (!authenticated()) {
      response.onError(Status.UNAUTHENTICATED.asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    synchronized (sendLock) {
      stream = response;
    }
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage m) {
        if (m.hasHello()) {
          send(
              ServerMessage.newBuilder()
                  .setWelcome(
                      Welcome.newBuilder()
                          .setWorkerId(7)
                          .setHeartbeatIntervalSeconds(heartbeatIntervalSeconds))
                  .build());
          hellos.add(m); // after the Welcome went out: a test seeing it can send assignments
        } else if (m.hasHeartbeat()) {
          heartbeats.add(m);
        } else if (m.hasLogLines()) {
          logBatches.add(m.getLogLines());
        } else if (m.hasRelease()) {
          releases.add(m.getRelease());
        } else if (m.hasDrain()) {
          drains.add(m);
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        synchronized (sendLock) {
          if (stream == response) {
            stream = null;
          }
          response.onCompleted();
        }
      }
    };
  }

  @Override
  public void completeWorkRequest(
      CompleteWorkRequestRequest request, StreamObserver<CompleteWorkRequestResponse> response) {
    reportCalls.add(request);
    if (!authenticated()) {
      response.onError(Status.UNAUTHENTICATED.asRuntimeException());
    } else if (failReports.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      response.onError(Status.UNAVAILABLE.withDescription("try later").asRuntimeException());
    } else if (staleWorkRequests.contains(request.getWorkRequestId())) {
      response.onError(
          Status.FAILED_PRECONDITION.withDescription("not your attempt").asRuntimeException());
    } else {
      reports.add(request);
      reportTokens.add(CALL_TOKEN.get());
      java.util.concurrent.CountDownLatch hold = holdReports;
      if (hold != null) {
        reportHeld.countDown();
        try {
          hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.onNext(
          CompleteWorkRequestResponse.newBuilder()
              .setStatus("completed")
              .setResult(request.getResult().name())
              .build());
      response.onCompleted();
    }
  }

  /** Sends a message on the agent's current stream. */
  public void send(ServerMessage m) {
    synchronized (sendLock) {
      if (stream == null) {
        throw new IllegalStateException("no agent stream");
      }
      stream.onNext(m);
    }
  }

  public void assign(long id, int attempt, String taskName, String taskDataJson) {
    assign(id, attempt, taskName, taskDataJson, "{}");
  }

  /** Sends an assignment with this dynamic task data. */
  public void assign(
      long id, int attempt, String taskName, String taskDataJson, String dynamicTaskDataJson) {
    send(
        ServerMessage.newBuilder()
            .setAssignment(
                Assignment.newBuilder()
                    .setWorkRequestId(id)
                    .setAttempt(attempt)
                    .setTaskType("worker")
                    .setTaskName(taskName)
                    .setTaskDataJson(taskDataJson)
                    .setDynamicTaskDataJson(dynamicTaskDataJson)
                    .setWorkspace("System")
                    .setArtifactToken("wr-token-" + id))
            .build());
  }

  public void abort(long id, int attempt) {
    send(
        ServerMessage.newBuilder()
            .setAbort(Abort.newBuilder().setWorkRequestId(id).setAttempt(attempt).setReason("test"))
            .build());
  }

  /** The accepted reports of one work request. */
  public List<CompleteWorkRequestRequest> reportsOf(long workRequestId) {
    return reports.stream().filter(r -> r.getWorkRequestId() == workRequestId).toList();
  }

  /** Breaks the agent's stream with an error, as a scheduler in trouble would. */
  public void breakStream() {
    synchronized (sendLock) {
      stream.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
      stream = null;
    }
  }

  /** Goes down: the server stops and refuses connections until {@link #restart()}. */
  public void shutDown() throws InterruptedException {
    synchronized (sendLock) {
      stream = null;
    }
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Comes back on the same port. */
  public void restart() throws IOException {
    server = build(port).start();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
