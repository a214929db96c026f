package dev.kiln.agent.core;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The scheduler's gRPC API as the agent uses it. Holds the worker token: registers when there is
 * none and forgets it when a call answers UNAUTHENTICATED, so the next call registers again. Every
 * call but Register carries {@code authorization: Bearer <worker token>}.
 */
final class SchedulerClient {

  private static final Logger LOG = Logger.getLogger(SchedulerClient.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final AgentSettings settings;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceBlockingStub blocking;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceStub async;
  private String workerToken; // guarded by this

  SchedulerClient(ManagedChannel channel, AgentSettings settings) {
    this.channel = channel;
    this.settings = settings;
    this.blocking = WorkerAgentServiceGrpc.newBlockingStub(channel);
    this.async = WorkerAgentServiceGrpc.newStub(channel);
  }

  /** The worker token, registering first when the agent has none. */
  synchronized String token() {
    if (workerToken == null) {
      RegisterResponse r =
          blocking
              .withDeadlineAfter(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .register(
                  RegisterRequest.newBuilder()
                      .setRegistrationToken(settings.registrationToken())
                      .setName(settings.workerName())
                      .setWorkerType("worker")
                      .build());
      workerToken = r.getWorkerToken();
      LOG.infof("registered as worker %d ('%s')", r.getWorkerId(), settings.workerName());
    }
    return workerToken;
  }

  /** A call made with {@code token} answered UNAUTHENTICATED: register again on the next call. */
  synchronized void tokenRefused(String token) {
    if (token != null && Objects.equals(workerToken, token)) {
      LOG.warn("the scheduler refused the worker token: registering again");
      workerToken = null;
    }
  }

  /** Opens the agent stream; {@code observer} hears the server's messages. */
  StreamObserver<AgentMessage> connect(
      String token, ClientResponseObserver<AgentMessage, ServerMessage> observer) {
    return async.withInterceptors(bearer(token)).connect(observer);
  }

  /**
   * Reports an attempt's outcome.
   *
   * @throws StatusRuntimeException as the scheduler or the channel answered
   */
  CompleteWorkRequestResponse complete(String token, CompleteWorkRequestRequest request) {
    return blocking
        .withInterceptors(bearer(token))
        .withDeadlineAfter(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .completeWorkRequest(request);
  }

  /**
   * Before trying again after a failure: make the channel reconnect now rather than after its own
   * (up to two-minute) backoff, so that our backoff is the one that counts.
   */
  void resetConnectBackoff() {
    channel.resetConnectBackoff();
  }

  /** A status in one line: code, description and the cause's message, without a stack trace. */
  static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    if (status.getCause() != null) {
      text.append(" (").append(status.getCause().getMessage()).append(')');
    }
    return text.toString();
  }

  private static ClientInterceptor bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
