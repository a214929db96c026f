package dev.kiln.agent.executor;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

final class PosixPermissions {

  private PosixPermissions() {}

  /** The octal mode of a set of permissions (e.g. 0755). */
  static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }
}
