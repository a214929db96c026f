package dev.kiln.artifact.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
  @Inject ObjectMapper mapper;

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
    prefetch(batch);
    Map<String, LookupResult> results = new LinkedHashMap<>();
    for (Map.Entry<String, LookupRequest.Item> e : request.lookups().entrySet()) {
      results.put(e.getKey(), resolveOne("lookups." + e.getKey(), e.getValue(), batch, caller));
    }
    return results;
  }

  /**
   * A batch of lookups and the workspaces its collections are found in: the request's workspace,
   * then those it inherits from that the caller may read, in order. It remembers what the batch
   * read (collections, the items of {@code name:} and {@code match:} segments, artifacts with their
   * files), so that N lookups of one collection cost a fixed number of queries, not N.
   */
  private static final class Batch {
    final LookupRequest request;
    final List<String> chain;
    final Map<String, CollectionEntity> collections = new HashMap<>();

    /** By {@link #itemKey}: the item found, or null when the batch read found none. */
    final Map<String, CollectionItemEntity> items = new HashMap<>();

    final Map<Long, ArtifactView> artifacts = new HashMap<>();

    Batch(LookupRequest request, List<String> chain) {
      this.request = request;
      this.chain = chain;
    }

    String workspace() {
      return request.workspace();
    }

    Long workflowRootId() {
      return request.workflowRootId();
    }
  }

  /** The item a {@code match:} segment (category and data) or a {@code name:} one asks for. */
  private static String itemKey(long collectionId, String category, Map<String, String> match) {
    return collectionId + "|" + category + "|" + new TreeMap<>(match);
  }

  private static String itemKey(long collectionId, String name) {
    return collectionId + "|name|" + name;
  }

  /** The category and data a {@code match:} segment asks for ({@code format} names a category). */
  private record Match(String category, Map<String, String> data) {
    static Match of(String field, String text, Lookup.Segment segment) {
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
      return new Match(itemCategory, match);
    }
  }

  /**
   * Reads, for the whole batch, what its string lookups of collection items need: the collections
   * (once each), the items of {@code name:} segments (one query per collection), those of {@code
   * match:} segments (one query per collection, category and set of keys, however many values), and
   * the artifacts of those items and of artifact-id lookups with their files (two queries). Nothing
   * here fails a lookup: what it cannot read is resolved, and fails, one by one later.
   */
  private void prefetch(Batch batch) {
    Map<Long, Set<String>> names = new LinkedHashMap<>();
    Map<String, List<Match>> matches = new LinkedHashMap<>();
    Map<String, Long> matchCollection = new HashMap<>();
    Set<Long> artifactIds = new LinkedHashSet<>();
    for (LookupRequest.Item item : batch.request.lookups().values()) {
      if (item == null || item.lookup() == null) {
        continue;
      }
      JsonNode l = item.lookup();
      Iterator<JsonNode> parts = l.isArray() ? l.elements() : List.of(l).iterator();
      while (parts.hasNext()) {
        JsonNode part = parts.next();
        if (part.isIntegralNumber()) {
          artifactIds.add(part.asLong());
          continue;
        }
        if (!part.isTextual()) {
          continue;
        }
        String text = part.asText();
        try {
          Lookup lookup = Lookup.parse("lookups", text, item.defaultCategory());
          if (lookup.kind() == Lookup.Kind.ARTIFACT_ID) {
            artifactIds.add(lookup.id());
            continue;
          }
          if (lookup.segments().isEmpty()) {
            continue;
          }
          CollectionEntity c = collection("lookups", text, lookup, batch);
          Lookup.Segment segment = lookup.segments().get(0);
          if (segment.name() != null) {
            names.computeIfAbsent(c.id, k -> new LinkedHashSet<>()).add(segment.name());
          } else {
            Match m = Match.of("lookups", text, segment);
            String group = c.id + "|" + m.category() + "|" + new TreeSet<>(m.data().keySet());
            matches.computeIfAbsent(group, k -> new ArrayList<>()).add(m);
            matchCollection.put(group, c.id);
          }
        } catch (ApiException e) {
          // resolved (and failed) on its own below
        }
      }
    }
    names.forEach(
        (collectionId, wanted) -> {
          Map<String, CollectionItemEntity> found = collections.activeItems(collectionId, wanted);
          for (String name : wanted) {
            batch.items.put(itemKey(collectionId, name), found.get(name));
          }
        });
    matches.forEach(
        (group, list) -> {
          long collectionId = matchCollection.get(group);
          List<String> keys = List.copyOf(new TreeSet<>(list.get(0).data().keySet()));
          Map<String, Match> distinct = new LinkedHashMap<>();
          for (Match m : list) {
            distinct.putIfAbsent(itemKey(collectionId, m.category(), m.data()), m);
          }
          List<Map<String, Object>> rows = new ArrayList<>();
          List<String> itemKeys = new ArrayList<>(distinct.keySet());
          for (int i = 0; i < itemKeys.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ord", i);
            Match m = distinct.get(itemKeys.get(i));
            for (int k = 0; k < keys.size(); k++) {
              row.put("v" + k, m.data().get(keys.get(k)));
            }
            rows.add(row);
          }
          Map<Integer, CollectionItemEntity> found =
              collections.newestMatching(collectionId, list.get(0).category(), keys, json(rows));
          for (int i = 0; i < itemKeys.size(); i++) {
            batch.items.put(itemKeys.get(i), found.get(i));
          }
        });
    for (CollectionItemEntity i : batch.items.values()) {
      if (i != null && i.artifactId != null) {
        artifactIds.add(i.artifactId);
      }
    }
    load(batch, artifactIds);
  }

  /** Loads the artifacts the batch has not read yet, with their files: two queries. */
  private void load(Batch batch, Set<Long> ids) {
    Set<Long> missing = new LinkedHashSet<>(ids);
    missing.removeAll(batch.artifacts.keySet());
    if (missing.isEmpty()) {
      return;
    }
    artifacts
        .findWithFiles(missing)
        .forEach((a, files) -> batch.artifacts.put(a.id, ArtifactView.of(a, files)));
  }

  private String json(Object rows) {
    try {
      return mapper.writeValueAsString(rows);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("lookup rows cannot be serialised", e);
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
          artifact(field, l.asLong(), request.workspace(), caller, request), null);
    }
    if (!l.isTextual()) {
      throw ApiException.invalidField(field, "a lookup is a string, an integer, a dict or a list");
    }
    String text = l.asText();
    Lookup lookup = Lookup.parse(field, text, defaultCategory);
    if (lookup.kind() == Lookup.Kind.ARTIFACT_ID) {
      return LookupResult.ofArtifact(
          artifact(field, lookup.id(), request.workspace(), caller, request), null);
    }
    CollectionEntity c = collection(field, text, lookup, request);
    if (lookup.segments().isEmpty()) {
      return LookupResult.ofCollection(CollectionView.of(c), null);
    }
    Lookup.Segment segment = lookup.segments().get(0);
    CollectionItemEntity item;
    if (segment.name() != null) {
      String key = itemKey(c.id, segment.name());
      item =
          (request.items.containsKey(key)
                  ? Optional.ofNullable(request.items.get(key))
                  : collections.activeItem(c.id, segment.name()))
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "'" + text + "' (" + field + "): item '" + segment.name() + "'"));
    } else {
      Match match = Match.of(field, text, segment);
      String key = itemKey(c.id, match.category(), match.data());
      List<CollectionItemEntity> items =
          request.items.containsKey(key)
              ? (request.items.get(key) == null ? List.of() : List.of(request.items.get(key)))
              : collections.matching(c.id, match.category(), match.data(), 1);
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
    return ofItem(field, c, item, caller, request);
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
    Set<Long> ids = new LinkedHashSet<>();
    for (CollectionItemEntity item : items) {
      if (item.artifactId != null) {
        ids.add(item.artifactId);
      }
    }
    load(request, ids); // the artifacts of all the items together
    for (CollectionItemEntity item : items) {
      if (item.artifactId != null) {
        results.add(
            LookupResult.ofArtifact(
                request.artifacts.get(item.artifactId), CollectionItemView.of(item)));
      } else {
        results.add(ofItem(field, c, item, caller, request));
      }
    }
    return results;
  }

  private LookupResult ofItem(
      String field, CollectionEntity c, CollectionItemEntity item, Caller caller, Batch batch) {
    CollectionItemView view = CollectionItemView.of(item);
    return switch (item.childType) {
      case "artifact" ->
          LookupResult.ofArtifact(
              artifact(field, item.artifactId, c.workspace, caller, batch), view);
      case "collection" ->
          LookupResult.ofCollection(
              CollectionView.of(collections.find(item.childCollectionId).orElseThrow()), view);
      default -> LookupResult.ofBare(view);
    };
  }

  private CollectionEntity collection(String field, String text, Lookup lookup, Batch request) {
    String key =
        lookup.kind() + "|" + lookup.id() + "|" + lookup.category() + "|" + lookup.collectionName();
    CollectionEntity known = request.collections.get(key);
    if (known == null) {
      known = findCollection(field, text, lookup, request);
      request.collections.put(key, known);
    }
    return known;
  }

  private CollectionEntity findCollection(String field, String text, Lookup lookup, Batch request) {
    String workspace = request.workspace();
    return switch (lookup.kind()) {
      case COLLECTION_ID -> {
        CollectionEntity c =
            collections
                .find(lookup.id())
                .orElseThrow(
                    () -> ApiException.notFound("'" + text + "' (" + field + "): collection"));
        if (!request.chain.contains(c.workspace)) {
          throw ApiException.notFound(
              "'"
                  + text
                  + "' ("
                  + field
                  + "): collection in workspace "
                  + workspace
                  + (request.chain.size() > 1
                      ? " or the workspaces it inherits from "
                          + request.chain.subList(1, request.chain.size())
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
              .findFirst(request.chain, lookup.category(), lookup.collectionName())
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
                              + (request.chain.size() > 1
                                  ? " nor in the workspaces it inherits from "
                                      + request.chain.subList(1, request.chain.size())
                                  : "")));
      case ARTIFACT_ID -> throw new IllegalStateException("not a collection lookup");
    };
  }

  private ArtifactView artifact(
      String field, long id, String workspace, Caller caller, Batch batch) {
    ArtifactView view = batch.artifacts.get(id);
    if (view == null) {
      ArtifactEntity a =
          artifacts
              .find(id)
              .orElseThrow(() -> ApiException.notFound("(" + field + "): artifact " + id));
      view = ArtifactView.of(a, artifacts.filesOf(a.id));
      batch.artifacts.put(id, view);
    }
    if (!view.workspace().equals(workspace)) {
      throw ApiException.notFound("(" + field + "): artifact " + id + " in workspace " + workspace);
    }
    if (!batch.chain.contains(view.workspace())) {
      // the batch's workspaces were checked already (the request's, the inherited it searches)
      ArtifactAccess.checkRead(caller, view.workspace());
    }
    return view;
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
