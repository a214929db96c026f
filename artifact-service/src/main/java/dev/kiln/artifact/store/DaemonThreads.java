package dev.kiln.artifact.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for blocking file work beside the request threads. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /**
   * A pool that creates a daemon thread named {@code prefix-N} whenever none is idle, and ends
   * threads idle for a minute: for tasks that block on the disk, each of which belongs to one
   * request.
   */
  public static ExecutorService cached(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
