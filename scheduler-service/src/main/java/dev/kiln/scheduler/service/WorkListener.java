package dev.kiln.scheduler.service;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on {@code kiln_work_available} (raised by a trigger whenever a work request becomes
 * dispatchable, on any replica or by any writer) and wakes the dispatcher, so an idle agent of this
 * replica gets new work at once rather than at the next fallback pass. Holds one connection.
 */
@ApplicationScoped
public class WorkListener {

  private static final Logger LOG = Logger.getLogger(WorkListener.class);

  @Inject AgroalDataSource dataSource;
  @Inject Dispatcher dispatcher;
  @Inject TagIndex tags;

  private volatile boolean running;
  private Thread thread;

  void start(@Observes StartupEvent event) {
    running = true;
    thread = new Thread(this::listen, "kiln-work-listener");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Whether a notification names a tag class this replica has not read (or none: an older trigger,
   * or work without a class), so the tag index must look before the next claim.
   */
  private boolean newClasses(PGNotification[] notifications) {
    for (PGNotification n : notifications) {
      String payload = n.getParameter();
      try {
        if (payload == null || payload.isEmpty() || !tags.knows(Long.parseLong(payload))) {
          return true;
        }
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  private void listen() {
    while (running) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN kiln_work_available");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        dispatcher.workAnnounced(); // whatever arrived while not listening
        while (running) {
          PGNotification[] n = pg.getNotifications(1_000);
          if (n != null && n.length > 0) {
            dispatcher.workAnnounced(newClasses(n));
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.warnf("listening for new work failed (%s); retrying", e.getMessage());
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }
}
