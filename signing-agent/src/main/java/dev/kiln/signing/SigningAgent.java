package dev.kiln.signing;

/**
 * Placeholder of the signing agent: the only process that will hold signing keys (encrypted at
 * rest), run the signing tasks ({@code sign}, {@code debsign}, {@code signrepositoryindex}, {@code
 * generatekey}, {@code noop}) and keep the append-only signing audit log. It will speak the same
 * agent protocol as the worker agent ({@code kiln.scheduler.v1.WorkerAgentService}) with {@code
 * worker_type = signing}. Until then it refuses to start rather than pretend to sign.
 */
public final class SigningAgent {

  private SigningAgent() {}

  public static void main(String[] args) {
    System.err.println("kiln signing-agent: not implemented yet; no signing task can run");
    System.exit(3);
  }
}
