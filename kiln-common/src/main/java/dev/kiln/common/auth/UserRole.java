package dev.kiln.common.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A user's role in a workspace, as in Debusine: each role includes the ones before it. A viewer
 * reads the workspace; a contributor also creates artifacts, uploads and adds relations and
 * collection items; an owner also creates and configures collections and the workspace's retention.
 */
public enum UserRole {
  /** Reads artifacts, files, collections and lookups of the workspace. */
  VIEWER,
  /** A viewer who also creates artifacts, uploads files, adds relations and collection items. */
  CONTRIBUTOR,
  /** A contributor who also creates and configures collections and the workspace's retention. */
  OWNER;

  /** The name on the wire: {@code viewer}, {@code contributor}, {@code owner}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role grants everything {@code required} grants. */
  public boolean includes(UserRole required) {
    return compareTo(required) >= 0;
  }

  /** The role of a wire name, if it is one. */
  public static Optional<UserRole> fromWire(String wire) {
    return Arrays.stream(values()).filter(r -> r.wire().equals(wire)).findFirst();
  }
}
