package dev.kiln.task.server.wait;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;
import java.time.Instant;

/** {@code wait/delay}: completes (success) once {@code delay_until} has passed. */
public final class DelayTask extends DbTask<DelayTask.Data> {

  /**
   * Task data.
   *
   * @param delayUntil when the task completes (RFC 3339)
   */
  public record Data(@JsonProperty(required = true) Instant delayUntil) implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.waitTask("delay", 1, Data.class, DelayTask::new).build();

  private DelayTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }

  /** Whether the delay is over at this time. */
  public boolean isOver(Instant now) {
    return !now.isBefore(data().delayUntil());
  }
}
