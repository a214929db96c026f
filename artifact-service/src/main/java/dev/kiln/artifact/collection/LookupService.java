package dev.kiln.artifact.collection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.domain.CollectionCategories;
import dev.kiln.artifact.domain.Lookup;
import dev.kiln.artifact.repository.ArtifactEntity;
import dev.kiln.artifact.repository.ArtifactRepository;
import dev.kiln.artifact.service.ArtifactView;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves lookups in Debusine's syntax. A batch is answered in one round trip and one transaction;
 * each lookup succeeds or fails on its own, with a code and a message naming it.
 */
@ApplicationScoped
public class LookupService {

  private static final Set<String> EXPECT =
      Set.of("artifact", "collection", "bare", "artifact_or_promise", "any");
  private static final Set<String> DICT_KEYS =
      Set.of(
          "collection",
          "child_type",
          "category",
          "name",
          "name__startswith",
          "name__endswith",
          "name__contains");

  @Inject CollectionRepository collections;
  @Inject ArtifactRepository artifacts;
  @Inject WorkspaceInheritanceService inheritance;

  @Transactional
  public Map<String, LookupResult> resolve(LookupRequest request, Caller caller) {
    if (request == null || request.lookups() == null || request.lookups().isEmpty()) {
      throw ApiException.invalidField("lookups", "at least one lookup is required");
    }
    if (request.workspace() == null || request.workspace().isBlank()) {
      throw ApiException.invalidField("workspace", "is required");
    }
    ArtifactAccess.checkRead(caller, request.workspace());
    // the workspaces collections are looked up in, read once for the batch
    Batch batch = new Batch(request, inheritance.lookupChain(request.workspace(), caller));
    Map<String, LookupResult> results = new LinkedHashMap<>();
    for (Map.Entry<String, LookupRequest.Item> e : request.lookups().entrySet()) {
      results.put(e.getKey(), resolveOne("lookups." + e.getKey(), e.getValue(), batch, caller));
    }
    return results;
  }

  /**
   * A batch of lookups and the workspaces its collections are found in: the request's workspace,
   * then those it inherits from that the caller may read, in order.
   */
  private record Batch(LookupRequest request, List<String> chain) {
    String workspace() {
      return request.workspace();
    }

    Long workflowRootId() {
      return request.workflowRootId();
    }
  }

  private LookupResult resolveOne(
      String field, LookupRequest.Item item, Batch request, Caller caller) {
    try {
      if (item == null || item.lookup() == null || item.lookup().isNull()) {
        throw ApiException.invalidField(field, "lookup is required");
      }
      String expect = item.expectType() == null ? "any" : item.expectType();
      if (!EXPECT.contains(expect)) {
        throw ApiException.invalidField(field + ".expect_type", "must be one of " + EXPECT);
      }
      JsonNode l = item.lookup();
      if (l.isObject() || l.isArray()) {
        List<LookupResult> found = new ArrayList<>();
        Iterator<JsonNode> parts = l.isArray() ? l.elements() : List.of(l).iterator();
        while (parts.hasNext()) {
          JsonNode part = parts.next();
          if (part.isObject()) {
            found.addAll(dict(field, part, item.defaultCategory(), request, caller));
          } else {
            found.add(single(field, part, item.defaultCategory(), request, caller));
          }
        }
        for (LookupResult r : found) {
          checkType(field, l.toString(), r, expect);
        }
        return LookupResult.ofMany(found);
      }
      LookupResult r = single(field, l, item.defaultCategory(), request, caller);
      checkType(field, l.asText(), r, expect);
      return r;
    } catch (ApiException e) {
      String code =
          switch (e.kind()) {
            case INVALID_INPUT -> "invalid-lookup";
            case FORBIDDEN, UNAUTHENTICATED -> "forbidden";
            default -> "lookup-failed";
          };
      return LookupResult.failed(code, e.getMessage());
    }
  }

  private LookupResult single(
      String field, JsonNode l, String defaultCategory, Batch request, Caller caller) {
    if (l.isIntegralNumber()) {
      // a bare id is an artifact id (Debusine requires the expected type; artifacts are the norm)
      return LookupResult.ofArtifact(
          artifact(field, l.asLong(), request.workspace(), request, caller), null);
    }
    if (!l.isTextual()) {
      throw ApiException.invalidField(field, "a lookup is a string, an integer, a dict or a list");
    }
    String text = l.asText();
    Lookup lookup = Lookup.parse(field, text, defaultCategory);
    if (lookup.kind() == Lookup.Kind.ARTIFACT_ID) {
      return LookupResult.ofArtifact(
          artifact(field, lookup.id(), request.workspace(), request, caller), null);
    }
    CollectionEntity c = collection(field, text, lookup, request);
    if (lookup.segments().isEmpty()) {
      return LookupResult.ofCollection(CollectionView.of(c), null);
    }
    Lookup.Segment segment = lookup.segments().get(0);
    CollectionItemEntity item;
    if (segment.name() != null) {
      item =
          collections
              .activeItem(c.id, segment.name())
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "'" + text + "' (" + field + "): item '" + segment.name() + "'"));
    } else {
      Map<String, String> match = new LinkedHashMap<>(segment.match());
      String itemCategory = null;
      String format = match.remove("format");
      if (format != null) {
        itemCategory =
            switch (format) {
              case "tarball" -> "debian:system-tarball";
              case "image" -> "debian:system-image";
              default ->
                  throw ApiException.invalidField(
                      field, "'" + text + "': format is tarball or image");
            };
      }
      List<CollectionItemEntity> items = collections.matching(c.id, itemCategory, match, 1);
      if (items.isEmpty()) {
        throw ApiException.notFound(
            "'"
                + text
                + "' ("
                + field
                + "): no item of "
                + c.name
                + "@"
                + c.category
                + " matching "
                + segment.match());
      }
      item = items.get(0);
    }
    return ofItem(field, c, item, request, caller);
  }

  private List<LookupResult> dict(
      String field, JsonNode d, String defaultCategory, Batch request, Caller caller) {
    Map<String, String> data = new HashMap<>();
    Iterator<String> keys = d.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (key.startsWith("data__")) {
        data.put(key.substring("data__".length()), d.get(key).asText());
      } else if (!DICT_KEYS.contains(key)) {
        throw ApiException.invalidField(field, "unknown key '" + key + "' in a dict lookup");
      }
    }
    if (!d.hasNonNull("collection")) {
      throw ApiException.invalidField(field, "a dict lookup needs 'collection'");
    }
    String collectionLookup = d.get("collection").asText();
    Lookup lookup = Lookup.parse(field, collectionLookup, defaultCategory);
    if (lookup.kind() == Lookup.Kind.ARTIFACT_ID || !lookup.segments().isEmpty()) {
      throw ApiException.invalidField(field, "'collection' must name a collection");
    }
    CollectionEntity c = collection(field, collectionLookup, lookup, request);
    String childType = text(d, "child_type", "artifact");
    List<CollectionItemEntity> items =
        collections.filtered(
            c.id,
            childType,
            text(d, "category", null),
            text(d, "name", null),
            text(d, "name__startswith", null),
            text(d, "name__endswith", null),
            text(d, "name__contains", null),
            data);
    List<LookupResult> results = new ArrayList<>(items.size());
    Map<Long, ArtifactView> byId = artifactViews(items);
    for (CollectionItemEntity item : items) {
      if (item.artifactId != null) {
        results.add(
            LookupResult.ofArtifact(byId.get(item.artifactId), CollectionItemView.of(item)));
      } else {
        results.add(ofItem(field, c, item, request, caller));
      }
    }
    return results;
  }

  /** The artifacts of many items, loaded together. */
  private Map<Long, ArtifactView> artifactViews(List<CollectionItemEntity> items) {
    Map<Long, ArtifactView> views = new HashMap<>();
    for (CollectionItemEntity item : items) {
      if (item.artifactId != null && !views.containsKey(item.artifactId)) {
        ArtifactEntity a = artifacts.find(item.artifactId).orElseThrow();
        views.put(a.id, ArtifactView.of(a, artifacts.filesOf(a.id)));
      }
    }
    return views;
  }

  private LookupResult ofItem(
      String field, CollectionEntity c, CollectionItemEntity item, Batch request, Caller caller) {
    CollectionItemView view = CollectionItemView.of(item);
    return switch (item.childType) {
      case "artifact" ->
          LookupResult.ofArtifact(
              artifact(field, item.artifactId, c.workspace, request, caller), view);
      case "collection" ->
          LookupResult.ofCollection(
              CollectionView.of(collections.find(item.childCollectionId).orElseThrow()), view);
      default -> LookupResult.ofBare(view);
    };
  }

  private CollectionEntity collection(String field, String text, Lookup lookup, Batch request) {
    String workspace = request.workspace();
    return switch (lookup.kind()) {
      case COLLECTION_ID -> {
        CollectionEntity c =
            collections
                .find(lookup.id())
                .orElseThrow(
                    () -> ApiException.notFound("'" + text + "' (" + field + "): collection"));
        if (!request.chain().contains(c.workspace)) {
          throw ApiException.notFound(
              "'"
                  + text
                  + "' ("
                  + field
                  + "): collection in workspace "
                  + workspace
                  + (request.chain().size() > 1
                      ? " or the workspaces it inherits from "
                          + request.chain().subList(1, request.chain().size())
                      : ""));
        }
        yield c;
      }
      case INTERNAL -> {
        if (request.workflowRootId() == null) {
          throw ApiException.invalidField(
              field, "'" + text + "': internal@collections exists only inside a workflow");
        }
        yield collections
            .find(
                workspace,
                CollectionCategories.WORKFLOW_INTERNAL,
                "workflow-" + request.workflowRootId())
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "'"
                            + text
                            + "' ("
                            + field
                            + "): the internal collection of workflow "
                            + request.workflowRootId()));
      }
      case SINGLETON, COLLECTION ->
          collections
              .findFirst(request.chain(), lookup.category(), lookup.collectionName())
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "'"
                              + text
                              + "' ("
                              + field
                              + "): collection "
                              + lookup.collectionName()
                              + "@"
                              + lookup.category()
                              + " in workspace "
                              + workspace
                              + (request.chain().size() > 1
                                  ? " nor in the workspaces it inherits from "
                                      + request.chain().subList(1, request.chain().size())
                                  : "")));
      case ARTIFACT_ID -> throw new IllegalStateException("not a collection lookup");
    };
  }

  private ArtifactView artifact(
      String field, long id, String workspace, Batch request, Caller caller) {
    ArtifactEntity a =
        artifacts
            .find(id)
            .orElseThrow(() -> ApiException.notFound("(" + field + "): artifact " + id));
    if (!a.workspace.equals(workspace)) {
      throw ApiException.notFound("(" + field + "): artifact " + id + " in workspace " + workspace);
    }
    if (!request.chain().contains(a.workspace)) {
      // the batch's workspaces were checked already (the request's, the inherited it searches)
      ArtifactAccess.checkRead(caller, a.workspace);
    }
    return ArtifactView.of(a, artifacts.filesOf(a.id));
  }

  private static void checkType(String field, String text, LookupResult r, String expect) {
    boolean ok =
        switch (expect) {
          case "artifact" -> "artifact".equals(r.resultType());
          case "collection" -> "collection".equals(r.resultType());
          case "bare" -> "bare".equals(r.resultType());
          case "artifact_or_promise" ->
              "artifact".equals(r.resultType())
                  || ("bare".equals(r.resultType())
                      && "debusine:promise".equals(r.collectionItem().category()));
          default -> true;
        };
    if (!ok) {
      throw ApiException.invalidField(
          field, "'" + text + "' found a " + r.resultType() + ", expected " + expect);
    }
  }

  private static String text(JsonNode d, String key, String fallback) {
    return d.hasNonNull(key) ? d.get(key).asText() : fallback;
  }
}
