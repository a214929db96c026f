package dev.kiln.agent;

import dev.kiln.agent.core.AgentCore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the agent holds a stream the scheduler has welcomed, and is not draining. */
@Readiness
@ApplicationScoped
public class SchedulerConnectionHealthCheck implements HealthCheck {

  @Inject AgentLifecycle lifecycle;

  @Override
  public HealthCheckResponse call() {
    Optional<AgentCore> agent = lifecycle.agent();
    boolean connected = agent.map(AgentCore::connected).orElse(false);
    boolean draining = agent.map(AgentCore::draining).orElse(false);
    return HealthCheckResponse.named("scheduler-connection")
        .status(connected && !draining)
        .withData("connected", connected)
        .withData("draining", draining)
        .withData("running", agent.map(AgentCore::runningCount).orElse(0))
        .build();
  }
}
