package dev.kiln.artifact.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;

/**
 * Per-content locks, so that the retention sweep never deletes the bytes of a content that an
 * upload or a new artifact is claiming at the same moment: PostgreSQL transaction-level advisory
 * locks keyed by the first 64 bits of the SHA-256, so every replica sharing the database takes the
 * same lock. Claiming a content (committing an upload into the store and marking the file complete;
 * declaring an artifact that reuses a stored content) holds a shared lock until its transaction
 * ends, so claims never wait for each other; the sweep takes exclusive locks, re-checks under them
 * that nothing refers to the contents, and deletes their bytes before it commits. A claim that
 * comes after the sweep thus finds the content gone (and stores it again, or asks for an upload); a
 * sweep that comes after a claim sees the claiming file and keeps the content. Locks of several
 * contents are taken in key order, so a claim and a sweep cannot deadlock. Two contents whose keys
 * collide only serialise each other.
 */
@ApplicationScoped
public class ContentLocks {

  @Inject EntityManager em;

  /** The lock key of a content. */
  static long key(String sha256) {
    return Long.parseUnsignedLong(sha256.substring(0, 16), 16);
  }

  /** Shared locks of these contents until the transaction ends (a claim). */
  public void lockShared(Collection<String> sha256s) {
    lock(sha256s, "pg_advisory_xact_lock_shared");
  }

  /** Exclusive locks of these contents until the transaction ends (the sweep). */
  public void lockExclusive(Collection<String> sha256s) {
    lock(sha256s, "pg_advisory_xact_lock");
  }

  private void lock(Collection<String> sha256s, String function) {
    if (sha256s.isEmpty()) {
      return;
    }
    Long[] keys = sha256s.stream().map(ContentLocks::key).distinct().sorted().toArray(Long[]::new);
    // one statement for all of them, in key order (the sorted subquery feeds the calls in order)
    em.createNativeQuery(
            "SELECT count("
                + function
                + "(k)) FROM"
                + " (SELECT k FROM unnest(cast(?1 AS bigint[])) AS k ORDER BY k) ordered")
        .setParameter(1, keys)
        .getSingleResult();
  }
}
