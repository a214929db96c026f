package dev.kiln.agentclient;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.Welcome;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A simulated agent on the scheduler's gRPC agent protocol (for tests and benchmarks, not a real
 * agent): it holds the {@code Connect} stream, says {@code Hello}, and either queues what the
 * scheduler sends ({@link #nextAssignment}) or hands each assignment to a callback on the gRPC
 * thread. Reports go through {@link #complete} (blocking) or {@link #completeAsync}. Several agents
 * may share one channel; closing an agent ends its stream, not the channel.
 */
public final class TestAgent implements AutoCloseable {

  /** Called on the gRPC thread with each assignment, instead of queueing it. */
  @FunctionalInterface
  public interface OnAssignment {
    void assigned(TestAgent agent, Assignment assignment);
  }

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final WorkerAgentServiceGrpc.WorkerAgentServiceStub async;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceBlockingStub blocking;
  private final StreamObserver<AgentMessage> out;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private final BlockingQueue<ServerMessage> received = new LinkedBlockingQueue<>();

  private TestAgent(Channel channel, String workerToken, OnAssignment onAssignment) {
    Metadata auth = new Metadata();
    auth.put(AUTHORIZATION, "Bearer " + workerToken);
    ClientInterceptor withToken = MetadataUtils.newAttachHeadersInterceptor(auth);
    async = WorkerAgentServiceGrpc.newStub(channel).withInterceptors(withToken);
    blocking = WorkerAgentServiceGrpc.newBlockingStub(channel).withInterceptors(withToken);
    out =
        async.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerMessage m) {
                if (m.hasWelcome()) {
                  welcome.complete(m.getWelcome());
                } else if (m.hasAssignment() && onAssignment != null) {
                  onAssignment.assigned(TestAgent.this, m.getAssignment());
                } else {
                  received.add(m);
                }
              }

              @Override
              public void onError(Throwable t) {
                welcome.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                welcome.completeExceptionally(new IllegalStateException("stream closed"));
              }
            });
  }

  /**
   * Registers a worker with the registration token.
   *
   * @return its worker token
   */
  public static String register(
      Channel channel, String registrationToken, String name, String workerType) {
    return WorkerAgentServiceGrpc.newBlockingStub(channel)
        .register(
            RegisterRequest.newBuilder()
                .setRegistrationToken(registrationToken)
                .setName(name)
                .setWorkerType(workerType)
                .build())
        .getWorkerToken();
  }

  /** A {@code Hello} with this concurrency and these provided tags. */
  public static Hello.Builder hello(int concurrency, List<String> providedTags) {
    return Hello.newBuilder().setConcurrency(concurrency).addAllProvidedTags(providedTags);
  }

  /**
   * Opens the stream of the worker with this token and sends the {@code Hello}; does not wait for
   * the {@code Welcome} ({@link #awaitWelcome}).
   *
   * @param onAssignment where assignments go; null queues them for {@link #nextAssignment}
   */
  public static TestAgent connect(
      Channel channel, String workerToken, Hello.Builder hello, OnAssignment onAssignment) {
    TestAgent agent = new TestAgent(channel, workerToken, onAssignment);
    agent.out.onNext(AgentMessage.newBuilder().setHello(hello).build());
    return agent;
  }

  /** The {@code Welcome}, as a future (failed when the stream ends first). */
  public CompletableFuture<Welcome> welcome() {
    return welcome;
  }

  /**
   * Waits for the {@code Welcome}.
   *
   * @throws IllegalStateException when it does not come in time or the stream failed
   */
  public Welcome awaitWelcome(Duration timeout) throws InterruptedException {
    try {
      return welcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the stream failed before the Welcome", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no Welcome within " + timeout, e);
    }
  }

  /** The next queued assignment (other messages are skipped), or null after the timeout. */
  public Assignment nextAssignment(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      ServerMessage m = received.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
      if (m != null && m.hasAssignment()) {
        return m.getAssignment();
      }
    }
  }

  /** The next queued message of any kind (abort, …), or null after the timeout. */
  public ServerMessage nextMessage(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A report of this result for the attempt, with no output data. */
  public static CompleteWorkRequestRequest report(Assignment a, WorkResult result) {
    return CompleteWorkRequestRequest.newBuilder()
        .setWorkRequestId(a.getWorkRequestId())
        .setAttempt(a.getAttempt())
        .setResult(result)
        .build();
  }

  /**
   * Reports a result and waits for the answer (a refusal throws {@code StatusRuntimeException}).
   */
  public CompleteWorkRequestResponse complete(CompleteWorkRequestRequest report) {
    return blocking.completeWorkRequest(report);
  }

  /** Reports a result without waiting; {@code onError} gets a refusal or a transport failure. */
  public void completeAsync(CompleteWorkRequestRequest report, Consumer<Throwable> onError) {
    completeAsync(report, () -> {}, onError);
  }

  /**
   * Reports a result without waiting; {@code onAccepted} runs when the scheduler answered, {@code
   * onError} on a refusal or a transport failure.
   */
  public void completeAsync(
      CompleteWorkRequestRequest report, Runnable onAccepted, Consumer<Throwable> onError) {
    async.completeWorkRequest(
        report,
        new StreamObserver<CompleteWorkRequestResponse>() {
          @Override
          public void onNext(CompleteWorkRequestResponse r) {}

          @Override
          public void onError(Throwable t) {
            onError.accept(t);
          }

          @Override
          public void onCompleted() {
            onAccepted.run();
          }
        });
  }

  /** Ends the stream (the channel stays open). */
  @Override
  public void close() {
    try {
      out.onCompleted();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }
}
