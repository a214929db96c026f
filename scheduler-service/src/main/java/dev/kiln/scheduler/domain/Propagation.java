package dev.kiln.scheduler.domain;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a work request reaching a terminal status does to the blocked work requests that depend on
 * it, directly or not: the service applies each set with one {@code UPDATE … WHERE id = ANY(…) AND
 * status = 'blocked'}.
 *
 * @param unblock ids to move {@code blocked -> pending}
 * @param abort ids to move {@code blocked -> aborted}
 */
public record Propagation(SortedSet<Long> unblock, SortedSet<Long> abort) {

  /** Copies both sets; they never overlap. */
  public Propagation {
    unblock = Collections.unmodifiableSortedSet(new TreeSet<>(unblock));
    abort = Collections.unmodifiableSortedSet(new TreeSet<>(abort));
    for (Long id : unblock) {
      if (abort.contains(id)) {
        throw new IllegalArgumentException("work request " + id + " both unblocked and aborted");
      }
    }
  }

  /** Whether nothing changes. */
  public boolean isEmpty() {
    return unblock.isEmpty() && abort.isEmpty();
  }
}
