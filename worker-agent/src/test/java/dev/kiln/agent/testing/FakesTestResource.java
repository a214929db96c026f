package dev.kiln.agent.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a fake scheduler and a fake artifact service and points the agent at them. */
public class FakesTestResource implements QuarkusTestResourceLifecycleManager {

  private FakeScheduler scheduler;
  private FakeArtifactService artifacts;

  @Override
  public Map<String, String> start() {
    try {
      scheduler = new FakeScheduler();
      artifacts = new FakeArtifactService();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fakes", e);
    }
    return Map.of(
        "kiln.agent.scheduler-host", "127.0.0.1",
        "kiln.agent.scheduler-port", String.valueOf(scheduler.port()),
        "kiln.agent.artifact-url", artifacts.url(),
        "kiln.agent.retry-max-backoff", "1s",
        "kiln.agent.drain-grace", "5s");
  }

  @Override
  public void stop() {
    try {
      if (scheduler != null) {
        scheduler.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (artifacts != null) {
      artifacts.close();
    }
  }
}
