package dev.kiln.artifact.collection;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies items into collections: every lookup of the request is resolved in one batch ({@link
 * LookupService}), then every copy is added in the same transaction, so that a failing copy leaves
 * no partial result. Each copy goes through {@link CollectionService#addItem}'s rules (access,
 * names, same workspace, replace).
 */
@ApplicationScoped
public class CopyItemsService {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

  @Inject LookupService lookups;
  @Inject CollectionService collections;

  /** The items created, per copy. */
  public record Copied(List<List<CollectionItemView>> copies) {}

  @Transactional
  public Copied copy(CopyItemsRequest request, Caller caller) {
    if (request.copies() == null || request.copies().isEmpty()) {
      throw ApiException.invalidField("copies", "at least one copy is required");
    }
    Map<String, LookupRequest.Item> batch = new LinkedHashMap<>();
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < request.copies().size(); i++) {
      CopyItemsRequest.Copy c = request.copies().get(i);
      if (c == null || c.sourceItems() == null || c.sourceItems().isNull()) {
        errors.add(new FieldError("copies[" + i + "].source_items", "is required"));
        continue;
      }
      if (c.targetCollection() == null || c.targetCollection().isNull()) {
        errors.add(new FieldError("copies[" + i + "].target_collection", "is required"));
        continue;
      }
      batch.put(i + ".source", new LookupRequest.Item(c.sourceItems(), "any", null));
      batch.put(i + ".target", new LookupRequest.Item(c.targetCollection(), "collection", null));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Map<String, LookupResult> found =
        lookups.resolve(
            new LookupRequest(request.workspace(), request.workflowRootId(), batch), caller);
    for (int i = 0; i < request.copies().size(); i++) {
      check(found.get(i + ".source"), "copies[" + i + "].source_items", errors);
      check(found.get(i + ".target"), "copies[" + i + "].target_collection", errors);
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    List<List<CollectionItemView>> out = new ArrayList<>();
    for (int i = 0; i < request.copies().size(); i++) {
      CopyItemsRequest.Copy c = request.copies().get(i);
      long target = found.get(i + ".target").collection().id();
      List<CollectionItemView> made = new ArrayList<>();
      for (LookupResult item : items(found.get(i + ".source"))) {
        made.add(collections.addItem(target, newItem(c, item, "copies[" + i + "]"), caller));
      }
      out.add(made);
    }
    return new Copied(out);
  }

  private static void check(LookupResult r, String field, List<FieldError> errors) {
    if (r == null) {
      errors.add(new FieldError(field, "was not resolved"));
    } else if (r.error() != null) {
      errors.add(new FieldError(field, r.error().message()));
    } else if (field.endsWith("source_items") && "collection".equals(r.resultType())) {
      errors.add(new FieldError(field, "found a collection, not items"));
    }
  }

  private static List<LookupResult> items(LookupResult r) {
    return "multiple".equals(r.resultType()) ? r.results() : List.of(r);
  }

  private static NewCollectionItem newItem(
      CopyItemsRequest.Copy c, LookupResult source, String field) {
    Map<String, Object> data = new LinkedHashMap<>();
    String sourceName = null;
    if (source.collectionItem() != null) {
      sourceName = source.collectionItem().name();
      if (source.collectionItem().data() != null) {
        data.putAll(source.collectionItem().data());
      }
    }
    if (c.variables() != null) {
      data.putAll(c.variables());
    }
    String name = sourceName;
    if (c.nameTemplate() != null) {
      name = render(c.nameTemplate(), data, sourceName, field);
    }
    if ("artifact".equals(source.resultType())) {
      return new NewCollectionItem(name, source.artifact().id(), null, data, c.replace());
    }
    return new NewCollectionItem(name, null, source.collectionItem().category(), data, c.replace());
  }

  private static String render(
      String template, Map<String, Object> data, String sourceName, String field) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      Object value = key.equals("name") && sourceName != null ? sourceName : data.get(key);
      if (value == null) {
        throw ApiException.invalidField(
            field + ".name_template", "'{" + key + "}' is not in the item's data or variables");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf(value)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
