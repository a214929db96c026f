package dev.kiln.task.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.config.ConfiguredTaskData;
import dev.kiln.task.server.config.TaskConfiguration;
import dev.kiln.task.server.config.TaskConfigurationException;
import dev.kiln.task.server.config.TaskConfigurationSource;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the scheduler runs when a work request becomes pending, in the spec's order:
 *
 * <ol>
 *   <li>instantiate the task with the submitted task data;
 *   <li>compute (subject, context) with only the CONFIG-stage input fields resolved (one lookup
 *       batch, or none);
 *   <li>apply the task configuration (worker, signing and server tasks only) and instantiate the
 *       task again with the configured task data, which must validate;
 *   <li>compute the dynamic data (one lookup batch) and the tags.
 * </ol>
 *
 * <p>The tags are computed from the configured task data: a value the configuration sets counts as
 * task data, so a tag derived from it (e.g. {@code executor:<backend>}) has user provenance, like
 * the submitter's own choices. Either way it only narrows where the task runs.
 *
 * <p>Failures: {@link TaskDataException} (the submitted task data is invalid: reject it), {@link
 * TaskConfigurationException} (end the work request as {@code error}, code {@value
 * TaskConfigurationException#CODE}), {@link DynamicDataException} (end it as {@code error}, code
 * {@value DynamicDataException#CODE}). Transport failures of the lookup resolver propagate
 * unchecked: retry later.
 */
public final class TaskPreparation {

  private final DbTaskFactory factory;

  /** Prepares the tasks of this registry. */
  public TaskPreparation(TaskRegistry registry) {
    this.factory = new DbTaskFactory(registry);
  }

  /**
   * Prepares a work request.
   *
   * @param type the task type
   * @param name the task name
   * @param taskData the submitted task data
   * @param context what the task may use on the server
   * @param configuration the items of the task's configuration collection (see {@link
   *     TaskConfiguration#collectionLookup})
   */
  public PreparedTask prepare(
      TaskType type,
      String name,
      ObjectNode taskData,
      DbTaskContext context,
      TaskConfigurationSource configuration)
      throws TaskDataException, TaskConfigurationException, DynamicDataException {
    DbTask<?> submitted = factory.create(type, name, taskData, context);
    DbTask<?> task = submitted;
    ConfiguredTaskData configured;
    if (type.isRunByWorker()) {
      SubjectContext subjectContext = submitted.getTaskConfigurationSubjectContext();
      configured = TaskConfiguration.apply(taskData, type, name, subjectContext, configuration);
      try {
        task = factory.create(type, name, configured.configured(), context);
      } catch (TaskDataException e) {
        throw new TaskConfigurationException(
            "the configured task data does not validate (items "
                + configured.appliedItems()
                + "): "
                + describe(e.errors()));
      }
    } else {
      configured = new ConfiguredTaskData(taskData.deepCopy(), taskData.deepCopy(), List.of());
    }
    DynamicTaskData dynamic = task.computeDynamicData();
    return new PreparedTask(task, configured, dynamic, task.computeTags());
  }

  private static String describe(List<FieldError> errors) {
    return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
  }
}
