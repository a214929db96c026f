package dev.kiln.scheduler.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which pending work each worker takes next: the in-memory form of the dispatch claim ({@code …
 * WHERE status = 'pending' AND tag_class_id = ANY(:compatible) ORDER BY effective priority DESC,
 * created_at, id LIMIT :free FOR UPDATE SKIP LOCKED}, one worker after the other). Each worker
 * takes, in {@link PendingWork#DISPATCH_ORDER}, the first work of a compatible class not taken yet,
 * up to its free slots. Work that no worker can take is skipped, never waited for, so it holds
 * nothing up.
 */
public final class DispatchPlanner {

  /** Concurrency of a worker that sets none. */
  public static final int DEFAULT_CONCURRENCY = 1;

  private DispatchPlanner() {}

  /**
   * A worker with room.
   *
   * @param workerId its id
   * @param compatibleTagClassIds the tag classes its class may take ({@link
   *     CompatibilityIndex#compatibleTagClassIds})
   * @param freeSlots how many more it may run now ({@link #freeSlots})
   */
  public record WorkerSlots(long workerId, long[] compatibleTagClassIds, int freeSlots) {

    /** Copies the ids. */
    public WorkerSlots {
      compatibleTagClassIds = compatibleTagClassIds.clone();
    }
  }

  /**
   * How many more work requests a worker may take: its concurrency less what it holds (pending
   * assignments and running), never below 0.
   *
   * @throws IllegalArgumentException for a concurrency below 1
   */
  public static int freeSlots(int concurrency, int held) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("a worker's concurrency is at least 1");
    }
    return Math.max(0, concurrency - held);
  }

  /**
   * The work each worker takes, by worker id in the order given (the caller orders workers, e.g.
   * longest idle first).
   *
   * @param pending pending work, in any order
   * @param workers workers with their free slots
   */
  public static Map<Long, List<Long>> plan(List<PendingWork> pending, List<WorkerSlots> workers) {
    List<PendingWork> ordered = new ArrayList<>(pending);
    ordered.sort(PendingWork.DISPATCH_ORDER);
    Set<Long> taken = new HashSet<>();
    Map<Long, List<Long>> out = new LinkedHashMap<>();
    for (WorkerSlots w : workers) {
      List<Long> mine = new ArrayList<>();
      long[] compatible = w.compatibleTagClassIds().clone();
      Arrays.sort(compatible);
      for (PendingWork p : ordered) {
        if (mine.size() >= w.freeSlots()) {
          break;
        }
        if (!taken.contains(p.id()) && Arrays.binarySearch(compatible, p.tagClassId()) >= 0) {
          taken.add(p.id());
          mine.add(p.id());
        }
      }
      out.put(w.workerId(), List.copyOf(mine));
    }
    return out;
  }
}
