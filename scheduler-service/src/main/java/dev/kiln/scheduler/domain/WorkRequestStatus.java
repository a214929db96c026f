package dev.kiln.scheduler.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Status of a work request, with the only transitions allowed ({@link #TRANSITIONS}).
 *
 * <table>
 *   <caption>Transitions</caption>
 *   <tr><th>from</th><th>to</th><th>when</th></tr>
 *   <tr><td>blocked</td><td>pending</td><td>dependencies satisfied, or a manual accept</td></tr>
 *   <tr><td>blocked</td><td>aborted</td><td>a dependency failed, a manual reject, an abort</td></tr>
 *   <tr><td>pending</td><td>blocked</td><td>a dependency added that is not satisfied yet</td></tr>
 *   <tr><td>pending</td><td>running</td><td>assigned to a worker, or started by the scheduler</td></tr>
 *   <tr><td>pending</td><td>completed</td><td>a synchronization point; an error before assignment</td></tr>
 *   <tr><td>pending</td><td>aborted</td><td>an abort</td></tr>
 *   <tr><td>running</td><td>pending</td><td>a lost lease (automatic retry) or a released assignment</td></tr>
 *   <tr><td>running</td><td>completed</td><td>a result</td></tr>
 *   <tr><td>running</td><td>aborted</td><td>an abort</td></tr>
 * </table>
 *
 * <p>{@code completed} and {@code aborted} are terminal: they never change. A retry creates a new
 * work request that supersedes the old one ({@link RetryRules}); unlike Debusine, no workflow is
 * ever moved back from a terminal status.
 */
public enum WorkRequestStatus {
  BLOCKED,
  PENDING,
  RUNNING,
  COMPLETED,
  ABORTED;

  /** The legal moves: from a status to the statuses it may take next. */
  public static final Map<WorkRequestStatus, Set<WorkRequestStatus>> TRANSITIONS = table();

  /** The status as stored and sent: lower case. */
  public String wire() {
    return name().toLowerCase();
  }

  /**
   * The status of this wire name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static WorkRequestStatus fromWire(String value) {
    return valueOf(value.toUpperCase());
  }

  /** Whether the status never changes again. */
  public boolean isTerminal() {
    return this == COMPLETED || this == ABORTED;
  }

  /** Whether a work request in this status may move to {@code next}. */
  public boolean canTransitionTo(WorkRequestStatus next) {
    return TRANSITIONS.get(this).contains(next);
  }

  /**
   * Checks a move and returns its target.
   *
   * @throws IllegalTransitionException naming the move when it is not in {@link #TRANSITIONS}
   */
  public WorkRequestStatus transitionTo(WorkRequestStatus next) {
    if (!canTransitionTo(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
  }

  private static Map<WorkRequestStatus, Set<WorkRequestStatus>> table() {
    Map<WorkRequestStatus, Set<WorkRequestStatus>> t = new EnumMap<>(WorkRequestStatus.class);
    t.put(BLOCKED, Collections.unmodifiableSet(EnumSet.of(PENDING, ABORTED)));
    t.put(PENDING, Collections.unmodifiableSet(EnumSet.of(BLOCKED, RUNNING, COMPLETED, ABORTED)));
    t.put(RUNNING, Collections.unmodifiableSet(EnumSet.of(PENDING, COMPLETED, ABORTED)));
    t.put(COMPLETED, Collections.unmodifiableSet(EnumSet.noneOf(WorkRequestStatus.class)));
    t.put(ABORTED, Collections.unmodifiableSet(EnumSet.noneOf(WorkRequestStatus.class)));
    return Collections.unmodifiableMap(t);
  }
}
