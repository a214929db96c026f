package dev.kiln.artifact.domain;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.common.problem.ApiException;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Who may do what in a workspace. An administrator may do anything. A user acts by the role the
 * user token gives in the workspace (Debusine's roles): a viewer reads artifacts, files, relations,
 * collections and lookups; a contributor also creates artifacts, uploads their files, adds
 * relations and collection items; an owner also creates collections and sets the workspace's
 * retention. A work request token writes in its own workspace only: it creates artifacts there for
 * its own work request, uploads to the artifacts of its work request and relates them. It reads
 * what it created and its inputs (the artifacts the token lists: its resolved input fields), which
 * may lie in its workspace or in one its workspace inherits from (a collection of a parent
 * workspace resolved them). It never reads collections or runs lookups: the server resolved its
 * inputs into dynamic task data. The scheduler prepares work requests with a user token of its own
 * ({@link UserToken#PREPARATION_USER}, a viewer of the work request's workspace), whose lookups
 * search every workspace the work request's workspace inherits from. Every refusal is FORBIDDEN and
 * names what is missing.
 */
public final class ArtifactAccess {

  private ArtifactAccess() {}

  /**
   * Checks that the caller may create an artifact in the workspace and returns the work request the
   * artifact is recorded as created by.
   *
   * @param requestedWorkRequestId the work request the body names, or null
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static Long workRequestOfNewArtifact(
      Caller caller, String workspace, Long requestedWorkRequestId) {
    switch (caller.kind()) {
      case ADMIN:
        return requestedWorkRequestId;
      case WORK_REQUEST:
        if (!Objects.equals(workspace, caller.workspace())) {
          throw ApiException.forbidden(
              "a work request token may only create artifacts in its own workspace '"
                  + caller.workspace()
                  + "'");
        }
        if (requestedWorkRequestId != null
            && !requestedWorkRequestId.equals(caller.workRequestId())) {
          throw ApiException.forbidden(
              "a work request token may only create artifacts for its own work request "
                  + caller.workRequestId());
        }
        return caller.workRequestId();
      default:
        requireRole(caller, workspace, UserRole.CONTRIBUTOR, "create artifacts");
        if (requestedWorkRequestId != null) {
          // Debusine: only a worker's token may say which work request made an artifact
          throw ApiException.forbidden(
              "only a work request token (or an administrator) may set work_request_id");
        }
        return null;
    }
  }

  /**
   * Checks that the caller may upload files to an artifact. A contributor may upload to the
   * artifacts of the workspace that no work request created (the content is checked against the
   * declared SHA-256 either way); those of a work request take its token.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkUpload(
      Caller caller, String artifactWorkspace, Long artifactWorkRequestId) {
    switch (caller.kind()) {
      case ADMIN:
        return;
      case WORK_REQUEST:
        if (artifactWorkRequestId == null
            || !artifactWorkRequestId.equals(caller.workRequestId())
            || !artifactWorkspace.equals(caller.workspace())) {
          throw ApiException.forbidden(
              "a work request token may only upload to artifacts of its own work request "
                  + caller.workRequestId());
        }
        return;
      default:
        requireRole(caller, artifactWorkspace, UserRole.CONTRIBUTOR, "upload files");
        if (artifactWorkRequestId != null) {
          throw ApiException.forbidden(
              "the files of an artifact of work request "
                  + artifactWorkRequestId
                  + " are uploaded with that work request's token");
        }
    }
  }

  /**
   * Checks that the caller may read an artifact: its metadata, files and relations. A work request
   * token reads the artifacts its work request created and its inputs, in its workspace or in one
   * its workspace inherits from.
   *
   * @param artifactWorkRequestId the work request that created the artifact, or null
   * @param inherits whether a workspace (first) inherits, directly or not, from another (second);
   *     asked only for an input of a work request outside its own workspace
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkReadArtifact(
      Caller caller,
      String artifactWorkspace,
      long artifactId,
      Long artifactWorkRequestId,
      BiPredicate<String, String> inherits) {
    if (caller.kind() != Caller.Kind.WORK_REQUEST) {
      checkRead(caller, artifactWorkspace);
      return;
    }
    boolean own = artifactWorkspace.equals(caller.workspace());
    boolean input = caller.inputArtifactIds().contains(artifactId);
    if (!own) {
      if (!input || !inherits.test(caller.workspace(), artifactWorkspace)) {
        throw ApiException.forbidden(
            "a work request token reads in its own workspace '"
                + caller.workspace()
                + "', and its inputs also in the workspaces that one inherits from; artifact "
                + artifactId
                + " is in '"
                + artifactWorkspace
                + "'"
                + (input ? "" : " and is no input of work request " + caller.workRequestId()));
      }
      return;
    }
    if (!input && !caller.workRequestId().equals(artifactWorkRequestId)) {
      throw ApiException.forbidden(
          "a work request token reads only the inputs of work request "
              + caller.workRequestId()
              + " "
              + caller.inputArtifactIds()
              + " and the artifacts it created; artifact "
              + artifactId
              + " is neither");
    }
  }

  /**
   * Checks that the caller may read in a workspace: its collections and lookups (and, for users,
   * its artifacts). Work request tokens may not: a work request reads its inputs as resolved
   * values.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkRead(Caller caller, String workspace) {
    switch (caller.kind()) {
      case ADMIN:
        return;
      case WORK_REQUEST:
        throw ApiException.forbidden(
            "a work request token may not read collections or run lookups: the server resolved"
                + " the work request's inputs into its dynamic task data");
      default:
        requireRole(caller, workspace, UserRole.VIEWER, "read");
    }
  }

  /** Whether {@link #checkRead} lets the caller read in the workspace. */
  public static boolean canRead(Caller caller, String workspace) {
    return switch (caller.kind()) {
      case ADMIN -> true;
      case WORK_REQUEST -> false;
      default ->
          caller.kind() == Caller.Kind.USER
              && caller.roleIn(workspace).map(r -> r.includes(UserRole.VIEWER)).orElse(false);
    };
  }

  /**
   * Whether a lookup from {@code workspace} by the caller searches {@code inherited}, a workspace
   * it inherits from: when the caller may read it (Debusine's {@code can_display}), or when the
   * caller is the scheduler preparing the work requests of {@code workspace} ({@link
   * UserToken#PREPARATION_USER}): a work request reads what its workspace inherits, as its owner
   * set it (who could read each parent then).
   */
  public static boolean searchesInherited(Caller caller, String workspace, String inherited) {
    return canRead(caller, inherited)
        || (caller.kind() == Caller.Kind.USER
            && UserToken.PREPARATION_USER.equals(caller.name())
            && canRead(caller, workspace));
  }

  /**
   * Checks that the caller may relate an artifact to a target: a work request token its own
   * artifacts to artifacts of its workspace; a user, as contributor of the artifact's workspace, to
   * artifacts the user may read.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkRelate(
      Caller caller, String artifactWorkspace, Long artifactWorkRequestId, String targetWorkspace) {
    switch (caller.kind()) {
      case ADMIN:
        return;
      case WORK_REQUEST:
        if (!caller.workRequestId().equals(artifactWorkRequestId)
            || !caller.workspace().equals(targetWorkspace)) {
          throw ApiException.forbidden(
              "a work request token may only relate its own artifacts to artifacts of its"
                  + " workspace");
        }
        return;
      default:
        requireRole(caller, artifactWorkspace, UserRole.CONTRIBUTOR, "add relations");
        requireRole(caller, targetWorkspace, UserRole.VIEWER, "relate to its artifacts");
    }
  }

  /**
   * Checks that the caller may add and remove items of a collection of the workspace: contributors.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkChangeItems(Caller caller, String collectionWorkspace) {
    requireUserRole(caller, collectionWorkspace, UserRole.CONTRIBUTOR, "change collection items");
  }

  /**
   * Checks that the caller may create and configure the workspace's collections and its retention:
   * owners.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkConfigure(Caller caller, String workspace, String what) {
    requireUserRole(caller, workspace, UserRole.OWNER, what);
  }

  /** Administrators, and users of at least {@code role}; work request tokens never. */
  private static void requireUserRole(
      Caller caller, String workspace, UserRole role, String action) {
    switch (caller.kind()) {
      case ADMIN:
        return;
      case WORK_REQUEST:
        throw ApiException.forbidden(
            "a work request token may not "
                + action
                + "; it takes the "
                + role.wire()
                + " role in workspace '"
                + workspace
                + "'");
      default:
        requireRole(caller, workspace, role, action);
    }
  }

  private static void requireRole(Caller caller, String workspace, UserRole role, String action) {
    if (caller.kind() != Caller.Kind.USER) {
      throw ApiException.forbidden("only administrators and workspace members may " + action);
    }
    UserRole has = caller.roleIn(workspace).orElse(null);
    if (has == null || !has.includes(role)) {
      throw ApiException.forbidden(
          "to "
              + action
              + " in workspace '"
              + workspace
              + "' the "
              + role.wire()
              + " role is needed; "
              + caller.name()
              + (has == null ? " has no role there" : " is " + has.wire() + " there"));
    }
  }
}
