package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;

/**
 * Priorities (debusine-reference §1.5): effective priority = base + adjustment, higher first. The
 * base comes from the workflow template for a root workflow, from the parent's effective priority
 * plus a relative offset for its children, and is 0 for a standalone work request. Adjustments
 * above 0 need the permission to manage priorities; without it, only the creator may adjust, and
 * only downwards (to a value ≤ 0).
 */
public final class PriorityRules {

  /**
   * Bound on the absolute value of a base or an adjustment, so their sum always fits the integer
   * column the dispatch index orders by.
   */
  public static final int MAX_ABS = 1_000_000;

  private PriorityRules() {}

  /** The priority dispatch orders by. */
  public static int effective(int base, int adjustment) {
    return base + adjustment;
  }

  /** The base priority of a child: its parent's effective priority plus the relative offset. */
  public static int childBase(int parentEffective, int relative) {
    return clamp(parentEffective + relative);
  }

  /**
   * Checks a new {@code priority_adjustment}.
   *
   * @param adjustment the new value
   * @param mayManagePriorities whether the caller holds the permission to manage priorities
   * @param callerIsCreator whether the caller created the work request
   * @throws ApiException invalid input out of range, forbidden without the right
   */
  public static void checkAdjustment(
      int adjustment, boolean mayManagePriorities, boolean callerIsCreator) {
    checkRange("priority_adjustment", adjustment);
    if (mayManagePriorities) {
      return;
    }
    if (!callerIsCreator) {
      throw ApiException.forbidden(
          "only the creator of a work request, or someone who may manage priorities, adjusts its"
              + " priority");
    }
    if (adjustment > 0) {
      throw ApiException.forbidden(
          "raising a priority (an adjustment above 0) needs the permission to manage priorities");
    }
  }

  /**
   * Checks a workflow template's priority: above 0 needs the permission to manage priorities.
   *
   * @throws ApiException invalid input out of range, forbidden without the right
   */
  public static void checkTemplatePriority(int priority, boolean mayManagePriorities) {
    checkRange("priority", priority);
    if (priority > 0 && !mayManagePriorities) {
      throw ApiException.forbidden(
          "a template priority above 0 needs the permission to manage priorities");
    }
  }

  private static void checkRange(String field, int value) {
    if (Math.abs((long) value) > MAX_ABS) {
      throw ApiException.invalidField(field, "must be between -" + MAX_ABS + " and " + MAX_ABS);
    }
  }

  private static int clamp(int v) {
    return Math.max(-MAX_ABS, Math.min(MAX_ABS, v));
  }
}
