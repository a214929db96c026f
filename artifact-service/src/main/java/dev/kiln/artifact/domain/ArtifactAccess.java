package dev.kiln.artifact.domain;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import java.util.Objects;

/**
 * Who may create, upload to and read which artifacts. An administrator may do anything. A work
 * request token reaches its own workspace only: it creates artifacts there for its own work
 * request, uploads to the artifacts of its work request, and reads any artifact of the workspace.
 * Other callers are refused until workspaces have members.
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
        throw ApiException.forbidden(
            "only administrators and work request tokens may create artifacts");
    }
  }

  /**
   * Checks that the caller may upload files to an artifact.
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
        throw ApiException.forbidden(
            "only administrators and work request tokens may upload files");
    }
  }

  /**
   * Checks that the caller may read in a workspace: its artifacts and their files, its collections
   * and lookups.
   *
   * @throws ApiException FORBIDDEN when the caller may not
   */
  public static void checkRead(Caller caller, String artifactWorkspace) {
    switch (caller.kind()) {
      case ADMIN:
        return;
      case WORK_REQUEST:
        if (!artifactWorkspace.equals(caller.workspace())) {
          throw ApiException.forbidden(
              "a work request token may only read in its own workspace '"
                  + caller.workspace()
                  + "'");
        }
        return;
      default:
        throw ApiException.forbidden(
            "only administrators and work request tokens may read artifacts");
    }
  }
}
