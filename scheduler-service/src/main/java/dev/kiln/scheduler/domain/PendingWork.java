package dev.kiln.scheduler.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A pending work request as dispatch sees it.
 *
 * @param id its id
 * @param tagClassId the id of its {@link TagClass}
 * @param effectivePriority base + adjustment
 * @param createdAt when it was created
 */
public record PendingWork(long id, long tagClassId, int effectivePriority, Instant createdAt) {

  /**
   * Dispatch order, the one the dispatch index serves: effective priority descending, then the
   * oldest first, then by id (a total order, so replicas agree).
   */
  public static final Comparator<PendingWork> DISPATCH_ORDER =
      Comparator.comparingInt(PendingWork::effectivePriority)
          .reversed()
          .thenComparing(PendingWork::createdAt)
          .thenComparingLong(PendingWork::id);

  /** Checks the creation time is present. */
  public PendingWork {
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
