package dev.kiln.agent.core;

import dev.kiln.api.scheduler.v1.Abort;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.Heartbeat;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.Lease;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.Welcome;
import dev.kiln.api.scheduler.v1.WorkerSystem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Keeps the agent's stream to the scheduler open: registers when needed, sends Hello, waits for
 * Welcome, heartbeats the running attempts, hands assignments and aborts to the {@link Handler},
 * and when the stream breaks (or never opens) opens it again after an exponential backoff with
 * jitter. Runs on its own thread.
 */
final class SchedulerConnection {

  private static final Logger LOG = Logger.getLogger(SchedulerConnection.class);

  /** What the connection serves. Its methods are called on gRPC threads and must not block. */
  interface Handler {
    void onAssignment(Assignment assignment);

    void onAbort(Abort abort);

    /** The attempts running now, for the heartbeat. */
    List<Lease> leases();
  }

  private final SchedulerClient client;
  private final AgentSettings settings;
  private final List<String> providedTags;
  private final WorkerSystem system;
  private final Handler handler;
  private final AgentListener listener;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(r -> AgentCore.daemon(r, "kiln-agent-heartbeat"));
  private final Object sendLock = new Object();
  private final Thread thread;

  private volatile boolean stopping;
  private volatile boolean connected;
  private StreamObserver<AgentMessage> out; // guarded by sendLock
  private volatile ClientCallStreamObserver<AgentMessage> call;
  private volatile CompletableFuture<Void> streamEnded;

  SchedulerConnection(
      SchedulerClient client,
      AgentSettings settings,
      List<String> providedTags,
      WorkerSystem system,
      Handler handler,
      AgentListener listener) {
    this.client = client;
    this.settings = settings;
    this.providedTags = List.copyOf(providedTags);
    this.system = system;
    this.handler = handler;
    this.listener = listener;
    this.thread = AgentCore.daemon(this::loop, "kiln-agent-connection");
  }

  void start() {
    thread.start();
  }

  /** Whether the agent holds a stream the scheduler has welcomed. */
  boolean connected() {
    return connected;
  }

  private void loop() {
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    while (!stopping) {
      String token = null;
      try {
        token = client.token();
        if (runStream(token)) {
          backoff.reset(); // the stream had been up: start over with a short wait
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
          client.tokenRefused(token);
        }
        if (!stopping) {
          LOG.warnf("no stream to the scheduler: %s", SchedulerClient.describe(e.getStatus()));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("unexpected failure of the stream to the scheduler", e);
      }
      if (stopping) {
        return;
      }
      long wait = backoff.nextMillis();
      LOG.infof("connecting again in %d ms", wait);
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        return;
      }
      client.resetConnectBackoff();
    }
  }

  /**
   * Runs one stream until it ends.
   *
   * @return whether the scheduler welcomed it
   * @throws StatusRuntimeException the status the stream failed with
   */
  private boolean runStream(String token) throws InterruptedException {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    StreamState state = new StreamState();
    streamEnded = ended;
    StreamObserver<AgentMessage> stream =
        client.connect(
            token,
            new ClientResponseObserver<AgentMessage, ServerMessage>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
                call = requestStream;
              }

              @Override
              public void onNext(ServerMessage message) {
                switch (message.getBodyCase()) {
                  case WELCOME -> welcome(message.getWelcome(), state);
                  case ASSIGNMENT -> handler.onAssignment(message.getAssignment());
                  case ABORT -> handler.onAbort(message.getAbort());
                  default -> LOG.debugf("ignoring a server message %s", message.getBodyCase());
                }
              }

              @Override
              public void onError(Throwable t) {
                ended.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                ended.complete(null);
              }
            });
    synchronized (sendLock) {
      out = stream;
    }
    send(
        AgentMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .addAllProvidedTags(providedTags)
                    .setSystem(system)
                    .setConcurrency(settings.concurrency())
                    .setAgentVersion(settings.agentVersion()))
            .build());
    try {
      ended.get();
      if (!stopping) {
        LOG.warn("the scheduler closed the stream");
      }
    } catch (ExecutionException e) {
      if (!stopping) {
        throw Status.fromThrowable(e.getCause()).asRuntimeException();
      }
    } finally {
      synchronized (sendLock) {
        out = null;
      }
      synchronized (state) {
        state.closed = true;
        if (state.heartbeat != null) {
          state.heartbeat.cancel(false);
        }
      }
      if (connected) {
        connected = false;
        listener.connectionChanged(false);
      }
      ClientCallStreamObserver<AgentMessage> c = call;
      if (c != null) {
        c.cancel("the agent left the stream", null); // no-op when already closed
      }
    }
    return state.welcomed;
  }

  /** Per-stream state, guarded by itself. */
  private static final class StreamState {
    boolean welcomed;
    boolean closed;
    ScheduledFuture<?> heartbeat;
  }

  private void welcome(Welcome welcome, StreamState state) {
    synchronized (state) {
      if (state.welcomed || state.closed) {
        return;
      }
      state.welcomed = true;
      Duration every =
          welcome.getHeartbeatIntervalSeconds() > 0
              ? Duration.ofSeconds(welcome.getHeartbeatIntervalSeconds())
              : settings.heartbeatFallback();
      state.heartbeat =
          timers.scheduleAtFixedRate(
              this::heartbeat, 0, Math.max(1, every.toMillis()), TimeUnit.MILLISECONDS);
      LOG.infof(
          "connected to the scheduler as worker %d (heartbeat every %s)",
          welcome.getWorkerId(), every);
    }
    connected = true;
    listener.connectionChanged(true);
  }

  private void heartbeat() {
    try {
      send(
          AgentMessage.newBuilder()
              .setHeartbeat(Heartbeat.newBuilder().addAllLeases(handler.leases()))
              .build());
    } catch (RuntimeException e) {
      // a throwing periodic task would be cancelled for good: log and go on
      LOG.warn("could not send a heartbeat", e);
    }
  }

  private void send(AgentMessage message) {
    synchronized (sendLock) {
      if (out != null) {
        try {
          out.onNext(message);
        } catch (RuntimeException e) {
          LOG.debugf("could not send %s: %s", message.getBodyCase(), e.toString());
        }
      }
    }
  }

  /** Sends a message on the current stream, if there is one (else it is dropped). */
  void sendNow(AgentMessage message) {
    send(message);
  }

  /**
   * Sends a message if a welcomed stream can take it now (gRPC flow control says it is ready).
   *
   * @return false when there is no stream, or it is not ready: try again later
   */
  boolean trySend(AgentMessage message) {
    synchronized (sendLock) {
      ClientCallStreamObserver<AgentMessage> c = call;
      if (out == null || !connected || c == null || !c.isReady()) {
        return false;
      }
      try {
        out.onNext(message);
        return true;
      } catch (RuntimeException e) {
        LOG.debugf("could not send %s: %s", message.getBodyCase(), e.toString());
        return false;
      }
    }
  }

  /** Leaves the stream (half-closing it first) and stops reconnecting. */
  void stop() {
    stopping = true;
    synchronized (sendLock) {
      if (out != null) {
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // the stream is gone already
        }
      }
    }
    CompletableFuture<Void> ended = streamEnded;
    if (ended != null) {
      try {
        ended.get(2, TimeUnit.SECONDS); // let the scheduler close its side
      } catch (ExecutionException | TimeoutException e) {
        // cancelled below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ClientCallStreamObserver<AgentMessage> c = call;
    if (c != null) {
      c.cancel("the agent is stopping", null);
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
  }
}
