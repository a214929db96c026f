package dev.kiln.task.external;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.TagProvenance;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.input.Stage;
import java.util.Optional;
import java.util.Set;

/**
 * A test-only worker task: one CONFIG-stage field and one EXECUTION-stage field; it can be told to
 * misbehave (read the late field for its subject, or return a tag of the wrong provenance).
 */
public final class ProbeTask extends ExternalTask<ProbeTask.Data> {

  /** Task data. */
  public record Data(
      @JsonProperty(required = true) LookupSingle configInput,
      @JsonProperty(required = true) LookupSingle lateInput,
      Boolean subjectFromLateInput,
      TagProvenance tagProvenance)
      implements TaskData {}

  public static final InputField<Data, InputArtifactSingle> CONFIG_INPUT =
      InputField.singleArtifact("config_input", Data::configInput).stage(Stage.CONFIG);

  public static final InputField<Data, InputArtifactSingle> LATE_INPUT =
      InputField.singleArtifact("late_input", Data::lateInput);

  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("probe", 3, Data.class, ProbeTask::new)
          .inputFields(CONFIG_INPUT, LATE_INPUT)
          .schemaResource("/task-data-test/probe.schema.json")
          .providedWorkerTags(
              probe ->
                  probe.executorAvailable("unshare") ? Set.of(Tag.worker("probe:yes")) : Set.of())
          .build();

  private ProbeTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  @Override
  public Optional<String> getSubject() {
    InputField<Data, InputArtifactSingle> field =
        Boolean.TRUE.equals(data().subjectFromLateInput()) ? LATE_INPUT : CONFIG_INPUT;
    return Optional.ofNullable(input(field).artifact().dataText("name"));
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return Optional.of("ctx-" + input(CONFIG_INPUT).artifactId());
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    TagProvenance p = data().tagProvenance();
    return p == null ? Set.of(Tag.system("probe:required")) : Set.of(new Tag("probe:required", p));
  }

  @Override
  public Set<Tag> userProvidedTags() {
    return Set.of(Tag.user("probe:user"));
  }

  @Override
  public Set<Tag> computeSystemProvidedTags() {
    return Set.of(Tag.system("probe:provided"));
  }
}
