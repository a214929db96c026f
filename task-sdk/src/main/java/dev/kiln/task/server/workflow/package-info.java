/**
 * The Debian workflow catalogue's task data ({@code task_type} {@code workflow}): one class per
 * workflow with its {@code Data} record and definition, registered in {@link
 * dev.kiln.task.server.TaskCatalogue#workflowTasks()}. The orchestrators that lay out each
 * workflow's children live in the workflow service ({@code dev.kiln.workflow.domain.catalogue}).
 *
 * <p>Conventions shared by the workflows: {@code vendor} (default {@code debian}) and {@code
 * codename} select environments as {@code <vendor>/match:codename=<codename>}; {@code
 * architectures} restricts the architectures worked on; {@code arch_all_host_architecture} (default
 * {@code amd64}) is where {@code all} packages are handled; {@code prefix} namespaces the names
 * this workflow gives items of the root's internal collection (convention: ending in {@code |}).
 */
package dev.kiln.task.server.workflow;
