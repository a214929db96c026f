package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.task.TaskType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each of the six task types may do: who may create it, what it needs in {@code
 * workflow_data}, and how the scheduler handles it once pending ({@link Route}).
 *
 * <table>
 *   <caption>Rules by task type</caption>
 *   <tr><th>type</th><th>created by</th><th>needs</th><th>once pending</th></tr>
 *   <tr><td>worker</td><td>anyone</td><td></td><td>matched to a worker agent by tags</td></tr>
 *   <tr><td>signing</td><td>workflows, admins</td><td></td><td>matched to a signing agent only</td></tr>
 *   <tr><td>server</td><td>workflows, admins</td><td></td><td>matched to a server-task runner</td></tr>
 *   <tr><td>internal</td><td>workflows, admins; inside a workflow</td>
 *       <td>{@code workflow_data.step} for {@code workflow}</td>
 *       <td>{@code synchronization_point} completes at once; a {@code workflow} callback runs its
 *           parent's orchestrator, never two of the same workflow at a time</td></tr>
 *   <tr><td>workflow</td><td>anyone</td><td></td><td>orchestrated by the workflow service</td></tr>
 *   <tr><td>wait</td><td>anyone</td><td>{@code workflow_data.needs_input}</td>
 *       <td>running at once without a worker; {@code delay} completes when its time is reached,
 *           the others by an authorised API call</td></tr>
 * </table>
 */
public final class TaskTypeRules {

  /** {@code internal/synchronization_point}. */
  public static final String SYNCHRONIZATION_POINT = "synchronization_point";

  /** {@code internal/workflow}: a workflow callback. */
  public static final String WORKFLOW_CALLBACK = "workflow";

  /** {@code wait/delay}. */
  public static final String DELAY = "delay";

  private TaskTypeRules() {}

  /** Where a pending work request goes. */
  public enum Route {
    /** To a worker agent (tag matching). */
    WORKER_AGENT(true, WorkRequestStatus.RUNNING),
    /** To a signing agent (tag matching; signing agents take nothing else). */
    SIGNING_AGENT(true, WorkRequestStatus.RUNNING),
    /** To a server-task runner (tag matching). */
    SERVER_RUNNER(true, WorkRequestStatus.RUNNING),
    /** Completed with success by the scheduler (synchronization point). */
    COMPLETE_AT_ONCE(false, WorkRequestStatus.COMPLETED),
    /** Running, and the parent workflow's orchestrator runs the callback's step. */
    WORKFLOW_CALLBACK(false, WorkRequestStatus.RUNNING),
    /** Running, and the workflow service orchestrates it. */
    ORCHESTRATOR(false, WorkRequestStatus.RUNNING),
    /** Running without a worker until its {@code delay_until} passes. */
    WAIT_TIMER(false, WorkRequestStatus.RUNNING),
    /** Running without a worker until an authorised API call completes it. */
    WAIT_API(false, WorkRequestStatus.RUNNING);

    private final boolean needsWorker;
    private final WorkRequestStatus next;

    Route(boolean needsWorker, WorkRequestStatus next) {
      this.needsWorker = needsWorker;
      this.next = next;
    }

    /** Whether a worker process (agent or runner) is claimed for it by tag matching. */
    public boolean needsWorker() {
      return needsWorker;
    }

    /**
     * The status the scheduler moves it to from pending: running (by a claim when {@link
     * #needsWorker()}), or completed for a synchronization point.
     */
    public WorkRequestStatus nextStatus() {
      return next;
    }
  }

  /**
   * Errors of a creation, each naming its field; empty when allowed. Task name and task data are
   * checked by {@link TaskDataRules}.
   *
   * @param type the task type
   * @param taskName the task name
   * @param creator who creates it
   * @param parentType the task type of its parent, or null when it has none
   * @param workflowData its {@code workflow_data} (may be null: empty)
   */
  public static List<FieldError> checkCreate(
      TaskType type,
      String taskName,
      CreatorKind creator,
      TaskType parentType,
      Map<String, ?> workflowData) {
    Map<String, ?> wd = workflowData == null ? Map.of() : workflowData;
    List<FieldError> errors = new ArrayList<>();
    if (parentType != null && parentType != TaskType.WORKFLOW) {
      errors.add(
          new FieldError("parent", "only a workflow can have children, not a " + parentType));
    }
    switch (type) {
      case SIGNING, SERVER -> {
        if (creator == CreatorKind.USER) {
          errors.add(
              new FieldError(
                  "task_type", type + " work requests are created by workflows or admins only"));
        }
      }
      case INTERNAL -> {
        if (creator == CreatorKind.USER) {
          errors.add(
              new FieldError(
                  "task_type", "internal work requests are created by workflows or admins only"));
        }
        if (parentType == null) {
          errors.add(new FieldError("parent", "an internal work request belongs to a workflow"));
        }
        if (WORKFLOW_CALLBACK.equals(taskName)
            && !(wd.get("step") instanceof String s && !s.isBlank())) {
          errors.add(
              new FieldError(
                  "workflow_data.step",
                  "is required for a workflow callback (a non-empty string)"));
        }
      }
      case WAIT -> {
        if (!(wd.get("needs_input") instanceof Boolean)) {
          errors.add(
              new FieldError(
                  "workflow_data.needs_input", "is required for a wait task (true or false)"));
        }
      }
      case WORKER, WORKFLOW -> {}
    }
    return errors;
  }

  /**
   * How the scheduler handles a pending work request of this type and name.
   *
   * @throws IllegalArgumentException for an internal task other than the two there are
   */
  public static Route route(TaskType type, String taskName) {
    return switch (type) {
      case WORKER -> Route.WORKER_AGENT;
      case SIGNING -> Route.SIGNING_AGENT;
      case SERVER -> Route.SERVER_RUNNER;
      case WORKFLOW -> Route.ORCHESTRATOR;
      case WAIT -> DELAY.equals(taskName) ? Route.WAIT_TIMER : Route.WAIT_API;
      case INTERNAL ->
          switch (taskName) {
            case SYNCHRONIZATION_POINT -> Route.COMPLETE_AT_ONCE;
            case WORKFLOW_CALLBACK -> Route.WORKFLOW_CALLBACK;
            default ->
                throw new IllegalArgumentException("unknown internal task '" + taskName + "'");
          };
    };
  }

  /**
   * A pending workflow callback.
   *
   * @param id the callback's work request id
   * @param workflowId its parent workflow's id
   */
  public record Callback(long id, long workflowId) {}

  /**
   * The callbacks to start now: at most one per workflow, none for a workflow that already has one
   * running; the first in the given order wins (give them in id order, as Debusine does).
   *
   * @param pending pending callbacks
   * @param workflowsWithCallbackRunning workflows with a callback in flight (status running)
   */
  public static List<Long> startableCallbacks(
      List<Callback> pending, Set<Long> workflowsWithCallbackRunning) {
    Set<Long> busy = new HashSet<>(workflowsWithCallbackRunning);
    List<Long> start = new ArrayList<>();
    for (Callback c : pending) {
      if (busy.add(c.workflowId())) {
        start.add(c.id());
      }
    }
    return start;
  }

  /** Whether a running {@code wait/delay} is due: its {@code delay_until} has been reached. */
  public static boolean delayDue(Instant delayUntil, Instant now) {
    return !now.isBefore(delayUntil);
  }

  /**
   * Checks that a caller may complete a wait work request through the API: not a {@code delay} (its
   * time completes it), running, and the caller is its creator, an admin or the workflow service.
   *
   * @throws ApiException naming the reason otherwise (forbidden for the wrong caller, else
   *     precondition failed)
   */
  public static void checkWaitCompletion(
      long id,
      TaskType type,
      String taskName,
      WorkRequestStatus status,
      CreatorKind caller,
      boolean callerIsCreator) {
    String wr = "work request " + id;
    if (type != TaskType.WAIT) {
      throw ApiException.preconditionFailed(wr + " is a " + type + " task, not a wait task");
    }
    if (DELAY.equals(taskName)) {
      throw ApiException.preconditionFailed(
          wr + " is a delay: it completes when its time is reached");
    }
    if (status != WorkRequestStatus.RUNNING) {
      throw ApiException.preconditionFailed(wr + " is " + status.wire() + ", not running");
    }
    if (caller == CreatorKind.USER && !callerIsCreator) {
      throw ApiException.forbidden(wr + " can only be completed by its creator or an admin");
    }
  }
}
