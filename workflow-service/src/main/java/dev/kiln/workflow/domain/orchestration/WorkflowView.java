package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an orchestrator sees of a root workflow, read-only: its task name and data, its children by
 * stable key (sub-workflows' children included), its internal collection by item name, and the
 * lookups of its task data that the service resolved before orchestrating (one batch), so that an
 * orchestrator can lay out by an artifact's data (e.g. its architecture) without querying.
 *
 * @param workflowId the root workflow's work request
 * @param taskName the root workflow's task name
 * @param taskData the root workflow's task data
 * @param children the children by key
 * @param internalCollection the internal collection's items by name
 * @param resolvedLookups other lookups resolved for this orchestration, by lookup string (e.g.
 *     {@code 12@artifacts})
 */
public record WorkflowView(
    long workflowId,
    String taskName,
    ObjectNode taskData,
    Map<String, ChildState> children,
    Map<String, InternalItem> internalCollection,
    Map<String, InternalItem> resolvedLookups) {

  /** The lookup prefix of an item of the internal collection. */
  public static final String INTERNAL_PREFIX = "internal@collections/name:";

  /** Checks the parts and freezes the maps. */
  public WorkflowView {
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(taskData, "taskData");
    children = Map.copyOf(children);
    internalCollection = Map.copyOf(internalCollection);
    resolvedLookups = resolvedLookups == null ? Map.of() : Map.copyOf(resolvedLookups);
  }

  /** A new workflow: no children, an empty internal collection. */
  public static WorkflowView initial(long workflowId, String taskName, ObjectNode taskData) {
    return new WorkflowView(workflowId, taskName, taskData, Map.of(), Map.of(), Map.of());
  }

  /** A view of these children and items. */
  public static WorkflowView of(
      long workflowId,
      String taskName,
      ObjectNode taskData,
      Collection<ChildState> children,
      Collection<InternalItem> items,
      Map<String, InternalItem> resolvedLookups) {
    Map<String, ChildState> byKey = new LinkedHashMap<>();
    children.forEach(c -> byKey.put(c.key(), c));
    Map<String, InternalItem> byName = new LinkedHashMap<>();
    items.forEach(i -> byName.put(i.name(), i));
    return new WorkflowView(workflowId, taskName, taskData, byKey, byName, resolvedLookups);
  }

  /** The child with this key. */
  public Optional<ChildState> child(String key) {
    return Optional.ofNullable(children.get(key));
  }

  /** The direct children of a workflow: of the root for {@code null}, else of that sub-workflow. */
  public List<ChildState> childrenOf(String parentKey) {
    return children.values().stream().filter(c -> Objects.equals(c.parent(), parentKey)).toList();
  }

  /**
   * What a single lookup refers to, if known: an item of the internal collection for {@code
   * internal@collections/name:X}, else a lookup resolved for this orchestration.
   */
  public Optional<InternalItem> resolve(String lookup) {
    if (lookup.startsWith(INTERNAL_PREFIX)) {
      return Optional.ofNullable(
          internalCollection.get(lookup.substring(INTERNAL_PREFIX.length())));
    }
    return Optional.ofNullable(resolvedLookups.get(lookup));
  }
}
