package dev.kiln.workflow.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.workflow.client.SchedulerRestClient;
import dev.kiln.workflow.domain.template.TemplateAccess;
import dev.kiln.workflow.domain.template.TemplateException;
import dev.kiln.workflow.domain.template.WorkflowStart;
import dev.kiln.workflow.domain.template.WorkflowTemplate;
import dev.kiln.workflow.domain.template.WorkflowTemplates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Stores a workspace's workflow templates and starts workflows from them: the merge and its checks
 * are {@link WorkflowTemplates}'s; the workflow work request is created by the scheduler's create
 * API, with an {@code Idempotency-Key} derived from the client's.
 */
@ApplicationScoped
public class WorkflowTemplateService {

  private static final Logger LOG = Logger.getLogger(WorkflowTemplateService.class);

  @Inject WorkflowTemplateRepository repository;
  @Inject SchedulerRestClient scheduler;
  @Inject ObjectMapper mapper;

  private final WorkflowTemplates templates = new WorkflowTemplates(TaskCatalogue.registry());

  /** The scheduler's answer to a start: its status (201 created, 200 replayed) and view. */
  public record Started(int status, JsonNode workRequest) {}

  @Transactional
  public WorkflowTemplate create(WorkflowTemplate t, Caller caller) {
    TemplateAccess.checkWrite(caller, t.workspace());
    check(t, caller);
    if (!repository.insert(t, caller.name())) {
      throw ApiException.conflict(
          "workspace " + t.workspace() + " already has a workflow template '" + t.name() + "'");
    }
    return t;
  }

  @Transactional
  public WorkflowTemplate update(WorkflowTemplate t, Caller caller) {
    TemplateAccess.checkWrite(caller, t.workspace());
    check(t, caller);
    if (!repository.update(t)) {
      throw notFound(t.workspace(), t.name());
    }
    return t;
  }

  @Transactional
  public void delete(String workspace, String name, Caller caller) {
    TemplateAccess.checkWrite(caller, workspace);
    if (!repository.delete(workspace, name)) {
      throw notFound(workspace, name);
    }
  }

  @Transactional
  public WorkflowTemplate get(String workspace, String name, Caller caller) {
    TemplateAccess.checkRead(caller, workspace);
    return repository.find(workspace, name).orElseThrow(() -> notFound(workspace, name));
  }

  @Transactional
  public List<WorkflowTemplate> list(String workspace, Caller caller) {
    TemplateAccess.checkRead(caller, workspace);
    return repository.list(workspace);
  }

  /**
   * Starts a workflow: merges the user's data with the template (400 naming {@code
   * task_data.<field>}), then has the scheduler create the workflow work request. No transaction is
   * held during the call.
   */
  public Started start(
      String workspace, String templateName, JsonNode taskData, Caller caller, String clientKey) {
    TemplateAccess.checkStart(caller, workspace);
    if (templateName == null || templateName.isBlank()) {
      throw ApiException.invalidField("template", "is required");
    }
    WorkflowTemplate t =
        repository
            .find(workspace, templateName)
            .orElseThrow(
                () ->
                    ApiException.invalidField(
                        "template",
                        "workspace "
                            + workspace
                            + " has no workflow template '"
                            + templateName
                            + "'"));
    WorkflowStart start;
    try {
      start = templates.start(t, taskData);
    } catch (TemplateException e) {
      throw invalid(e);
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("task_type", "workflow");
    body.put("task_name", start.taskName());
    body.set("task_data", start.taskData());
    body.put("workspace", workspace);
    body.put("priority_base", start.priorityBase());
    body.putObject("workflow_data").put("workflow_template_name", start.workflowTemplateName());
    String key = clientKey == null ? null : derivedKey(workspace, caller.name(), clientKey);
    SchedulerRestClient.Answer a;
    try {
      a = scheduler.createWorkRequest(body, key);
    } catch (IOException e) {
      throw new ApiException(
          ApiException.Kind.UNAVAILABLE, "the scheduler cannot be reached: " + e.getMessage());
    }
    if (!a.ok()) {
      throw SchedulerRestClient.passOn(a);
    }
    LOG.infof(
        "%s started workflow %s (%s) from template %s/%s",
        caller.name(), a.body().path("id").asText(), start.taskName(), workspace, templateName);
    return new Started(a.status(), a.body());
  }

  /**
   * The scheduler scopes keys by caller, and every start reaches it as the workflow service: the
   * derived key binds the client's key to its workspace and user (fixed length, whatever the client
   * sent).
   */
  static String derivedKey(String workspace, String user, String clientKey) {
    if (clientKey.isBlank() || clientKey.length() > 255) {
      throw ApiException.invalidField("Idempotency-Key", "must be 1 to 255 characters");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {workspace, user, clientKey}) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return "workflow-start:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void check(WorkflowTemplate t, Caller caller) {
    try {
      templates.check(t, TemplateAccess.mayRaisePriority(caller, t.workspace()));
    } catch (TemplateException e) {
      throw invalid(e);
    }
  }

  private static ApiException invalid(TemplateException e) {
    return ApiException.invalid(
        e.errors().stream().map(f -> new FieldError(f.field(), f.message())).toList());
  }

  private static ApiException notFound(String workspace, String name) {
    return ApiException.notFound("workflow template '" + name + "' of workspace " + workspace);
  }
}
