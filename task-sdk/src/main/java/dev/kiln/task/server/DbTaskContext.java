package dev.kiln.task.server;

import dev.kiln.task.server.lookup.LookupResolver;
import java.util.Objects;

/**
 * What a DB task may use on the server, given by the service that instantiates it.
 *
 * @param workspace the work request's workspace (lookups run in it)
 * @param workflowRootId the root workflow of the work request, or null
 * @param lookups resolves lookups (a client of the artifact service's batch lookup API)
 * @param fallbackArchitecture the server-defined architecture for tasks whose task data leaves
 *     theirs unset (a configuration value of the service, e.g. {@code amd64}); never the worker's
 */
public record DbTaskContext(
    String workspace, Long workflowRootId, LookupResolver lookups, String fallbackArchitecture) {

  /** Checks the parts. */
  public DbTaskContext {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(lookups, "lookups");
    Objects.requireNonNull(fallbackArchitecture, "fallbackArchitecture");
    if (fallbackArchitecture.isBlank()) {
      throw new IllegalArgumentException("the fallback architecture must not be blank");
    }
  }
}
