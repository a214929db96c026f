package dev.kiln.common.auth;

/**
 * Who made a request, as proven by its bearer token.
 *
 * @param name a name for logs and audit (user name, {@code worker:<id>}, {@code wr:<id>})
 * @param kind what kind of token it was
 * @param workRequestId for {@link Kind#WORK_REQUEST} tokens: the work request they are scoped to
 * @param attempt for {@link Kind#WORK_REQUEST} tokens: the attempt they are scoped to
 * @param workspace for {@link Kind#WORK_REQUEST} tokens: the work request's workspace
 */
public record Caller(
    String name, Kind kind, Long workRequestId, Integer attempt, String workspace) {

  /** The kinds of caller. */
  public enum Kind {
    /** An administrator: may do anything. */
    ADMIN,
    /** A user of a workspace. */
    USER,
    /** An agent acting for one attempt of one work request. */
    WORK_REQUEST
  }

  public static Caller admin(String name) {
    return new Caller(name, Kind.ADMIN, null, null, null);
  }

  public static Caller forWorkRequest(WorkRequestToken token) {
    return new Caller(
        "wr:" + token.workRequestId(),
        Kind.WORK_REQUEST,
        token.workRequestId(),
        token.attempt(),
        token.workspace());
  }

  public boolean isAdmin() {
    return kind == Kind.ADMIN;
  }
}
