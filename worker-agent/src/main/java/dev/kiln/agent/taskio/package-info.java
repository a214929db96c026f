/**
 * What worker tasks share to do real work (plain Java, no framework): the attempt's artifacts
 * ({@link dev.kiln.agent.taskio.AttemptArtifacts}: inputs downloaded, outputs uploaded with their
 * relations, all recorded for the report and the debug-logs artifact), commands on the host or in
 * an executor instance with their output captured in log files ({@link
 * dev.kiln.agent.taskio.CommandLog}), environments from the image cache ({@link
 * dev.kiln.agent.taskio.Environments}) and Debian control-file parsing ({@link
 * dev.kiln.agent.taskio.Deb822}).
 */
package dev.kiln.agent.taskio;
