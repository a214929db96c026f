package dev.kiln.artifact.collection;

import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.repository.ArtifactEntity;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Workspace inheritance, as in Debusine: a workspace inherits the collections of its parents, in
 * order; a lookup of a collection by name ({@code name@category}, {@code _@category}) that the
 * workspace does not hold is looked up in its parents, depth first. The owner of a workspace sets
 * its parents, and must be able to read each of them; a chain may not loop back to the workspace. A
 * lookup skips the inherited workspaces its caller cannot read (Debusine's {@code can_display}).
 */
@ApplicationScoped
public class WorkspaceInheritanceService {

  @Inject WorkspaceInheritanceRepository repository;

  /** The workspace's direct parents, in order. */
  @Transactional
  public List<String> parents(String workspace, Caller caller) {
    ArtifactAccess.checkRead(caller, workspace);
    return repository.parents(workspace);
  }

  /**
   * Replaces the workspace's parents.
   *
   * @throws ApiException FORBIDDEN unless the caller owns the workspace and reads every parent,
   *     INVALID_INPUT naming {@code chain[i]} for a blank, repeated or looping parent
   */
  @Transactional
  public List<String> setParents(String workspace, List<String> chain, Caller caller) {
    ArtifactAccess.checkConfigure(caller, workspace, "set the workspace's inheritance");
    if (chain == null) {
      throw ApiException.invalidField("chain", "is required (an empty list inherits nothing)");
    }
    List<FieldError> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < chain.size(); i++) {
      String parent = chain.get(i);
      String field = "chain[" + i + "]";
      if (parent == null || parent.isBlank()) {
        errors.add(new FieldError(field, "is blank"));
      } else if (parent.equals(workspace)) {
        errors.add(new FieldError(field, "a workspace cannot inherit from itself"));
      } else if (!seen.add(parent)) {
        errors.add(new FieldError(field, "'" + parent + "' is listed twice"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    for (String parent : chain) {
      ArtifactAccess.checkRead(caller, parent);
    }
    // serialise changes of inheritance, so that two of them cannot close a loop together
    repository.lockChanges();
    for (int i = 0; i < chain.size(); i++) {
      List<String> above = repository.chain(chain.get(i));
      if (above.contains(workspace)) {
        throw ApiException.invalid(
            List.of(
                new FieldError(
                    "chain[" + i + "]",
                    "'"
                        + chain.get(i)
                        + "' inherits from '"
                        + workspace
                        + "' already ("
                        + String.join(" -> ", above.subList(0, above.indexOf(workspace) + 1))
                        + "): the chain would loop")));
      }
    }
    repository.setParents(workspace, chain);
    return List.copyOf(chain);
  }

  /**
   * The workspaces a lookup from {@code workspace} searches, in order: the workspace itself, then
   * the inherited ones the caller may read ({@link ArtifactAccess#searchesInherited}).
   */
  public List<String> lookupChain(String workspace, Caller caller) {
    List<String> chain = repository.chain(workspace);
    List<String> readable = new ArrayList<>(chain.size());
    readable.add(workspace);
    for (String w : chain.subList(1, chain.size())) {
      if (ArtifactAccess.searchesInherited(caller, workspace, w)) {
        readable.add(w);
      }
    }
    return readable;
  }

  /**
   * Checks that the caller may read this artifact ({@link ArtifactAccess#checkReadArtifact}): a
   * work request token reaches its inputs in the workspaces its own workspace inherits too.
   */
  public void checkReadArtifact(Caller caller, ArtifactEntity artifact) {
    ArtifactAccess.checkReadArtifact(
        caller, artifact.workspace, artifact.id, artifact.createdByWorkRequestId, this::inherits);
  }

  /**
   * Whether {@code workspace} inherits from {@code ancestor}, directly or through its parents (one
   * query).
   */
  public boolean inherits(String workspace, String ancestor) {
    List<String> chain = repository.chain(workspace);
    return chain.subList(1, chain.size()).contains(ancestor);
  }
}
