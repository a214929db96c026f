package dev.kiln.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.List;

/**
 * The set-based statements that delete expired work requests. A root workflow (or a work request
 * outside any workflow) goes with its whole tree, or not at all: its own {@code expires_at} has
 * passed, every member has ended (completed or aborted: nothing blocked, pending or running), and
 * every member with an {@code expires_at} of its own has passed it too (a member without one
 * follows its root). Dependency edges never cross root workflows, so no unfinished work request
 * outside the tree can depend on a member.
 */
@ApplicationScoped
public class ExpiryRepository {

  private static final String DELETABLE_ROOT =
      "r.root_id IS NULL AND r.expires_at <= now() AND r.status IN ('completed', 'aborted')"
          + " AND NOT EXISTS (SELECT 1 FROM work_request m WHERE m.root_id = r.id"
          + "   AND (m.status NOT IN ('completed', 'aborted') OR m.expires_at > now()))"
          // belt and braces: nothing unfinished depends on a member (edges stay in one tree)
          + " AND NOT EXISTS (SELECT 1 FROM work_request m"
          + "   JOIN work_request_dependency e ON e.depends_on_id = m.id"
          + "   JOIN work_request d ON d.id = e.work_request_id"
          + "   WHERE (m.id = r.id OR m.root_id = r.id)"
          + "   AND d.status NOT IN ('completed', 'aborted'))";

  @Inject EntityManager em;

  /**
   * Up to {@code limit} deletable roots but those {@code leftOut}, oldest expiry first (not locked:
   * see {@link #delete}).
   */
  @SuppressWarnings("unchecked")
  public List<Long> deletableRoots(int limit, Collection<Long> leftOut) {
    List<Number> rows =
        em.createNativeQuery(
                "SELECT r.id FROM work_request r WHERE "
                    + DELETABLE_ROOT
                    + " AND NOT (r.id = ANY(?2)) ORDER BY r.expires_at LIMIT ?1")
            .setParameter(1, limit)
            .setParameter(2, leftOut.toArray(new Long[0]))
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /**
   * Deletes the trees of these roots that are still deletable (checked again under the caller's
   * root locks), in a fixed number of statements: their dependency edges, the graph mutations
   * applied to them (the answers kept for repeated idempotency keys), the {@code supersedes} links
   * of retries outside the trees (they stay, without the history), then the rows.
   *
   * @return the ids deleted
   */
  @SuppressWarnings("unchecked")
  public List<Long> delete(Collection<Long> roots) {
    if (roots.isEmpty()) {
      return List.of();
    }
    List<Number> tree =
        em.createNativeQuery(
                "SELECT m.id FROM work_request r JOIN work_request m"
                    + " ON m.id = r.id OR m.root_id = r.id"
                    + " WHERE r.id = ANY(?1) AND "
                    + DELETABLE_ROOT
                    + " ORDER BY m.id FOR UPDATE OF m")
            .setParameter(1, roots.toArray(new Long[0]))
            .getResultList();
    if (tree.isEmpty()) {
      return List.of();
    }
    Long[] ids = tree.stream().map(Number::longValue).toArray(Long[]::new);
    em.createNativeQuery(
            "DELETE FROM work_request_dependency"
                + " WHERE work_request_id = ANY(?1) OR depends_on_id = ANY(?1)")
        .setParameter(1, ids)
        .executeUpdate();
    em.createNativeQuery("DELETE FROM workflow_graph_mutation WHERE root_id = ANY(?1)")
        .setParameter(1, ids)
        .executeUpdate();
    em.createNativeQuery(
            "UPDATE work_request SET supersedes_id = NULL"
                + " WHERE supersedes_id = ANY(?1) AND NOT (id = ANY(?1))")
        .setParameter(1, ids)
        .executeUpdate();
    em.createNativeQuery("DELETE FROM work_request WHERE id = ANY(?1)")
        .setParameter(1, ids)
        .executeUpdate();
    return List.of(ids);
  }
}
