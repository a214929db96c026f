package dev.kiln.task.server;

import dev.kiln.task.Tag;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskType;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.input.InputField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The definition of a server, wait, internal or workflow task: a constant of the task class.
 *
 * <pre>{@code
 * public static final DbTaskDefinition<Data> DEFINITION =
 *     DbTaskDefinition.server("packageupload", 1, Data.class, PackageUploadTask::new)
 *         .inputFields(UPLOAD)
 *         .build();
 * }</pre>
 *
 * @param <D> the task data record
 */
public final class DbTaskDefinition<D extends TaskData> extends TaskDefinition<D> {

  /**
   * Creates task instances; usually the task class's constructor.
   *
   * @param <D> the task data record
   */
  @FunctionalInterface
  public interface Factory<D extends TaskData> {
    /** A task for this data on this server. */
    DbTask<D> create(DbTaskDefinition<D> definition, D data, DbTaskContext context);
  }

  private final Factory<D> factory;

  private DbTaskDefinition(Builder<D> b) {
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

  /** Starts the definition of a server task. */
  public static <D extends TaskData> Builder<D> server(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.SERVER, name, version, dataType, factory);
  }

  /** Starts the definition of a wait task. */
  public static <D extends TaskData> Builder<D> waitTask(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.WAIT, name, version, dataType, factory);
  }

  /** Starts the definition of an internal task. */
  public static <D extends TaskData> Builder<D> internal(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.INTERNAL, name, version, dataType, factory);
  }

  /** Starts the definition of a workflow. */
  public static <D extends TaskData> Builder<D> workflow(
      String name, int version, Class<D> dataType, Factory<D> factory) {
    return new Builder<>(TaskType.WORKFLOW, name, version, dataType, factory);
  }

  /** A task instance for this data on this server. */
  public DbTask<D> create(D data, DbTaskContext context) {
    DbTask<D> task = factory.create(this, data, context);
    if (task.definition() != this) {
      throw new IllegalStateException(id() + ": the factory built a task of another definition");
    }
    return task;
  }

  /**
   * Builds a {@link DbTaskDefinition}.
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
      if (type.isExternal()) {
        throw new IllegalArgumentException(
            "worker and signing tasks are ExternalTaskDefinitions: " + type + "/" + name);
      }
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
     * Registers the class-level {@code providedWorkerTags} hook, run by the server-task runner to
     * contribute worker-provided tags.
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
    public DbTaskDefinition<D> build() {
      return new DbTaskDefinition<>(this);
    }
  }
}
