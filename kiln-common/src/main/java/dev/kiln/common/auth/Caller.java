package dev.kiln.common.auth;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, as proven by its bearer token.
 *
 * @param name a name for logs and audit (user name, {@code worker:<id>}, {@code wr:<id>})
 * @param kind what kind of token it was
 * @param workRequestId for {@link Kind#WORK_REQUEST} tokens: the work request they are scoped to
 * @param attempt for {@link Kind#WORK_REQUEST} tokens: the attempt they are scoped to
 * @param workspace for {@link Kind#WORK_REQUEST} tokens: the work request's workspace
 * @param roles for {@link Kind#USER} tokens: the user's role in each workspace; empty otherwise
 * @param inputArtifactIds for {@link Kind#WORK_REQUEST} tokens: the artifacts the work request
 *     reads; empty otherwise
 */
public record Caller(
    String name,
    Kind kind,
    Long workRequestId,
    Integer attempt,
    String workspace,
    Map<String, UserRole> roles,
    Set<Long> inputArtifactIds) {

  /** The kinds of caller. */
  public enum Kind {
    /** An administrator: may do anything. */
    ADMIN,
    /** A user of a workspace. */
    USER,
    /** An agent acting for one attempt of one work request. */
    WORK_REQUEST,
    /**
     * The workflow service, identified by its configured service token: creates and completes the
     * steps of workflows.
     */
    WORKFLOW,
    /** A registered worker, by its worker token (only the scheduler knows them). */
    WORKER
  }

  /** Copies the roles; none when null. */
  public Caller {
    roles = roles == null ? Map.of() : Map.copyOf(roles);
    inputArtifactIds = inputArtifactIds == null ? Set.of() : Set.copyOf(inputArtifactIds);
  }

  /** A caller without input artifacts. */
  public Caller(
      String name,
      Kind kind,
      Long workRequestId,
      Integer attempt,
      String workspace,
      Map<String, UserRole> roles) {
    this(name, kind, workRequestId, attempt, workspace, roles, Set.of());
  }

  /** A caller without workspace roles. */
  public Caller(String name, Kind kind, Long workRequestId, Integer attempt, String workspace) {
    this(name, kind, workRequestId, attempt, workspace, Map.of(), Set.of());
  }

  public static Caller admin(String name) {
    return new Caller(name, Kind.ADMIN, null, null, null);
  }

  /** The workflow service, by its service credential. */
  public static Caller workflowService() {
    return new Caller("workflow-service", Kind.WORKFLOW, null, null, null);
  }

  public static Caller forWorkRequest(WorkRequestToken token) {
    return new Caller(
        "wr:" + token.workRequestId(),
        Kind.WORK_REQUEST,
        token.workRequestId(),
        token.attempt(),
        token.workspace(),
        Map.of(),
        token.inputArtifactIds());
  }

  public static Caller forUser(UserToken token) {
    return new Caller(token.user(), Kind.USER, null, null, null, token.workspaces());
  }

  /** A worker, named {@code worker:<id>}. */
  public static Caller worker(long workerId) {
    return new Caller("worker:" + workerId, Kind.WORKER, null, null, null);
  }

  public boolean isAdmin() {
    return kind == Kind.ADMIN;
  }

  /** For a user: the role in a workspace, if any. Empty for other callers. */
  public Optional<UserRole> roleIn(String workspace) {
    return Optional.ofNullable(roles.get(workspace));
  }
}
