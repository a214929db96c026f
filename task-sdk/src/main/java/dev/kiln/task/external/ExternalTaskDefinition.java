package dev.kiln.task.external;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskType;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The definition of a worker or signing task: a constant of the task class.
 *
 * <pre>{@code
 * public static final ExternalTaskDefinition<Data> DEFINITION =
 *     ExternalTaskDefinition.worker("sbuild", 1, Data.class, SbuildTask::new)
 *         .inputFields(SOURCE_ARTIFACT, ENVIRONMENT, HOST_ARCHITECTURE)
 *         .providedWorkerTags(SbuildTask::providedWorkerTags)
 *         .build();
 * }</pre>
 *
 * @param <D> the task data record
 */
public final class ExternalTaskDefinition<D extends TaskData> extends TaskDefinition<D> {

  /**
   * Creates task instances; usually the task class's constructor.
   *
   * @param <D> the task data record
   */
  @FunctionalInterface
  public interface Factory<D extends TaskData> {
    /** A task for this data and these resolved inputs. */
    ExternalTask<D> create(ExternalTaskDefinition<D> definition, D data, InputValues inputs);
  }

  private final Factory<D> factory;

  private ExternalTaskDefinition(Builder<D> b) {
    super(
        b.type,
        b.name,
        b.version,
        b.dataType,
        b.inputFields,
        b.providedWorkerTags,
        b.schemaResource);
    this.factory = b.factory;
  }

  /** Starts the definition of a worker task. */
  public static <D extends TaskData> Builder<D> worker(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.WORKER, name, version, dataType, factory);
  }

  /** Starts the definition of a signing task. */
  public static <D extends TaskData> Builder<D> signing(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.SIGNING, name, version, dataType, factory);
  }

  /** A task instance for this data and these resolved inputs. */
  public ExternalTask<D> create(D data, InputValues inputs) {
    ExternalTask<D> task = factory.create(this, data, inputs);
    if (task.definition() != this) {
      throw new IllegalStateException(id() + ": the factory built a task of another definition");
    }
    return task;
  }

  /**
   * The task as a worker runs it: from the task data and dynamic task data of its assignment. Input
   * fields are read from {@code dynamic_task_data.inputs}; nothing is looked up.
   *
   * @param taskData the (configured) task data
   * @param dynamicTaskData the dynamic task data the server computed
   * @throws TaskDataException when the task data does not match the schema
   */
  public ExternalTask<D> createForWorker(JsonNode taskData, JsonNode dynamicTaskData)
      throws TaskDataException {
    return create(parseData(taskData), DynamicTaskData.fromJson(dynamicTaskData).inputs());
  }

  /**
   * Builds an {@link ExternalTaskDefinition}.
   *
   * @param <D> the task data record
   */
  public static final class Builder<D extends TaskData> {
    private final TaskType type;
    private final String name;
    private final int version;
    private final Class<D> dataType;
    private final Factory<D> factory;
    private final List<InputField<D, ?>> inputFields = new ArrayList<>();
    private Function<WorkerProbe, Set<Tag>> providedWorkerTags;
    private String schemaResource;

    private Builder(
        TaskType type, String name, int version, Class<D> dataType, Factory<D> factory) {
      this.type = type;
      this.name = name;
      this.version = version;
      this.dataType = dataType;
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Declares the task's input fields. */
    @SafeVarargs
    public final Builder<D> inputFields(InputField<D, ?>... fields) {
      inputFields.addAll(Arrays.asList(fields));
      return this;
    }

    /**
     * Registers the class-level {@code providedWorkerTags} hook (usually a static method of the
     * task class), run on workers to contribute worker-provided tags.
     */
    public Builder<D> providedWorkerTags(Function<WorkerProbe, Set<Tag>> hook) {
      this.providedWorkerTags = Objects.requireNonNull(hook);
      return this;
    }

    /** Reads the schema from another classpath resource (tests). */
    public Builder<D> schemaResource(String resource) {
      this.schemaResource = resource;
      return this;
    }

    /** The definition. */
    public ExternalTaskDefinition<D> build() {
      return new ExternalTaskDefinition<>(this);
    }
  }
}
