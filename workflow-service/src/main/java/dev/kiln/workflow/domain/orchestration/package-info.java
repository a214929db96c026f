/**
 * The orchestration model (plain Java, no framework): an {@link
 * dev.kiln.workflow.domain.orchestration.Orchestrator} lays out a workflow on a {@link
 * dev.kiln.workflow.domain.orchestration.Layout} from a read-only {@link
 * dev.kiln.workflow.domain.orchestration.WorkflowView}; the {@link
 * dev.kiln.workflow.domain.orchestration.Orchestration} turns that into one idempotent {@link
 * dev.kiln.workflow.domain.orchestration.GraphMutation} for the scheduler; {@link
 * dev.kiln.workflow.domain.orchestration.WorkflowRules} holds unblocking, completion, abort and
 * retry as pure functions.
 */
package dev.kiln.workflow.domain.orchestration;
