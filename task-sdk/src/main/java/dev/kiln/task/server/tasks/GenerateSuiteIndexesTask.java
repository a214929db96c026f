package dev.kiln.task.server.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.InputCollectionSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;
import java.time.Instant;

/**
 * {@code server/generatesuiteindexes}: generates the {@code Packages}, {@code Sources} and {@code
 * Release} indexes of a suite as it was at a point in time.
 */
public final class GenerateSuiteIndexesTask extends DbTask<GenerateSuiteIndexesTask.Data> {

  /**
   * Task data.
   *
   * @param suiteCollection the {@code debian:suite} collection
   * @param generateAt the point in time (RFC 3339)
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle suiteCollection,
      @JsonProperty(required = true) Instant generateAt,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The suite. */
  public static final InputField<Data, InputCollectionSingle> SUITE_COLLECTION =
      InputField.singleCollection("suite_collection", Data::suiteCollection)
          .defaultCategory("debian:suite")
          .categories("debian:suite");

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.server("generatesuiteindexes", 1, Data.class, GenerateSuiteIndexesTask::new)
          .inputFields(SUITE_COLLECTION)
          .build();

  private GenerateSuiteIndexesTask(
      DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}
