package dev.kiln.task.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.task.TaskJson;
import dev.kiln.task.model.Backend;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A task input field: one lookup (or architecture) a task declares once, next to its task data. The
 * server resolves every declared field (in one batch call) and persists the values in {@code
 * dynamic_task_data.inputs.<name>}; the task reads them as values with {@code input(FIELD)}.
 *
 * <pre>{@code
 * static final InputField<Data, InputArtifactSingle> SOURCE_ARTIFACT =
 *     InputField.singleArtifact("input.source_artifact", (Data d) -> d.input().sourceArtifact())
 *         .categories("debian:source-package")
 *         .stage(Stage.CONFIG);
 * }</pre>
 *
 * <p>Fields are immutable; each modifier returns a copy. A field is required unless {@link
 * #optional()}; its stage is {@link Stage#EXECUTION} unless set.
 *
 * @param <D> the task data record
 * @param <V> the value it resolves to
 */
public final class InputField<D, V extends InputValue> {

  private final InputKind kind;
  private final String path;
  private final Class<V> valueType;
  private final Function<D, ? extends Lookup> lookup;
  private final Function<D, String> architecture;
  private final boolean required;
  private final Stage stage;
  private final Set<String> categories;
  private final String defaultCategory;
  private final InputField<D, InputArchitecture> environmentArchitecture;
  private final Function<D, Backend> environmentBackend;

  private InputField(
      InputKind kind,
      String path,
      Class<V> valueType,
      Function<D, ? extends Lookup> lookup,
      Function<D, String> architecture,
      boolean required,
      Stage stage,
      Set<String> categories,
      String defaultCategory,
      InputField<D, InputArchitecture> environmentArchitecture,
      Function<D, Backend> environmentBackend) {
    this.kind = kind;
    this.path = path;
    this.valueType = valueType;
    this.lookup = lookup;
    this.architecture = architecture;
    this.required = required;
    this.stage = stage;
    this.categories = categories;
    this.defaultCategory = defaultCategory;
    this.environmentArchitecture = environmentArchitecture;
    this.environmentBackend = environmentBackend;
  }

  private static <D, V extends InputValue> InputField<D, V> create(
      InputKind kind,
      String path,
      Class<V> valueType,
      Function<D, ? extends Lookup> lookup,
      Function<D, String> architecture) {
    Objects.requireNonNull(path, "path");
    if (!path.matches("[a-z0-9_]+(\\.[a-z0-9_]+)*")) {
      throw new IllegalArgumentException(
          "an input field path is the dotted snake_case path of its task data key: '" + path + "'");
    }
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        architecture,
        true,
        Stage.EXECUTION,
        Set.of(),
        null,
        null,
        null);
  }

  /**
   * A field looking up one artifact.
   *
   * @param path the task data key holding the lookup, dotted (e.g. {@code input.source_artifact});
   *     its last segment names the field in dynamic data
   * @param lookup reads the lookup from the task data (null when unset)
   */
  public static <D> InputField<D, InputArtifactSingle> singleArtifact(
      String path, Function<D, LookupSingle> lookup) {
    return create(
        InputKind.SINGLE_ARTIFACT,
        path,
        InputArtifactSingle.class,
        Objects.requireNonNull(lookup),
        null);
  }

  /**
   * A field looking up any number of artifacts.
   *
   * @param path the task data key holding the lookup, dotted
   * @param lookup reads the lookup from the task data (null when unset)
   */
  public static <D> InputField<D, InputArtifactMultiple> multipleArtifacts(
      String path, Function<D, LookupMultiple> lookup) {
    return create(
        InputKind.MULTIPLE_ARTIFACTS,
        path,
        InputArtifactMultiple.class,
        Objects.requireNonNull(lookup),
        null);
  }

  /**
   * A field looking up one collection.
   *
   * @param path the task data key holding the lookup, dotted
   * @param lookup reads the lookup from the task data (null when unset)
   */
  public static <D> InputField<D, InputCollectionSingle> singleCollection(
      String path, Function<D, LookupSingle> lookup) {
    return create(
        InputKind.SINGLE_COLLECTION,
        path,
        InputCollectionSingle.class,
        Objects.requireNonNull(lookup),
        null);
  }

  /**
   * The task's architecture: the task data's value, or when it is unset the server-defined fallback
   * architecture (never the worker's). Always resolved, whatever the stage, since it takes no
   * lookup.
   *
   * @param path the task data key holding the architecture, dotted (e.g. {@code host_architecture})
   * @param architecture reads it from the task data (null when unset)
   */
  public static <D> InputField<D, InputArchitecture> architecture(
      String path, Function<D, String> architecture) {
    return create(
        InputKind.ARCHITECTURE,
        path,
        InputArchitecture.class,
        null,
        Objects.requireNonNull(architecture));
  }

  /**
   * The architecture of a task whose task data has no architecture key: always the server-defined
   * fallback. Use it for executor tasks, so that their environment lookups are completed with an
   * architecture and they require a worker of that architecture.
   *
   * @param name the field's name in dynamic data (e.g. {@code host_architecture})
   */
  public static <D> InputField<D, InputArchitecture> fallbackArchitecture(String name) {
    return architecture(name, d -> null);
  }

  /** A copy that may be left unset in the task data (then it has no value). */
  public InputField<D, V> optional() {
    if (kind == InputKind.ARCHITECTURE) {
      throw new IllegalStateException("an architecture always has a value (the fallback)");
    }
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        architecture,
        false,
        stage,
        categories,
        defaultCategory,
        environmentArchitecture,
        environmentBackend);
  }

  /** A copy resolved at this stage ({@link Stage#CONFIG} if the configuration needs it). */
  public InputField<D, V> stage(Stage stage) {
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        architecture,
        required,
        Objects.requireNonNull(stage),
        categories,
        defaultCategory,
        environmentArchitecture,
        environmentBackend);
  }

  /**
   * A copy accepting only artifacts (or collections) of these categories; anything else fails the
   * resolution naming the field.
   */
  public InputField<D, V> categories(String... categories) {
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        architecture,
        required,
        stage,
        Set.copyOf(Arrays.asList(categories)),
        defaultCategory,
        environmentArchitecture,
        environmentBackend);
  }

  /**
   * A copy whose bare collection names mean this category (e.g. {@code debian:environments} so that
   * {@code debian/match:codename=bookworm} works).
   */
  public InputField<D, V> defaultCategory(String category) {
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        architecture,
        required,
        stage,
        categories,
        Objects.requireNonNull(category),
        environmentArchitecture,
        environmentBackend);
  }

  /**
   * A copy that looks up an execution environment: bare names mean {@code debian:environments},
   * only {@code debian:system-tarball} / {@code debian:system-image} artifacts are accepted, and a
   * {@code match:} lookup is completed with the task's {@code architecture} and with the {@code
   * format} its backend runs, unless the lookup names them.
   *
   * @param architecture the task's architecture field
   * @param backend reads the task's backend (null means {@code auto})
   */
  public InputField<D, V> environment(
      InputField<D, InputArchitecture> architecture, Function<D, Backend> backend) {
    if (kind != InputKind.SINGLE_ARTIFACT) {
      throw new IllegalStateException("only a single-artifact field is an environment");
    }
    return new InputField<>(
        kind,
        path,
        valueType,
        lookup,
        this.architecture,
        required,
        stage,
        Set.of("debian:system-tarball", "debian:system-image"),
        "debian:environments",
        Objects.requireNonNull(architecture),
        Objects.requireNonNull(backend));
  }

  /** What it resolves to. */
  public InputKind kind() {
    return kind;
  }

  /** The dotted task data path of its key, e.g. {@code input.source_artifact}. */
  public String path() {
    return path;
  }

  /** Its name in {@code dynamic_task_data.inputs}: the last segment of its path. */
  public String name() {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** The JSON path of its task data key, for messages: {@code task_data.<path>}. */
  public String taskDataPath() {
    return "task_data." + path;
  }

  /** The record its value reads as. */
  public Class<V> valueType() {
    return valueType;
  }

  /** Whether the task data must set it. */
  public boolean required() {
    return required;
  }

  /** When the server resolves it. */
  public Stage stage() {
    return stage;
  }

  /** The accepted categories; empty means any. */
  public Set<String> categories() {
    return categories;
  }

  /** The category bare collection names mean, or null. */
  public String defaultCategory() {
    return defaultCategory;
  }

  /** The lookup as written in this task data, if set. */
  public Optional<Lookup> lookupIn(D data) {
    if (lookup == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(lookup.apply(data));
  }

  /**
   * The lookup to resolve for this task data: the one written, completed for an environment field
   * (see {@link #environment}).
   *
   * @param data the task data
   * @param values the values resolved so far (architecture fields are resolved first)
   */
  public Optional<JsonNode> effectiveLookup(D data, InputValues values) {
    Optional<Lookup> written = lookupIn(data);
    if (written.isEmpty() || environmentArchitecture == null) {
      return written.map(Lookup::json);
    }
    JsonNode json = written.get().json();
    if (!json.isTextual()) {
      return Optional.of(json);
    }
    String arch = values.get(environmentArchitecture).architecture();
    Backend backend = environmentBackend.apply(data);
    String format = (backend == null ? Backend.AUTO : backend).imageFormat();
    return Optional.of(
        JsonNodeFactory.instance.textNode(completeMatch(json.asText(), arch, format)));
  }

  /** The architecture as written in this task data, or null (architecture fields only). */
  public String architectureIn(D data) {
    if (architecture == null) {
      throw new IllegalStateException(path + " is not an architecture field");
    }
    String a = architecture.apply(data);
    return a == null || a.isBlank() ? null : a;
  }

  /** Reads the persisted value of this field. */
  public V read(JsonNode persisted) {
    try {
      return TaskJson.mapper().treeToValue(persisted, valueType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "dynamic_task_data.inputs." + name() + " is not a " + valueType.getSimpleName(), e);
    }
  }

  static String completeMatch(String lookup, String architecture, String format) {
    int slash = lookup.lastIndexOf('/');
    if (slash < 0 || !lookup.startsWith("match:", slash + 1)) {
      return lookup;
    }
    String segment = lookup.substring(slash + 1 + "match:".length());
    StringBuilder out = new StringBuilder(lookup);
    String separator = segment.isEmpty() ? "" : ":";
    if (!hasKey(segment, "architecture")) {
      out.append(separator).append("architecture=").append(architecture);
      separator = ":";
    }
    if (!hasKey(segment, "format")) {
      out.append(separator).append("format=").append(format);
    }
    return out.toString();
  }

  private static boolean hasKey(String segment, String key) {
    for (String part : segment.split(":")) {
      if (part.startsWith(key + "=")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "InputField[" + kind + " " + path + (required ? "" : "?") + " " + stage + "]";
  }
}
