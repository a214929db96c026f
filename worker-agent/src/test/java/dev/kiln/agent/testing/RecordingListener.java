package dev.kiln.agent.testing;

import dev.kiln.agent.core.AgentListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the agent reports to its listener. */
public final class RecordingListener implements AgentListener {

  public final Map<String, AttemptEnd> ends = new ConcurrentHashMap<>();
  public final List<String> declined = new CopyOnWriteArrayList<>();
  public final List<Boolean> connectionChanges = new CopyOnWriteArrayList<>();

  @Override
  public void connectionChanged(boolean connected) {
    connectionChanges.add(connected);
  }

  @Override
  public void assignmentDeclined(long workRequestId, int attempt, String why) {
    declined.add(workRequestId + "/" + attempt);
  }

  @Override
  public void attemptEnded(long workRequestId, int attempt, AttemptEnd end) {
    ends.put(workRequestId + "/" + attempt, end);
  }

  /** How the attempt ended, waiting for it to end. */
  public AttemptEnd awaitEnd(long workRequestId, int attempt) throws InterruptedException {
    String key = workRequestId + "/" + attempt;
    Await.until("attempt " + key + " ends", () -> ends.containsKey(key));
    return ends.get(key);
  }
}
