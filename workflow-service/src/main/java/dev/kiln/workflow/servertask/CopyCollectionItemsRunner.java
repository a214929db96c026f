package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.server.tasks.CopyCollectionItemsTask;
import dev.kiln.workflow.client.ArtifactRestClient;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * {@code server/copycollectionitems}: every copy of the task data goes to the artifact service in
 * ONE call ({@code POST /api/v1/collections/copy-items}), which resolves all the lookups in one
 * batch and copies in one transaction: all copies are made or none. A refused copy (a lookup that
 * finds nothing, a name taken without {@code replace}) ends the task with {@code error}, naming the
 * field. Copies across workspaces are refused by the artifact service ({@code unembargo} is
 * accepted and has no effect yet).
 */
@ApplicationScoped
public class CopyCollectionItemsRunner implements ServerTaskRunner {

  @Inject ArtifactRestClient artifacts;
  @Inject ObjectMapper mapper;

  @Override
  public String taskName() {
    return CopyCollectionItemsTask.DEFINITION.name();
  }

  @Override
  public ServerTaskOutcome run(ServerTaskCommand c) throws Exception {
    CopyCollectionItemsTask.DEFINITION.parseData(c.taskData()); // validates
    ObjectNode body = mapper.createObjectNode();
    body.put("workspace", c.workspace());
    if (c.rootWorkflowId() != null) {
      body.put("workflow_root_id", c.rootWorkflowId());
    }
    ArrayNode copies = body.putArray("copies");
    for (JsonNode copy : c.taskData().get("copies")) {
      ObjectNode o = copies.addObject();
      o.set("source_items", copy.get("source_items"));
      o.set("target_collection", copy.get("target_collection"));
      for (String key : new String[] {"replace", "name_template", "variables"}) {
        if (copy.hasNonNull(key)) {
          o.set(key, copy.get(key));
        }
      }
    }
    ArtifactRestClient.Answer a =
        artifacts.postJson(
            artifacts.tokenFor(c.workRequestId(), c.workspace()),
            "/api/v1/collections/copy-items",
            body);
    if (a.status() >= 500) {
      throw new java.io.IOException("the artifact service answered " + a.detail());
    }
    if (!a.ok()) {
      ServerTaskOutcome e = ServerTaskOutcome.error("the copies were refused: " + a.detail());
      if (a.body().has("errors")) {
        e.outputData().set("errors", a.body().get("errors"));
      }
      return e;
    }
    ObjectNode out = mapper.createObjectNode();
    ArrayNode ids = out.putArray("copied_item_ids");
    int n = 0;
    for (JsonNode made : a.body().path("copies")) {
      for (JsonNode item : made) {
        ids.add(item.path("id").asLong());
        n++;
      }
    }
    out.put("copied", n);
    return ServerTaskOutcome.success(out);
  }
}
