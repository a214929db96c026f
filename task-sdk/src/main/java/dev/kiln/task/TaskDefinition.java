package dev.kiln.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.input.InputField;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the registry knows about a task without instantiating it: its type, name and version, its
 * task data record and JSON Schema, its input fields, and its class-level {@code
 * providedWorkerTags} hook. Worker-side tasks are described by {@code ExternalTaskDefinition},
 * server-side ones by {@code DbTaskDefinition}; each task class declares its definition as a
 * constant.
 *
 * @param <D> the task data record
 */
public abstract class TaskDefinition<D extends TaskData> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final TaskType type;
  private final String name;
  private final int version;
  private final Class<D> dataType;
  private final List<InputField<D, ?>> inputFields;
  private final Function<WorkerProbe, Set<Tag>> providedWorkerTags;
  private final String schemaResource;
  private volatile TaskDataSchema schema;

  /**
   * @param type the task type
   * @param name the task name, lower case ({@code [a-z][a-z0-9_]*})
   * @param version the task version (at least 1); workers report it in {@code
   *     task:<type>:<name>:v<version>}
   * @param dataType the task data record
   * @param inputFields the task's input fields (names unique)
   * @param providedWorkerTags the class-level hook run on workers; null for none
   * @param schemaResource the classpath resource of the schema; null for the default {@link
   *     TaskDataSchema#resourceFor}
   */
  protected TaskDefinition(
      TaskType type,
      String name,
      int version,
      Class<D> dataType,
      List<InputField<D, ?>> inputFields,
      Function<WorkerProbe, Set<Tag>> providedWorkerTags,
      String schemaResource) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a task name is lower case [a-z][a-z0-9_]*: '" + name + "'");
    }
    if (version < 1) {
      throw new IllegalArgumentException("a task version is at least 1: " + name);
    }
    this.version = version;
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    if (!dataType.isRecord()) {
      throw new IllegalArgumentException("task data must be a record: " + dataType.getName());
    }
    this.inputFields = List.copyOf(inputFields);
    Set<String> names = new HashSet<>();
    for (InputField<D, ?> f : this.inputFields) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException(
            type + "/" + name + " declares two input fields named '" + f.name() + "'");
      }
    }
    this.providedWorkerTags = providedWorkerTags == null ? probe -> Set.of() : providedWorkerTags;
    this.schemaResource =
        schemaResource == null ? TaskDataSchema.resourceFor(type, name) : schemaResource;
  }

  /** The task type. */
  public final TaskType type() {
    return type;
  }

  /** The task name. */
  public final String name() {
    return name;
  }

  /** The task version. */
  public final int version() {
    return version;
  }

  /** {@code <type>/<name>}, for messages. */
  public final String id() {
    return type.wire() + "/" + name;
  }

  /** The tag a worker provides when it can run this version: {@code task:<type>:<name>:v<N>}. */
  public final String versionTag() {
    return Tags.taskVersion(type, name, version);
  }

  /** The task data record. */
  public final Class<D> dataType() {
    return dataType;
  }

  /** The input fields, in declaration order. */
  public final List<InputField<D, ?>> inputFields() {
    return inputFields;
  }

  /**
   * The class-level hook, run on a worker (with no task data) to contribute worker-provided tags,
   * e.g. {@code tool:sbuild} when sbuild is installed. Every tag must have {@link
   * TagProvenance#WORKER} provenance. The version tag is added by {@link
   * TaskRegistry#providedWorkerTags}, not here.
   */
  public final Set<Tag> providedWorkerTags(WorkerProbe probe) {
    Set<Tag> tags = new LinkedHashSet<>(providedWorkerTags.apply(probe));
    for (Tag t : tags) {
      if (t.provenance() != TagProvenance.WORKER) {
        throw new IllegalStateException(
            id()
                + ": providedWorkerTags returned "
                + t
                + "; worker-provided tags have WORKER provenance");
      }
    }
    return tags;
  }

  /** The schema of the task data (loaded once, from {@link #schemaResource()}). */
  public final TaskDataSchema schema() {
    TaskDataSchema s = schema;
    if (s == null) {
      s = TaskDataSchema.load(schemaResource);
      schema = s;
    }
    return s;
  }

  /** The classpath resource of the task data schema. */
  public final String schemaResource() {
    return schemaResource;
  }

  /** Checks submitted task data against the schema; empty when valid. */
  public final List<FieldError> validate(JsonNode taskData) {
    return schema().validate(taskData);
  }

  /**
   * Validates task data and reads it as the task's record.
   *
   * @throws TaskDataException naming each invalid field
   */
  public final D parseData(JsonNode taskData) throws TaskDataException {
    List<FieldError> errors = validate(taskData);
    if (!errors.isEmpty()) {
      throw new TaskDataException(errors);
    }
    try {
      return TaskJson.mapper().treeToValue(taskData, dataType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // The schema accepted it: the record and the schema disagree (a test guards against it).
      throw new TaskDataException(
          List.of(new FieldError("task_data", "cannot be read: " + e.getMessage())));
    }
  }

  /** The record as task data JSON. */
  public final ObjectNode toJson(D data) {
    return TaskJson.toObject(data);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + id() + " v" + version + "]";
  }
}
