package dev.kiln.task.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputCollectionSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputKind;
import dev.kiln.task.input.InputValue;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.InputValues.Coverage;
import dev.kiln.task.input.Stage;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a task's input fields: architecture fields from the task data or the server-defined
 * fallback (no lookup), then the lookup fields in scope in ONE call of the {@link
 * dev.kiln.task.server.lookup.LookupResolver} (none when no field needs a lookup).
 */
final class InputResolution {

  private InputResolution() {}

  static <D extends TaskData> InputValues resolve(
      TaskDefinition<D> definition, D data, DbTaskContext context, Coverage coverage)
      throws DynamicDataException {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    for (InputField<D, ?> field : definition.inputFields()) {
      if (field.kind() == InputKind.ARCHITECTURE) {
        String written = field.architectureIn(data);
        InputArchitecture a =
            written != null
                ? new InputArchitecture(written, false)
                : new InputArchitecture(context.fallbackArchitecture(), true);
        values.put(field.name(), InputValues.persist(a));
      }
    }
    if (coverage == Coverage.VALUES_ONLY) {
      return InputValues.of(values, coverage);
    }
    InputValues soFar = InputValues.of(values, Coverage.VALUES_ONLY);
    List<FieldError> errors = new ArrayList<>();
    Map<String, InputField<D, ?>> byName = new LinkedHashMap<>();
    Map<String, LookupQuery> queries = new LinkedHashMap<>();
    for (InputField<D, ?> field : definition.inputFields()) {
      if (!field.kind().isLookup()
          || (coverage == Coverage.CONFIG && field.stage() != Stage.CONFIG)) {
        continue;
      }
      var lookup = field.effectiveLookup(data, soFar);
      if (lookup.isEmpty()) {
        if (field.required()) {
          errors.add(
              new FieldError(
                  field.taskDataPath(),
                  "input field '"
                      + field.name()
                      + "' is required but the task data sets no lookup"));
        }
        continue;
      }
      if (lookup.get().isArray() && lookup.get().isEmpty()) {
        // An empty list looks up nothing: no artifacts, without asking.
        values.put(
            field.name(), InputValues.persist(new InputArtifactMultiple(lookup.get(), List.of())));
        continue;
      }
      byName.put(field.name(), field);
      queries.put(
          field.name(), new LookupQuery(lookup.get(), expectType(field), field.defaultCategory()));
    }
    if (!errors.isEmpty()) {
      throw new DynamicDataException(errors);
    }
    if (!queries.isEmpty()) {
      Map<String, LookupOutcome> outcomes =
          context
              .lookups()
              .resolve(new LookupBatch(context.workspace(), context.workflowRootId(), queries));
      for (Map.Entry<String, LookupQuery> q : queries.entrySet()) {
        InputField<D, ?> field = byName.get(q.getKey());
        JsonNode lookup = q.getValue().lookup();
        LookupOutcome outcome = outcomes == null ? null : outcomes.get(q.getKey());
        try {
          values.put(field.name(), InputValues.persist(toValue(field, lookup, outcome)));
        } catch (LookupMismatch e) {
          errors.add(
              new FieldError(
                  field.taskDataPath(),
                  "input field '"
                      + field.name()
                      + "': lookup "
                      + describe(lookup)
                      + " "
                      + e.getMessage()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new DynamicDataException(errors);
    }
    return InputValues.of(values, coverage);
  }

  private static ExpectType expectType(InputField<?, ?> field) {
    return field.kind() == InputKind.SINGLE_COLLECTION
        ? ExpectType.COLLECTION
        : ExpectType.ARTIFACT;
  }

  private static InputValue toValue(InputField<?, ?> field, JsonNode lookup, LookupOutcome outcome)
      throws LookupMismatch {
    if (outcome == null) {
      throw new LookupMismatch("got no answer from the lookup service");
    }
    if (outcome instanceof LookupOutcome.Failed f) {
      throw new LookupMismatch("failed (" + f.code() + "): " + f.message());
    }
    switch (field.kind()) {
      case SINGLE_ARTIFACT -> {
        ArtifactInfo a;
        if (outcome instanceof LookupOutcome.Artifact one) {
          a = one.artifact();
        } else if (outcome instanceof LookupOutcome.Artifacts many
            && many.artifacts().size() == 1) {
          a = many.artifacts().get(0);
        } else {
          throw new LookupMismatch("found " + found(outcome) + ", expected one artifact");
        }
        checkCategory(field.categories(), a.category(), "artifact " + a.id());
        return new InputArtifactSingle(lookup, a);
      }
      case MULTIPLE_ARTIFACTS -> {
        List<ArtifactInfo> list;
        if (outcome instanceof LookupOutcome.Artifacts many) {
          list = many.artifacts();
        } else if (outcome instanceof LookupOutcome.Artifact one) {
          list = List.of(one.artifact());
        } else {
          throw new LookupMismatch("found " + found(outcome) + ", expected artifacts");
        }
        for (ArtifactInfo a : list) {
          checkCategory(field.categories(), a.category(), "artifact " + a.id());
        }
        return new InputArtifactMultiple(lookup, list);
      }
      case SINGLE_COLLECTION -> {
        if (!(outcome instanceof LookupOutcome.Collection c)) {
          throw new LookupMismatch("found " + found(outcome) + ", expected a collection");
        }
        checkCategory(
            field.categories(),
            c.collection().category(),
            "collection " + c.collection().name() + "@" + c.collection().category());
        return new InputCollectionSingle(lookup, c.collection());
      }
      default -> throw new IllegalStateException("not a lookup field: " + field);
    }
  }

  private static void checkCategory(Set<String> accepted, String category, String what)
      throws LookupMismatch {
    if (!accepted.isEmpty() && !accepted.contains(category)) {
      throw new LookupMismatch(
          "found "
              + what
              + " of category "
              + category
              + ", expected one of "
              + String.join(", ", accepted.stream().sorted().toList()));
    }
  }

  private static String found(LookupOutcome outcome) {
    if (outcome instanceof LookupOutcome.Artifacts many) {
      return many.artifacts().size() + " artifacts";
    }
    if (outcome instanceof LookupOutcome.Artifact) {
      return "an artifact";
    }
    if (outcome instanceof LookupOutcome.Collection c) {
      return "collection " + c.collection().name() + "@" + c.collection().category();
    }
    if (outcome instanceof LookupOutcome.BareItems b) {
      return b.items().size() + " bare items";
    }
    return "nothing";
  }

  private static String describe(JsonNode lookup) {
    return lookup.isTextual() ? "'" + lookup.asText() + "'" : lookup.toString();
  }

  /** A lookup answer that does not fit its field. */
  private static final class LookupMismatch extends Exception {
    private static final long serialVersionUID = 1L;

    LookupMismatch(String message) {
      super(message, null, false, false);
    }
  }
}
