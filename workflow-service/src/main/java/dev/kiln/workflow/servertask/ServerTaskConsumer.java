package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.log.LogContext;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The server-task runners' consumer of {@code kiln.work-requests}: its own consumer group ({@code
 * workflow-server-tasks}) is the pool of runners across replicas, and each process runs up to
 * {@code kiln.server-tasks.concurrency} commands at a time (the {@code server-task-runners} worker
 * pool). An offset is committed only once its command has been run, recorded and reported (the
 * throttled strategy commits past a record when it and every earlier one are acknowledged).
 */
@ApplicationScoped
public class ServerTaskConsumer {

  private static final Logger LOG = Logger.getLogger(ServerTaskConsumer.class);

  @Inject ObjectMapper mapper;
  @Inject ServerTaskService service;

  @Incoming("server-tasks")
  @Blocking(value = "server-task-runners", ordered = false)
  public void onCommand(String payload) {
    JsonNode event;
    try {
      event = mapper.readTree(payload);
    } catch (IOException e) {
      LOG.errorf("dropping an event that is not JSON: %s", e.getMessage());
      return;
    }
    if (!ServerTaskCommand.EVENT_TYPE.equals(event.path("event_type").asText(""))) {
      return; // the other events of the topic are for other consumers
    }
    ServerTaskCommand command;
    try {
      command = ServerTaskCommand.fromEvent(event);
    } catch (RuntimeException e) {
      LOG.errorf("dropping a malformed server-task command: %s", e.getMessage());
      return;
    }
    try (LogContext ignored = LogContext.workRequest(command.workRequestId(), command.attempt())) {
      service.handle(command, payload);
    }
  }
}
