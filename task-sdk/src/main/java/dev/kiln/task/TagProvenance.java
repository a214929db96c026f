package dev.kiln.task;

/**
 * Who vouches for a tag. Matching trusts a tag only as far as its provenance: users may only narrow
 * where a task runs (their tags are task-required tags), task-provided tags are system-only, and
 * tags in protected namespaces count only with admin provenance.
 */
public enum TagProvenance {
  /** Computed by Kiln itself (the task model, the scheduler). */
  SYSTEM,
  /** Set by an administrator (static worker tags, pool tags). */
  ADMIN,
  /** Reported by a worker about itself; not trusted for protected namespaces. */
  WORKER,
  /** Taken from what a user submitted (task data). */
  USER
}
