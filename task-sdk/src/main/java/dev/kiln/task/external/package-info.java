/**
 * Worker-side tasks: {@link dev.kiln.task.external.ExternalTask} (the spec's BaseExternalTask), the
 * root of every task that runs on an external worker or a signing worker, and the catalogue of
 * worker ({@code dev.kiln.task.external.worker}) and signing ({@code
 * dev.kiln.task.external.signing}) tasks. Nothing here depends on {@code dev.kiln.task.server}: an
 * external task reads its inputs as values from dynamic task data and never looks anything up.
 */
package dev.kiln.task.external;
