package dev.kiln.workflow.domain.template;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.problem.ApiException;

/**
 * Who may do what with a workspace's templates: viewers read them, contributors start workflows
 * from them, owners create, change and delete them (and may give them a priority above 0). An
 * administrator may do anything; the workflow service's own token reads. Every refusal is FORBIDDEN
 * and names the missing role.
 */
public final class TemplateAccess {

  private TemplateAccess() {}

  /** Reading the templates of a workspace. */
  public static void checkRead(Caller caller, String workspace) {
    if (caller.kind() == Caller.Kind.WORKFLOW) {
      return;
    }
    require(caller, workspace, UserRole.VIEWER, "read workflow templates");
  }

  /** Creating, changing or deleting a template. */
  public static void checkWrite(Caller caller, String workspace) {
    require(caller, workspace, UserRole.OWNER, "manage workflow templates");
  }

  /** Starting a workflow from a template. */
  public static void checkStart(Caller caller, String workspace) {
    require(caller, workspace, UserRole.CONTRIBUTOR, "start workflows");
  }

  /** Whether the caller may give a template a priority above 0 (owners and admins). */
  public static boolean mayRaisePriority(Caller caller, String workspace) {
    return caller.isAdmin()
        || (caller.kind() == Caller.Kind.USER
            && caller.roleIn(workspace).map(r -> r.includes(UserRole.OWNER)).orElse(false));
  }

  private static void require(Caller caller, String workspace, UserRole role, String what) {
    if (caller.isAdmin()) {
      return;
    }
    if (caller.kind() != Caller.Kind.USER) {
      throw ApiException.forbidden("only users and administrators may " + what);
    }
    if (!caller.roleIn(workspace).map(r -> r.includes(role)).orElse(false)) {
      throw ApiException.forbidden(
          "to " + what + " in workspace '" + workspace + "' takes the role " + role.wire());
    }
  }
}
