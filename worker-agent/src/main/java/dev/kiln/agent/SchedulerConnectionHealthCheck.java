package dev.kiln.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the agent holds a welcomed stream to the scheduler. */
@Readiness
@ApplicationScoped
public class SchedulerConnectionHealthCheck implements HealthCheck {

  @Inject AgentLifecycle lifecycle;

  @Override
  public HealthCheckResponse call() {
    boolean connected = lifecycle.core() != null && lifecycle.core().connected();
    return HealthCheckResponse.named("scheduler-connection").status(connected).build();
  }
}
