package dev.kiln.artifact.collection;

import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.domain.CollectionCategories;
import dev.kiln.artifact.repository.ArtifactEntity;
import dev.kiln.artifact.repository.ArtifactRepository;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collections and their items: create, add, remove, list. */
@ApplicationScoped
public class CollectionService {

  private static final Set<String> RETENTION = Set.of("never", "workflow", "always");

  @Inject CollectionRepository repository;
  @Inject ArtifactRepository artifacts;

  @Transactional
  public CollectionView create(NewCollection request, Caller caller) {
    List<FieldError> errors = new ArrayList<>();
    if (request.category() == null || !CollectionCategories.ALL.contains(request.category())) {
      errors.add(
          new FieldError(
              "category", "must be one of " + new java.util.TreeSet<>(CollectionCategories.ALL)));
    }
    if (request.workspace() == null || request.workspace().isBlank()) {
      errors.add(new FieldError("workspace", "is required"));
    }
    String name = request.name();
    if (name == null || name.isBlank() || name.contains("/") || name.contains("@")) {
      errors.add(new FieldError("name", "is required and may not contain '/' or '@'"));
    } else if (request.category() != null) {
      boolean singleton = CollectionCategories.SINGLETONS.contains(request.category());
      if (singleton != name.equals("_")) {
        errors.add(
            new FieldError(
                "name",
                singleton
                    ? "a " + request.category() + " collection is a singleton named '_'"
                    : "'_' names singletons only"));
      }
    }
    String retains = request.retainsArtifacts() == null ? "never" : request.retainsArtifacts();
    if (!RETENTION.contains(retains)) {
      errors.add(new FieldError("retains_artifacts", "must be never, workflow or always"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    ArtifactAccess.checkConfigure(caller, request.workspace(), "create collections");
    if (repository.find(request.workspace(), request.category(), name).isPresent()) {
      throw ApiException.conflict(
          "collection "
              + name
              + "@"
              + request.category()
              + " exists in workspace "
              + request.workspace());
    }
    CollectionEntity c = new CollectionEntity();
    c.name = name;
    c.category = request.category();
    c.workspace = request.workspace();
    c.data = request.data() == null ? Map.of() : request.data();
    c.retainsArtifacts = retains;
    c.createdAt = Instant.now();
    repository.persist(c);
    return CollectionView.of(c);
  }

  @Transactional
  public CollectionView get(long id, Caller caller) {
    CollectionEntity c = load(id);
    ArtifactAccess.checkRead(caller, c.workspace);
    return CollectionView.of(c);
  }

  @Transactional
  public List<CollectionItemView> items(long id, Caller caller) {
    CollectionEntity c = load(id);
    ArtifactAccess.checkRead(caller, c.workspace);
    return repository.activeItems(id).stream().map(CollectionItemView::of).toList();
  }

  /**
   * Adds many items to one collection in one transaction: all of them or, on the first refused
   * item, none (what a workflow's {@code update-collection-with-artifacts} reactions on a named
   * collection write, one call per collection).
   */
  @Transactional
  public List<CollectionItemView> addItems(
      long collectionId, List<NewCollectionItem> requests, Caller caller) {
    CollectionEntity c = load(collectionId);
    ArtifactAccess.checkChangeItems(caller, c.workspace);
    List<CollectionItemView> out = new ArrayList<>(requests.size());
    for (NewCollectionItem r : requests) {
      out.add(add(c, r, caller));
    }
    return out;
  }

  @Transactional
  public CollectionItemView addItem(long collectionId, NewCollectionItem request, Caller caller) {
    CollectionEntity c = load(collectionId);
    ArtifactAccess.checkChangeItems(caller, c.workspace);
    return add(c, request, caller);
  }

  /** Adds one item to a collection the caller may change. */
  private CollectionItemView add(CollectionEntity c, NewCollectionItem request, Caller caller) {
    CollectionItemEntity item = new CollectionItemEntity();
    item.collectionId = c.id;
    item.data = request.data() == null ? Map.of() : request.data();
    if (request.artifactId() != null) {
      ArtifactEntity a =
          artifacts
              .find(request.artifactId())
              .orElseThrow(() -> ApiException.invalidField("artifact_id", "no such artifact"));
      if (!a.workspace.equals(c.workspace)) {
        throw ApiException.invalidField(
            "artifact_id",
            "the artifact is in workspace " + a.workspace + ", the collection in " + c.workspace);
      }
      item.childType = "artifact";
      item.artifactId = a.id;
      item.category = a.category;
    } else {
      if (request.category() == null || request.category().isBlank()) {
        throw ApiException.invalidField("category", "a bare item needs a category");
      }
      item.childType = "bare";
      item.category = request.category();
    }
    String name = request.name();
    if (name == null || name.isBlank()) {
      name = CollectionCategories.defaultItemName(c.category, item.category, item.data);
    }
    if (name == null || name.isBlank()) {
      throw ApiException.invalidField(
          "name", "is required for items of a " + c.category + " collection");
    }
    if (name.contains("/")) {
      throw ApiException.invalidField("name", "may not contain '/'");
    }
    item.name = name;
    var existing = repository.activeItem(c.id, name);
    if (existing.isPresent()) {
      CollectionItemEntity old = existing.get();
      if (Boolean.TRUE.equals(request.replace())
          && item.artifactId != null
          && item.artifactId.equals(old.artifactId)
          && item.data.equals(old.data)) {
        // the same item again (e.g. a redelivered reaction): it stays, nothing is retired
        return CollectionItemView.of(old);
      }
      if (!Boolean.TRUE.equals(request.replace())) {
        throw ApiException.conflict(
            "collection "
                + c.id
                + " already has an item named '"
                + name
                + "' (send replace: true)");
      }
      existing.get().removedAt = Instant.now();
      existing.get().removedBy = caller.name();
      repository.flush();
    }
    item.createdAt = Instant.now();
    item.createdBy = caller.name();
    repository.persist(item);
    return CollectionItemView.of(item);
  }

  @Transactional
  public void removeItem(long collectionId, String name, Caller caller) {
    ArtifactAccess.checkChangeItems(caller, load(collectionId).workspace);
    CollectionItemEntity item =
        repository
            .activeItem(collectionId, name)
            .orElseThrow(
                () -> ApiException.notFound("item '" + name + "' of collection " + collectionId));
    item.removedAt = Instant.now();
    item.removedBy = caller.name();
  }

  private CollectionEntity load(long id) {
    return repository.find(id).orElseThrow(() -> ApiException.notFound("collection " + id));
  }
}
