package dev.kiln.artifact.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.domain.CollectionCategories;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A root workflow's internal collection, for the workflow service: read it whole, and write a batch
 * of items in one transaction and a handful of statements, whatever the number of items (promises
 * of a 10,000-child workflow are one call).
 */
@ApplicationScoped
public class InternalCollectionService {

  @Inject CollectionRepository repository;
  @Inject EntityManager em;
  @Inject ObjectMapper mapper;

  /** The collection's name for a root workflow. */
  public static String nameOf(long rootId) {
    return "workflow-" + rootId;
  }

  /**
   * The active items (only those named, when names are given), by name; none when the collection
   * does not exist yet.
   */
  @Transactional
  public List<CollectionItemView> items(
      long rootId, String workspace, List<String> names, Caller caller) {
    requireWorkspace(workspace);
    ArtifactAccess.checkRead(caller, workspace);
    var collection =
        repository.find(workspace, CollectionCategories.WORKFLOW_INTERNAL, nameOf(rootId));
    if (collection.isEmpty()) {
      return List.of();
    }
    if (names == null || names.isEmpty()) {
      return repository.activeItems(collection.get().id).stream()
          .map(CollectionItemView::of)
          .toList();
    }
    return em
        .createQuery(
            "from CollectionItemEntity where collectionId = ?1 and removedAt is null"
                + " and name in ?2 order by name",
            CollectionItemEntity.class)
        .setParameter(1, collection.get().id)
        .setParameter(2, names)
        .getResultList()
        .stream()
        .map(CollectionItemView::of)
        .toList();
  }

  /** Ensures the collection and writes the items (see {@link InternalItemsWrite.Item#replace}). */
  @Transactional
  public InternalItemsWrite.Result write(long rootId, InternalItemsWrite request, Caller caller) {
    if (request == null) {
      throw ApiException.invalidField("items", "a JSON body is required");
    }
    requireWorkspace(request.workspace());
    List<InternalItemsWrite.Item> items = request.items() == null ? List.of() : request.items();
    List<FieldError> errors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<Long> artifactIds = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      InternalItemsWrite.Item item = items.get(i);
      String at = "items[" + i + "]";
      if (item == null) {
        errors.add(new FieldError(at, "is required"));
        continue;
      }
      if (item.name() == null || item.name().isBlank() || item.name().contains("/")) {
        errors.add(new FieldError(at + ".name", "is required and may not contain '/'"));
      } else if (!names.add(item.name())) {
        errors.add(new FieldError(at + ".name", "'" + item.name() + "' is written twice"));
      }
      if (item.artifactId() != null) {
        artifactIds.add(item.artifactId());
      } else if (item.category() == null || item.category().isBlank()) {
        errors.add(new FieldError(at + ".category", "a bare item needs a category"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    String workspace = request.workspace();
    ArtifactAccess.checkChangeItems(caller, workspace);
    Map<Long, String> categories = artifactCategories(artifactIds, workspace);
    for (int i = 0; i < items.size(); i++) {
      Long a = items.get(i).artifactId();
      if (a != null && !categories.containsKey(a)) {
        errors.add(
            new FieldError(
                "items[" + i + "].artifact_id", "no artifact " + a + " in " + workspace));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    long collectionId = ensureCollection(rootId, workspace, caller);
    if (items.isEmpty()) {
      return new InternalItemsWrite.Result(collectionId, 0, 0);
    }
    List<String> replaced =
        items.stream().filter(i -> Boolean.TRUE.equals(i.replace())).map(i -> i.name()).toList();
    if (!replaced.isEmpty()) {
      em.createNativeQuery(
              "UPDATE collection_item SET removed_at = now(), removed_by = ?1"
                  + " WHERE collection_id = ?2 AND removed_at IS NULL AND name = ANY(?3)")
          .setParameter(1, caller.name())
          .setParameter(2, collectionId)
          .setParameter(3, replaced.toArray(String[]::new))
          .executeUpdate();
    }
    List<Map<String, Object>> rows = new ArrayList<>(items.size());
    for (InternalItemsWrite.Item item : items) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", item.name());
      row.put("child_type", item.artifactId() == null ? "bare" : "artifact");
      row.put(
          "category",
          item.artifactId() == null ? item.category() : categories.get(item.artifactId()));
      row.put("artifact_id", item.artifactId());
      row.put("data", item.data() == null ? Map.of() : item.data());
      rows.add(row);
    }
    // One statement for every item; an item whose name is taken (and not replaced) is kept.
    int written =
        em.createNativeQuery(
                "INSERT INTO collection_item (collection_id, name, child_type, category,"
                    + " artifact_id, data, created_at, created_by)"
                    + " SELECT ?1, x.name, x.child_type, x.category, x.artifact_id,"
                    + " COALESCE(x.data, '{}'::jsonb), ?2, ?3"
                    + " FROM jsonb_to_recordset(CAST(?4 AS jsonb)) AS x(name text, child_type"
                    + " text, category text, artifact_id bigint, data jsonb)"
                    + " ON CONFLICT (collection_id, name) WHERE removed_at IS NULL DO NOTHING")
            .setParameter(1, collectionId)
            .setParameter(2, java.sql.Timestamp.from(Instant.now()))
            .setParameter(3, caller.name())
            .setParameter(4, json(rows))
            .executeUpdate();
    return new InternalItemsWrite.Result(collectionId, written, items.size() - written);
  }

  private long ensureCollection(long rootId, String workspace, Caller caller) {
    String name = nameOf(rootId);
    var existing = repository.find(workspace, CollectionCategories.WORKFLOW_INTERNAL, name);
    if (existing.isPresent()) {
      return existing.get().id;
    }
    ArtifactAccess.checkConfigure(caller, workspace, "create internal collections");
    // Concurrent writers of one workflow are serialised by the workflow service; the unique
    // (workspace, category, name) makes a race fail loudly rather than create two.
    em.createNativeQuery(
            "INSERT INTO collection (name, category, workspace, data, retains_artifacts)"
                + " VALUES (?1, ?2, ?3, '{}'::jsonb, 'workflow')"
                + " ON CONFLICT (workspace, category, name) DO NOTHING")
        .setParameter(1, name)
        .setParameter(2, CollectionCategories.WORKFLOW_INTERNAL)
        .setParameter(3, workspace)
        .executeUpdate();
    return repository
        .find(workspace, CollectionCategories.WORKFLOW_INTERNAL, name)
        .orElseThrow()
        .id;
  }

  @SuppressWarnings("unchecked")
  private Map<Long, String> artifactCategories(Set<Long> ids, String workspace) {
    Map<Long, String> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT id, category FROM artifact WHERE id = ANY(?1) AND workspace = ?2")
            .setParameter(1, ids.toArray(Long[]::new))
            .setParameter(2, workspace)
            .getResultList();
    for (Object[] r : rows) {
      out.put(((Number) r[0]).longValue(), (String) r[1]);
    }
    return out;
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("items are plain JSON", e);
    }
  }

  private static void requireWorkspace(String workspace) {
    if (workspace == null || workspace.isBlank()) {
      throw ApiException.invalidField("workspace", "is required");
    }
  }
}
