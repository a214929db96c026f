package dev.kiln.task.server;

/**
 * What task configuration is looked up by.
 *
 * @param subject the subject (e.g. a source package name), or null
 * @param context the configuration context (e.g. a codename or an architecture), or null
 */
public record SubjectContext(String subject, String context) {

  /** Neither subject nor context. */
  public static SubjectContext none() {
    return new SubjectContext(null, null);
  }
}
