package dev.kiln.scheduler.domain;

/** Who creates a work request, as far as the task-type rules care. */
public enum CreatorKind {
  /** A user through the API. */
  USER,
  /** An administrator (the admin token, or a user holding the admin role). */
  ADMIN,
  /** The workflow service, creating the steps of a workflow. */
  WORKFLOW
}
