package dev.kiln.task.server.lookup;

import java.util.Map;

/**
 * Resolves lookups, many per call. Implemented by a client of the artifact service's batch lookup
 * API; the task model calls it at most once per resolution step.
 *
 * <p>A lookup that finds nothing (or is malformed, or forbidden) answers {@link
 * LookupOutcome.Failed} under its key: the work request then fails with {@code
 * dynamic-data-failed}. A transport failure (the service unreachable) is thrown as an unchecked
 * exception instead, so the caller can retry later rather than fail the work request.
 */
@FunctionalInterface
public interface LookupResolver {

  /**
   * Resolves every lookup of the batch.
   *
   * @return an outcome for each key of {@link LookupBatch#lookups()}
   */
  Map<String, LookupOutcome> resolve(LookupBatch batch);
}
