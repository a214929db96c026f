package dev.kiln.workflow.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks templates and starts workflows from them.
 *
 * <p>The merge rule: start from the template's {@code default_task_data}, put the user's {@code
 * task_data} over it, then the template's fixed {@code task_data} over that; top-level keys are the
 * unit (a key is fixed, defaulted or free as a whole). Debusine also lets template keys win, but
 * silently drops what the user asked for; Kiln refuses a user value for a fixed key that differs
 * from the template's ({@code task_data.<key>: is fixed by the workflow template}) and declares the
 * overridable parameters explicitly. The merged data must then pass the workflow's schema; each
 * error names the field under {@code task_data}.
 */
public final class WorkflowTemplates {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

  private final TaskRegistry registry;

  /** Over the tasks of this registry. */
  public WorkflowTemplates(TaskRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Checks a template before it is stored.
   *
   * @param mayRaisePriority whether the caller may set a priority above 0
   * @throws TemplateException naming {@code name}, {@code task_name}, {@code priority}, or keys of
   *     {@code task_data} / {@code default_task_data}
   */
  public void check(WorkflowTemplate t, boolean mayRaisePriority) throws TemplateException {
    List<FieldError> errors = new ArrayList<>();
    if (!NAME.matcher(t.name()).matches()) {
      errors.add(new FieldError("name", "must match " + NAME.pattern()));
    }
    if (t.priority() > 0 && !mayRaisePriority) {
      errors.add(new FieldError("priority", "above 0 needs the permission to manage priorities"));
    }
    Optional<TaskDefinition<?>> workflow = registry.find(TaskType.WORKFLOW, t.taskName());
    if (workflow.isEmpty()) {
      errors.add(new FieldError("task_name", "unknown workflow '" + t.taskName() + "'"));
      throw new TemplateException(errors);
    }
    for (Iterator<String> it = t.defaultTaskData().fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (t.taskData().has(key)) {
        errors.add(new FieldError("default_task_data." + key, "is also fixed in task_data"));
      }
    }
    // What the template sets must be known keys with valid values; what it leaves to the user
    // (required keys) is checked when a workflow starts.
    ObjectNode both = t.defaultTaskData().deepCopy();
    both.setAll(t.taskData().deepCopy());
    for (FieldError e : workflow.get().validate(both)) {
      if (e.message().equals("is required")) {
        continue;
      }
      String key = topLevelKey(e.field());
      String owner = key != null && t.taskData().has(key) ? "task_data" : "default_task_data";
      errors.add(new FieldError(owner + e.field().substring("task_data".length()), e.message()));
    }
    if (!errors.isEmpty()) {
      throw new TemplateException(errors);
    }
  }

  /**
   * Starts a workflow from a template and the user's data.
   *
   * @throws TemplateException naming the fields under {@code task_data} that are fixed or invalid
   */
  public WorkflowStart start(WorkflowTemplate t, JsonNode userData) throws TemplateException {
    if (userData == null || userData.isNull() || userData.isMissingNode()) {
      userData = t.taskData().objectNode();
    }
    if (!userData.isObject()) {
      throw new TemplateException(List.of(new FieldError("task_data", "must be an object")));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = userData.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (t.taskData().has(key) && !t.taskData().get(key).equals(userData.get(key))) {
        errors.add(
            new FieldError(
                "task_data." + key, "is fixed by the workflow template '" + t.name() + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw new TemplateException(errors);
    }
    ObjectNode merged = t.defaultTaskData().deepCopy();
    merged.setAll(((ObjectNode) userData).deepCopy());
    merged.setAll(t.taskData().deepCopy());
    TaskDefinition<?> workflow =
        registry
            .find(TaskType.WORKFLOW, t.taskName())
            .orElseThrow(
                () ->
                    new TemplateException(
                        List.of(
                            new FieldError(
                                "template", "starts the unknown workflow " + t.taskName()))));
    List<FieldError> invalid = workflow.validate(merged);
    if (!invalid.isEmpty()) {
      throw new TemplateException(invalid);
    }
    return new WorkflowStart(t.taskName(), merged, t.priority(), t.name());
  }

  private static String topLevelKey(String field) {
    if (!field.startsWith("task_data.")) {
      return null;
    }
    String rest = field.substring("task_data.".length());
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      if (rest.charAt(i) == '.' || rest.charAt(i) == '[') {
        end = i;
        break;
      }
    }
    return rest.substring(0, end);
  }
}
