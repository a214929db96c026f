package dev.kiln.artifact.collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;

/** Workspace inheritance chains ({@code workspace_inheritance}). */
@ApplicationScoped
public class WorkspaceInheritanceRepository {

  @Inject EntityManager em;

  /** The workspace's direct parents, in order. */
  @SuppressWarnings("unchecked")
  public List<String> parents(String workspace) {
    return em.createNativeQuery(
            "SELECT parent FROM workspace_inheritance WHERE workspace = :w ORDER BY position",
            String.class)
        .setParameter("w", workspace)
        .getResultList();
  }

  /**
   * Serialises changes of inheritance until the transaction ends, so that two of them cannot close
   * a loop together.
   */
  public void lockChanges() {
    em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext('kiln.workspace_inheritance'))")
        .getSingleResult();
  }

  /** Replaces the workspace's direct parents. */
  public void setParents(String workspace, List<String> parents) {
    em.createNativeQuery("DELETE FROM workspace_inheritance WHERE workspace = :w")
        .setParameter("w", workspace)
        .executeUpdate();
    if (parents.isEmpty()) {
      return;
    }
    em.createNativeQuery(
            "INSERT INTO workspace_inheritance (workspace, position, parent)"
                + " SELECT :w, p.ord - 1, p.parent FROM unnest(cast(:parents AS text[]))"
                + " WITH ORDINALITY AS p(parent, ord)")
        .setParameter("w", workspace)
        .setParameter("parents", parents.toArray(new String[0]))
        .executeUpdate();
  }

  /**
   * The workspace and everything it inherits from, in lookup order: the workspace, then each parent
   * in order followed by what that parent inherits (depth first), each workspace once, at its first
   * place. One recursive query; a cycle (which {@link WorkspaceInheritanceService} refuses to
   * create) would end where it closes.
   */
  @SuppressWarnings("unchecked")
  public List<String> chain(String workspace) {
    return em.createNativeQuery(
            "WITH RECURSIVE chain(workspace, path, visited) AS ("
                + " SELECT cast(:w AS text), ARRAY[]::int[], ARRAY[cast(:w AS text)]"
                + " UNION ALL"
                + " SELECT i.parent, c.path || i.position, c.visited || i.parent"
                + " FROM chain c JOIN workspace_inheritance i ON i.workspace = c.workspace"
                + " WHERE NOT i.parent = ANY(c.visited))"
                + " SELECT workspace FROM ("
                + " SELECT DISTINCT ON (workspace) workspace, path FROM chain"
                + " ORDER BY workspace, path) first ORDER BY path",
            String.class)
        .setParameter("w", workspace)
        .getResultList();
  }
}
