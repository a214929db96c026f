package dev.kiln.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.scheduler.client.LookupUnavailableException;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for the artifact service's lookup API in the scheduler's tests (no artifact service
 * runs here; the end-to-end tests use the real one). Answers from a table keyed by (workspace,
 * lookup JSON); anything else fails with {@code lookup-failed}, as the service does when nothing
 * matches. Records every batch, can fail the next calls as a transport failure would, and can hold
 * calls until released.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeLookups implements LookupResolver {

  private final Map<String, LookupOutcome> table = new ConcurrentHashMap<>();
  private final List<LookupBatch> batches = new CopyOnWriteArrayList<>();
  private final AtomicInteger transportFailures = new AtomicInteger();
  private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
  private final AtomicInteger held = new AtomicInteger();

  @Override
  public Map<String, LookupOutcome> resolve(LookupBatch batch) {
    CountDownLatch g = gate.get();
    if (g != null) {
      held.incrementAndGet();
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        held.decrementAndGet();
      }
    }
    batches.add(batch);
    if (transportFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new LookupUnavailableException("connection refused (fake)", null);
    }
    Map<String, LookupOutcome> out = new ConcurrentHashMap<>();
    batch
        .lookups()
        .forEach(
            (k, q) ->
                out.put(
                    k,
                    table.getOrDefault(
                        key(batch.workspace(), q.lookup()),
                        new LookupOutcome.Failed(
                            "lookup-failed", q.lookup() + ": nothing matches (fake)"))));
    return out;
  }

  /** Answers this string lookup in this workspace with an artifact of this data (key, value...). */
  public FakeLookups artifact(
      String workspace, String lookup, long id, String category, String... data) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i + 1 < data.length; i += 2) {
      d.put(data[i], data[i + 1]);
    }
    table.put(
        key(workspace, JsonNodeFactory.instance.textNode(lookup)),
        new LookupOutcome.Artifact(new ArtifactInfo(id, category, d)));
    return this;
  }

  /** Answers this lookup (JSON) in this workspace with this outcome. */
  public FakeLookups answer(String workspace, JsonNode lookup, LookupOutcome outcome) {
    table.put(key(workspace, lookup), outcome);
    return this;
  }

  /** The next {@code n} calls fail as if the service were unreachable. */
  public void failNextCalls(int n) {
    transportFailures.set(n);
  }

  /** Holds every call until {@link #release()}. */
  public void hold() {
    gate.set(new CountDownLatch(1));
  }

  /** How many calls are waiting for {@link #release()}. */
  public int held() {
    return held.get();
  }

  public void release() {
    CountDownLatch g = gate.getAndSet(null);
    if (g != null) {
      g.countDown();
    }
  }

  /** The batches received (including those that failed), in order. */
  public List<LookupBatch> batches() {
    return batches;
  }

  /** The batches received for this workspace. */
  public List<LookupBatch> batches(String workspace) {
    return batches.stream().filter(b -> b.workspace().equals(workspace)).toList();
  }

  private static String key(String workspace, JsonNode lookup) {
    return workspace + "\n" + lookup;
  }
}
