package dev.kiln.agent.executor;

/**
 * Whether an executor backend can run on this host, and if not, why (for logs and the setup
 * documentation).
 */
public record Availability(boolean available, String reason) {

  public static Availability yes() {
    return new Availability(true, "available");
  }

  public static Availability no(String reason) {
    return new Availability(false, reason);
  }
}
