package dev.kiln.agent.executor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancellation handle: whoever holds it can ask running commands to stop; the {@link
 * ProcessRunner} then terminates their process groups (SIGTERM, a grace period, SIGKILL). An
 * interrupt of the thread running the command has the same effect.
 */
public final class Cancellation {

  /** A handle nobody cancels. */
  public static Cancellation none() {
    return new Cancellation();
  }

  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** Asks every command run under this handle to stop. Returns at once. */
  public void cancel() {
    cancelled.set(true);
  }

  public boolean cancelled() {
    return cancelled.get();
  }
}
