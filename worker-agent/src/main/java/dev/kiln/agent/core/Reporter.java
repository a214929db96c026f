package dev.kiln.agent.core;

import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Reports an attempt's outcome with CompleteWorkRequest, trying again with backoff until the
 * scheduler has it. The call is idempotent (the same report for the same attempt answers the same
 * way), so retrying after a lost answer is safe; once accepted, the report is never sent again.
 */
final class Reporter {

  private static final Logger LOG = Logger.getLogger(Reporter.class);

  /** How a report ended. */
  enum Delivery {
    ACCEPTED,
    /** FAILED_PRECONDITION: the attempt is not (or no longer) this worker's. */
    STALE,
    /** The scheduler refused it for good (invalid, unknown work request, forbidden). */
    REFUSED,
    /** The attempt was aborted while the report was pending. */
    CANCELLED
  }

  private final SchedulerClient client;
  private final AgentSettings settings;

  Reporter(SchedulerClient client, AgentSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * Reports until the scheduler has it, the scheduler refuses it, or {@code cancelled} says so.
   *
   * @throws InterruptedException when the thread is interrupted (the agent stops)
   */
  Delivery report(CompleteWorkRequestRequest request, BooleanSupplier cancelled)
      throws InterruptedException {
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    while (true) {
      if (cancelled.getAsBoolean()) {
        return Delivery.CANCELLED;
      }
      String token = null;
      try {
        token = client.token();
        CompleteWorkRequestResponse answer = client.complete(token, request);
        LOG.infof(
            "reported %s; the work request is now %s/%s",
            request.getResult(), answer.getStatus(), answer.getResult());
        return Delivery.ACCEPTED;
      } catch (StatusRuntimeException e) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while reporting");
        }
        Status status = e.getStatus();
        switch (status.getCode()) {
          case FAILED_PRECONDITION -> {
            LOG.warnf("the attempt is stale, dropping its report: %s", status.getDescription());
            return Delivery.STALE;
          }
          case INVALID_ARGUMENT,
              NOT_FOUND,
              PERMISSION_DENIED,
              ALREADY_EXISTS,
              OUT_OF_RANGE,
              UNIMPLEMENTED -> {
            LOG.errorf(
                "the scheduler refused the report, dropping it: %s",
                SchedulerClient.describe(status));
            return Delivery.REFUSED;
          }
          case UNAUTHENTICATED -> client.tokenRefused(token);
          default ->
              LOG.warnf(
                  "the report did not go through (%s); trying again",
                  SchedulerClient.describe(status));
        }
      }
      client.resetConnectBackoff();
      backoff.sleep();
    }
  }
}
