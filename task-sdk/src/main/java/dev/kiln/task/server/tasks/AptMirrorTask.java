package dev.kiln.task.server.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code server/aptmirror}: mirrors an external APT suite into a {@code debian:suite} collection
 * (managing its own transactions).
 */
public final class AptMirrorTask extends DbTask<AptMirrorTask.Data> {

  /**
   * Task data.
   *
   * @param collection the name of the {@code debian:suite} collection to update
   * @param url the repository's base URL
   * @param suite the suite to mirror
   * @param components the components to mirror (default: the suite's)
   * @param architectures the architectures to mirror (at least one)
   * @param signingKey the ASCII-armoured key the repository is signed with
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) String collection,
      @JsonProperty(required = true) String url,
      @JsonProperty(required = true) String suite,
      List<String> components,
      @JsonProperty(required = true) List<String> architectures,
      String signingKey,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.server("aptmirror", 1, Data.class, AptMirrorTask::new).build();

  private AptMirrorTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}
