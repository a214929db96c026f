/**
 * The Debian worker tasks of the task SDK as they run on this agent: {@code mmdebstrap} (a system
 * tarball from a mirror), {@code sbuild} (a source package built in the unshare backend) and {@code
 * lintian} (run inside an environment instance). Each builds its command lines in a static method
 * the unit tests check, runs them through {@link dev.kiln.agent.taskio.CommandLog} and uploads its
 * outputs with relations through {@link dev.kiln.agent.taskio.AttemptArtifacts}. A command that
 * fails because the work failed (a build error) ends the task {@code failure}; a problem that kept
 * the task from working (a download, a missing tool) ends it {@code error}.
 */
package dev.kiln.agent.task.debian;
