package dev.kiln.task.external.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputValues;

/** {@code signing/noop}: succeeds or fails as told (integration testing). */
public final class SigningNoopTask extends ExternalTask<SigningNoopTask.Data> {

  /**
   * Task data: exactly {@code {"result": boolean}}.
   *
   * @param result whether the task succeeds
   */
  public record Data(@JsonProperty(required = true) boolean result) implements TaskData {}

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.signing("noop", 1, Data.class, SigningNoopTask::new).build();

  private SigningNoopTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }
}
