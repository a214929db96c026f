package dev.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/** CPU seconds of processes from /proc (Linux), for CPU time per unit of work in the benches. */
final class ProcCpu {

  private static final double TICKS = 100.0; // USER_HZ

  private ProcCpu() {}

  /** The stat fields after the command name (field 3 on), or null when the process is gone. */
  private static String[] stat(long pid) {
    return stat(Path.of("/proc/" + pid + "/stat"));
  }

  /** The fields of a /proc stat file (a process's or a thread's) after the command name. */
  private static String[] stat(Path file) {
    try {
      String s = Files.readString(file);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime plus stime of stat fields (fields 14 and 15: 11 and 12 counted from field 3), ticks. */
  private static long ownTicks(String[] f) {
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * User plus system CPU seconds of this process; with {@code reaped}, also of its children that
   * ended (cutime, cstime).
   */
  static double seconds(long pid, boolean reaped) {
    String[] f = pid < 0 ? null : stat(pid);
    if (f == null) {
      return 0;
    }
    // cutime, cstime are fields 16 and 17: 13 and 14 counted from field 3
    double t = ownTicks(f);
    if (reaped) {
      t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return t / TICKS;
  }

  /**
   * CPU seconds of a JVM's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}
   * in /proc/PID/task/TID/comm), to tell when the JIT has settled.
   */
  static double compilerSeconds(long pid) {
    double total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String comm;
        try {
          comm = Files.readString(t.resolve("comm")).strip();
        } catch (IOException e) {
          continue; // the thread ended
        }
        if (comm.contains("CompilerThre")) {
          String[] f = stat(t.resolve("stat"));
          if (f != null) {
            total += ownTicks(f) / TICKS;
          }
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  /** CPU seconds of a server and of its children, running and ended (PostgreSQL's backends). */
  static double treeSeconds(long pid) {
    if (pid < 0) {
      return 0;
    }
    double total = seconds(pid, true);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] f = stat(Long.parseLong(name));
        if (f != null && Long.parseLong(f[1]) == pid) {
          total += seconds(Long.parseLong(name), false);
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  /** The postmaster of this connection's server: the parent of its backend. */
  static long postmasterOf(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      String[] f = stat(r.getLong(1));
      return f == null ? -1 : Long.parseLong(f[1]);
    }
  }
}
