package dev.kiln.workflow.servertask;

import dev.kiln.task.server.tasks.ServerNoopTask;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code server/servernoop}, as Debusine's: {@code exception: true} raises (an {@code error}
 * result), else {@code result: true} succeeds and anything else fails.
 */
@ApplicationScoped
public class ServerNoopRunner implements ServerTaskRunner {

  @Override
  public String taskName() {
    return ServerNoopTask.DEFINITION.name();
  }

  /** It does nothing outside: a run interrupted by its runner's death is run again. */
  @Override
  public boolean safeToRerun() {
    return true;
  }

  @Override
  public ServerTaskOutcome run(ServerTaskCommand command) throws Exception {
    ServerNoopTask.Data data = ServerNoopTask.DEFINITION.parseData(command.taskData());
    if (Boolean.TRUE.equals(data.exception())) {
      throw new IllegalStateException("Client requested an exception");
    }
    return Boolean.TRUE.equals(data.result())
        ? ServerTaskOutcome.success(null)
        : ServerTaskOutcome.failure(null);
  }
}
