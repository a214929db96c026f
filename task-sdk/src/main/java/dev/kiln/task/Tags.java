package dev.kiln.task;

/**
 * The tag vocabulary of the task model. Matching is by exact value: a work request's required tags
 * must all be among the worker's provided tags, and the worker's required tags among the work
 * request's provided tags.
 *
 * <table>
 *   <caption>Namespaces</caption>
 *   <tr><th>tag</th><th>who provides / requires it</th></tr>
 *   <tr><td>{@code task:<type>:<name>:v<version>}</td>
 *       <td>worker-provided for every task it can run (see {@link TaskRegistry#providedWorkerTags});
 *           task-required (system) for worker, signing and server tasks. Replaces Debusine's
 *           {@code <prefix>version} metadata and the worker-type check.</td></tr>
 *   <tr><td>{@code arch:<architecture>}</td>
 *       <td>worker-provided for each architecture it can run; task-required, with user provenance
 *           when the task data names the architecture and system provenance when it comes from the
 *           server-defined fallback.</td></tr>
 *   <tr><td>{@code executor:<backend>}</td>
 *       <td>worker-provided when the backend is available; task-required (user when the task data
 *           names the backend, system when {@code auto} resolved it).</td></tr>
 *   <tr><td>{@code tool:<name>}, {@code tool:<name>:<version>}</td>
 *       <td>worker-provided when a tool is installed (and its version); task-required (system)
 *           for the tools a task runs.</td></tr>
 *   <tr><td>{@code task-type:<type>}, {@code task-name:<type>:<name>}, {@code
 *       workspace:<name>}</td>
 *       <td>task-provided (system), so a worker can require them to dedicate itself.</td></tr>
 * </table>
 */
public final class Tags {

  private Tags() {}

  /** {@code task:<type>:<name>:v<version>}: the tag a worker provides for a task it can run. */
  public static String taskVersion(TaskType type, String name, int version) {
    return "task:" + type.wire() + ":" + name + ":v" + version;
  }

  /** {@code arch:<architecture>}. */
  public static String architecture(String architecture) {
    return "arch:" + architecture;
  }

  /** {@code executor:<backend>}. */
  public static String executor(String backend) {
    return "executor:" + backend;
  }

  /** {@code tool:<name>}: the tool is installed. */
  public static String tool(String name) {
    return "tool:" + name;
  }

  /** {@code tool:<name>:<version>}: the tool is installed in this version. */
  public static String toolVersion(String name, String version) {
    return "tool:" + name + ":" + version;
  }

  /** {@code task-type:<type>}. */
  public static String taskType(TaskType type) {
    return "task-type:" + type.wire();
  }

  /** {@code task-name:<type>:<name>}. */
  public static String taskName(TaskType type, String name) {
    return "task-name:" + type.wire() + ":" + name;
  }

  /** {@code workspace:<name>}. */
  public static String workspace(String workspace) {
    return "workspace:" + workspace;
  }
}
