package dev.kiln.agent.executor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One isolated environment made from an image by an {@link Executor}: created stopped, started,
 * used (files in and out, commands as root or as the build user), then destroyed. Not thread-safe:
 * one task drives it.
 */
public interface Instance extends AutoCloseable {

  /** A name that identifies it in logs (and, for Incus, in {@code incus list}). */
  String name();

  void start() throws IOException, InterruptedException;

  void stop() throws IOException, InterruptedException;

  boolean started();

  /**
   * Creates the non-root build user ({@link BuildUser}) inside the instance, if it does not exist.
   * Commands with {@link Command#asRoot()} false run as this user.
   */
  void createUser() throws IOException, InterruptedException;

  /** Copies a host file into the instance (owned by root, the host file's permission bits). */
  void copyIn(Path hostFile, String instancePath) throws IOException, InterruptedException;

  /** Copies a file of the instance to the host, replacing {@code hostFile}. */
  void copyOut(String instancePath, Path hostFile) throws IOException, InterruptedException;

  /**
   * Runs a command inside the started instance, streaming its output to {@code sink}. Cancelling
   * {@code cancel} or interrupting the thread stops it (SIGTERM, grace period, SIGKILL).
   */
  ExecResult run(Command command, OutputSink sink, Cancellation cancel)
      throws IOException, InterruptedException;

  /** Stops it if needed and removes everything it was made of. Safe to call twice. */
  void destroy() throws IOException, InterruptedException;

  @Override
  default void close() throws IOException, InterruptedException {
    destroy();
  }
}
