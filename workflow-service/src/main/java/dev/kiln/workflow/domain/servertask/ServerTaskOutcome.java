package dev.kiln.workflow.domain.servertask;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Set;

/**
 * What a server task ended with: the result reported to the scheduler and its output data.
 *
 * @param result {@code success}, {@code failure}, {@code error} or {@code skipped}
 * @param outputData what the task produced (ids of created artifacts, the error), a JSON object
 */
public record ServerTaskOutcome(String result, ObjectNode outputData) {

  private static final Set<String> RESULTS = Set.of("success", "failure", "error", "skipped");

  /** Checks the result. */
  public ServerTaskOutcome {
    Objects.requireNonNull(result, "result");
    if (!RESULTS.contains(result)) {
      throw new IllegalArgumentException("not a result: " + result);
    }
    outputData = outputData == null ? JsonNodeFactory.instance.objectNode() : outputData;
  }

  public static ServerTaskOutcome success(ObjectNode outputData) {
    return new ServerTaskOutcome("success", outputData);
  }

  public static ServerTaskOutcome failure(ObjectNode outputData) {
    return new ServerTaskOutcome("failure", outputData);
  }

  /** An error, with the reason as {@code output_data.error}. */
  public static ServerTaskOutcome error(String reason) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("error", reason);
    return new ServerTaskOutcome("error", o);
  }
}
