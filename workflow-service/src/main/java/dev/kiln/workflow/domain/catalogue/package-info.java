/**
 * The Debian workflow catalogue as orchestrators (plain Java): {@code noop}, {@code sbuild}, {@code
 * lintian}, {@code autopkgtest}, {@code piuparts}, {@code blhc}, {@code debdiff}, {@code qa},
 * {@code make_signed_source}, {@code package_upload}, {@code update_environments} and {@code
 * debian_pipeline}. Their task data records and schemas are in the task SDK ({@code
 * dev.kiln.task.server.workflow}); each child is built from the SDK's task data records.
 */
package dev.kiln.workflow.domain.catalogue;
