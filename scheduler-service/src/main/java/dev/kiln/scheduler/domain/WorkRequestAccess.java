package dev.kiln.scheduler.domain;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.problem.ApiException;
import java.util.Objects;

/**
 * Who may do what with work requests. Administrators and the workflow service (its configured
 * service token, {@link Caller.Kind#WORKFLOW}) may do everything; a user needs a role in the work
 * request's workspace: a viewer reads, a contributor also creates and aborts or retries their own
 * work requests and completes their own wait tasks, an owner manages every work request of the
 * workspace (abort, retry, manual unblock, priority). A work request token only reads its own work
 * request.
 */
public final class WorkRequestAccess {

  private WorkRequestAccess() {}

  /** The creator kind of the task-type rules for this caller. */
  public static CreatorKind creatorKind(Caller caller) {
    return switch (caller.kind()) {
      case ADMIN -> CreatorKind.ADMIN;
      case WORKFLOW -> CreatorKind.WORKFLOW;
      case USER, WORK_REQUEST, WORKER -> CreatorKind.USER;
    };
  }

  /** Whether the caller is an administrator or the workflow service. */
  public static boolean isService(Caller caller) {
    return caller.kind() == Caller.Kind.ADMIN || caller.kind() == Caller.Kind.WORKFLOW;
  }

  /**
   * Checks that the caller may read a work request.
   *
   * @throws ApiException forbidden otherwise
   */
  public static void checkRead(Caller caller, long id, String workspace) {
    if (caller.kind() == Caller.Kind.WORK_REQUEST) {
      if (!Objects.equals(caller.workRequestId(), id)) {
        throw ApiException.forbidden(
            "a work request token only reads its own work request " + caller.workRequestId());
      }
      return;
    }
    require(caller, workspace, UserRole.VIEWER, "read its work requests");
  }

  /**
   * Checks that the caller may create work requests in a workspace.
   *
   * @throws ApiException forbidden otherwise
   */
  public static void checkCreate(Caller caller, String workspace) {
    require(caller, workspace, UserRole.CONTRIBUTOR, "create work requests");
  }

  /**
   * Checks that the caller may abort or retry a work request: a contributor their own, an owner any
   * of the workspace.
   *
   * @throws ApiException forbidden otherwise
   */
  public static void checkManageOwn(
      Caller caller, String workspace, String createdBy, String action) {
    if (isService(caller)) {
      return;
    }
    if (caller.kind() == Caller.Kind.USER && caller.name().equals(createdBy)) {
      require(caller, workspace, UserRole.CONTRIBUTOR, action + " their own work requests");
    } else {
      require(caller, workspace, UserRole.OWNER, action + " the work requests of others");
    }
  }

  /**
   * Checks that the caller manages the workspace (manual unblock): an owner.
   *
   * @throws ApiException forbidden otherwise
   */
  public static void checkOwner(Caller caller, String workspace, String action) {
    require(caller, workspace, UserRole.OWNER, action);
  }

  /** Whether the caller may manage priorities in the workspace (raise them): owner or service. */
  public static boolean mayManagePriorities(Caller caller, String workspace) {
    return isService(caller)
        || (caller.kind() == Caller.Kind.USER
            && caller.roleIn(workspace).map(r -> r.includes(UserRole.OWNER)).orElse(false));
  }

  private static void require(Caller caller, String workspace, UserRole role, String action) {
    if (isService(caller)) {
      return;
    }
    if (caller.kind() != Caller.Kind.USER) {
      throw ApiException.forbidden("a work request token cannot " + action);
    }
    boolean ok = caller.roleIn(workspace).map(r -> r.includes(role)).orElse(false);
    if (!ok) {
      throw ApiException.forbidden(
          "user "
              + caller.name()
              + " needs the role "
              + role.wire()
              + " in workspace '"
              + workspace
              + "' to "
              + action);
    }
  }
}
