/**
 * Workflow templates (plain Java): what a template holds, how a start request merges with it, and
 * the field-naming validation behind a 400 answer.
 */
package dev.kiln.workflow.domain.template;
