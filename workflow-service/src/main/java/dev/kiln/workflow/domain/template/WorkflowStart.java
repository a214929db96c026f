package dev.kiln.workflow.domain.template;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What starting a workflow from a template yields: the root work request to create.
 *
 * @param taskName the workflow's task name
 * @param taskData the merged task data, valid for the workflow's schema
 * @param priorityBase the base priority (the template's)
 * @param workflowTemplateName recorded as {@code workflow_data.workflow_template_name}
 */
public record WorkflowStart(
    String taskName, ObjectNode taskData, int priorityBase, String workflowTemplateName) {}
