package dev.kiln.bench;

import dev.kiln.agentclient.TestAgent;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dispatch throughput and latency of the real scheduler process against a real PostgreSQL, with
 * simulated agents on real gRPC streams that complete each assignment at once.
 *
 * <p>Prints, per pending-queue size and per fleet size, assignments/s sustained (the queue is
 * topped up as it drains, and 1 in 10 pending requests needs a tag no agent has, at a higher
 * priority, so dispatch must skip it); the pending → assignment-arrival latency at 1,000 new work
 * requests/s on idle agents; and pgbench's simple-update TPS of the same server. Ends with {@code
 * assignments_per_s=N p99_dispatch_ms=N pg_update_tps=N flat_ratio=N}.
 */
public final class SchedulerBench {

  private static final String NOOP = "task:worker:noop:v1";

  private SchedulerBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int[] pendingSizes =
        quick ? new int[] {1_000, 10_000, 100_000} : new int[] {1_000, 10_000, 100_000, 1_000_000};
    int[] fleetSizes = quick ? new int[] {10, 100, 1_000} : new int[] {10, 100, 1_000, 10_000};
    // --pending=N,N and --fleets=N,N run only those sizes (to profile one of them); the pending
    // sizes run with 200 workers, the fleets with 100,000 pending
    pendingSizes = sizes(args, "--pending=", pendingSizes);
    fleetSizes = sizes(args, "--fleets=", fleetSizes);
    boolean latencyToo = !Arrays.asList(args).contains("--no-latency");
    Duration window = Duration.ofSeconds(quick ? 2 : 8);
    System.out.println("bench: load average at start " + loadAverage());

    Path root = Platform.findRoot();
    Path dir = Files.createDirectories(root.resolve("bench/target/scheduler-run"));
    try (LocalInfra infra = LocalInfra.start(InfraSettings.ephemeral(dir.resolve("infra")))) {
      double pgTps = pgbench(infra.settings(), quick ? 5 : 15);
      System.out.printf("bench: pgbench -N (simple update) %.0f tps%n", pgTps);

      PlatformSecrets secrets = PlatformSecrets.random();
      Map<String, String> env = Platform.serviceEnvironment(infra.settings(), secrets);
      int port = dev.kiln.infra.Ports.free();
      env.put("KILN_SCHEDULER_PORT", String.valueOf(port));
      env.put("KILN_LEASE_DURATION", "600s");
      try (ServiceProcess scheduler =
              ServiceProcess.start(
                      root,
                      Platform.SCHEDULER,
                      port,
                      env,
                      dir,
                      jvmOptions(
                          args,
                          Arrays.asList(args).contains("--profile"),
                          dir.resolve("scheduler.jfr")))
                  .awaitReady(Duration.ofSeconds(180));
          Connection db =
              DriverManager.getConnection(
                  infra.settings().jdbcUrl() + "?currentSchema=scheduler",
                  InfraSettings.USER,
                  InfraSettings.PASSWORD)) {
        db.setAutoCommit(true);
        int maxFleet = Math.max(200, Arrays.stream(fleetSizes).max().orElse(200));
        exec(
            db,
            "INSERT INTO worker (name, worker_type, token_sha256, concurrency)"
                + " SELECT 'bench-' || g, 'worker', encode(sha256(('bench-token-' || g)::bytea),"
                + " 'hex'), 1 FROM generate_series(1, "
                + maxFleet
                + ") g");
        long runnable = tagClass(db, "[\"" + NOOP + "\",\"arch:amd64\"]");
        long decoy = tagClass(db, "[\"" + NOOP + "\",\"arch:s390x\"]");
        Bench bench = new Bench(db, port, runnable, decoy);
        bench.schedulerPid = scheduler.pid();
        if (Arrays.asList(args).contains("--pg-stats")) {
          // as the superuser: the extension and its reset are not the service role's
          bench.pgStats = DriverManager.getConnection(infra.settings().jdbcUrl(), "postgres", "");
          exec(bench.pgStats, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        bench.postmasterPid = ProcCpu.postmasterOf(db);

        Bench.Cpu idle0 = bench.cpu();
        Thread.sleep(2_000);
        Bench.Cpu idle1 = bench.cpu();
        System.out.printf(
            "bench: idle (no agent connected, nothing pending): scheduler %.0f ms CPU/s,"
                + " postgres %.0f ms CPU/s%n",
            (idle1.scheduler() - idle0.scheduler()) * 500,
            (idle1.postgres() - idle0.postgres()) * 500);
        // rounds that are not counted, until the scheduler's JIT has settled. On this 2-core
        // machine its one C2 thread compiled for more than a minute (0.5-1.9 s per method, half
        // the scheduler's CPU): with a fixed 2 s warm-up, 10 agents ran 318/s in the first round
        // and 783/s 40 s later, so the rounds measured a cold JVM. The warm-up alternates big
        // batches (200 agents) and small ones (10) until the compiler threads used less than 5 %
        // of a core in one round, for at most --warm-up seconds.
        bench.warmUp(
            Duration.ofSeconds(seconds(args, "--warm-up=", quick ? 90 : 180)),
            Duration.ofSeconds(quick ? 5 : 8));
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int p : pendingSizes) {
          double r = bench.throughput(p, 200, window);
          rates.put("pending=" + p + " workers=200", r);
          System.out.printf(
              "bench: pending=%-8d workers=%-6d %8.0f assignments/s  (%s)%n",
              p, 200, r, bench.lastCpu);
        }
        for (int w : fleetSizes) {
          if (w == 200) {
            continue;
          }
          double r = bench.throughput(100_000, w, window);
          rates.put("pending=100000 workers=" + w, r);
          System.out.printf(
              "bench: pending=%-8d workers=%-6d %8.0f assignments/s  (%s)%n",
              100_000, w, r, bench.lastCpu);
        }
        double headline = rates.getOrDefault("pending=100000 workers=200", Double.NaN);
        double[] latency =
            latencyToo
                ? bench.latency(200, 1_000, quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10))
                : new double[] {Double.NaN, Double.NaN, 0};
        System.out.printf(
            "bench: pending → assignment on an idle agent at 1000 WR/s: p50 %.1f ms, p99 %.1f ms"
                + " (%d arrivals of %d inserted; one that had not arrived 5 s after the last"
                + " insert counts as infinitely late)%n",
            latency[0], latency[1], (long) latency[2], bench.lastInserted);
        System.out.println("bench: scheduler metrics after the run:");
        metrics(port);
        // no size measured (--pending= --fleets=): NaN, as the headline, not a ratio of 0
        double slowest =
            rates.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double fastest = rates.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        System.out.println(
            "bench: scheduler log " + scheduler.log() + "; load average at end " + loadAverage());
        System.out.printf(
            "bench: headline %.0f assignments/s = %.2f × pgbench simple-update TPS%n",
            headline, headline / pgTps);
        System.out.printf(
            "assignments_per_s=%.0f p99_dispatch_ms=%.1f pg_update_tps=%.0f flat_ratio=%.2f%n",
            headline, latency[1], pgTps, slowest / fastest);
      }
    }
  }

  /** What follows {@code prefix} in the first argument that starts with it, else null. */
  static String value(String[] args, String prefix) {
    return values(args, prefix).stream().findFirst().orElse(null);
  }

  /** What follows {@code prefix} in each argument that starts with it (a repeatable option). */
  static List<String> values(String[] args, String prefix) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .toList();
  }

  /** The number given as {@code prefixN} among the arguments, else {@code otherwise}. */
  static long seconds(String[] args, String prefix, long otherwise) {
    String v = value(args, prefix);
    return v == null ? otherwise : Long.parseLong(v);
  }

  /**
   * The sizes given as {@code prefix1,2,3} among the arguments ({@code prefix} alone: none), else
   * {@code otherwise}.
   */
  static int[] sizes(String[] args, String prefix, int[] otherwise) {
    String v = value(args, prefix);
    if (v == null) {
      return otherwise;
    }
    return v.isEmpty()
        ? new int[0] // none
        : Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * The scheduler's JVM options; with {@code --profile}, a JFR recording of the whole run (read it
   * with {@code jfr print --events jdk.ExecutionSample}).
   */
  static List<String> jvmOptions(String[] args, boolean profile, Path jfr) {
    List<String> out = new ArrayList<>();
    out.add("-Xmx768m");
    // a fleet's Hellos at start-up on a loaded 2-core machine outwait the default 5 s for a
    // pooled connection; that is set-up, not what is measured
    out.add("-Dquarkus.datasource.jdbc.acquisition-timeout=60S");
    // --scheduler-opt=-Dkiln.scheduler.report-batch-size=100: a setting to compare
    out.addAll(values(args, "--scheduler-opt="));
    if (profile) {
      out.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr);
      System.out.println("bench: profiling the scheduler into " + jfr);
    }
    return out;
  }

  /** The scenarios, against one scheduler and database. */
  static final class Bench {
    final Connection db;
    final int port;
    final long runnable;
    final long decoy;

    Bench(Connection db, int port, long runnable, long decoy) {
      this.db = db;
      this.port = port;
      this.runnable = runnable;
      this.decoy = decoy;
    }

    double throughput(int pending, int workers, Duration window) throws Exception {
      reset();
      // 9 in 10 runnable; 1 in 10 urgent but for an architecture no agent has
      insert(runnable, 0, pending - pending / 10);
      insert(decoy, 10, pending / 10);
      exec(db, "ANALYZE work_request");
      try (Fleet fleet = Fleet.connect(port, workers, null)) {
        // the queue is kept at its size from the first assignment on, warm-up included (a small
        // queue drained by the warm-up second left nothing to measure: 0/s at 1,000 pending)
        long topped = 0;
        long warmUpEnd = System.nanoTime() + 1_000_000_000L; // the first fill of every agent
        while (System.nanoTime() < warmUpEnd) {
          Thread.sleep(50);
          topped = topUp(fleet, topped);
        }
        if (pgStats != null) {
          exec(pgStats, "SELECT pg_stat_statements_reset()");
        }
        long start = fleet.assigned.get();
        Batches batches0 = Batches.read(port);
        Cpu cpu0 = cpu();
        double jit0 = ProcCpu.compilerSeconds(schedulerPid);
        long t0 = System.nanoTime();
        long deadline = t0 + window.toNanos();
        while (System.nanoTime() < deadline) {
          Thread.sleep(50);
          topped = topUp(fleet, topped);
        }
        long done = fleet.assigned.get() - start;
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cpu cpu1 = cpu();
        lastCpu =
            String.format(
                "cpu/assignment: scheduler %.3f ms (JIT %.3f), postgres %.3f ms; %s; load %s",
                (cpu1.scheduler - cpu0.scheduler) * 1e3 / Math.max(1, done),
                (ProcCpu.compilerSeconds(schedulerPid) - jit0) * 1e3 / Math.max(1, done),
                (cpu1.postgres - cpu0.postgres) * 1e3 / Math.max(1, done),
                Batches.read(port).since(batches0, seconds),
                loadAverage());
        if (pgStats != null) {
          printStatementStats(done);
        }
        return done / seconds;
      }
    }

    String lastCpu = "";
    long lastInserted;

    /** Uncounted rounds until the scheduler's JIT compiler threads are quiet, or {@code cap}. */
    void warmUp(Duration cap, Duration round) throws Exception {
      long end = System.nanoTime() + cap.toNanos();
      long started = System.nanoTime();
      for (int i = 0; ; i++) {
        int workers = i % 2 == 0 ? 200 : 10;
        double jit0 = ProcCpu.compilerSeconds(schedulerPid);
        long t0 = System.nanoTime();
        double rate = throughput(10_000, workers, round);
        double jitShare =
            (ProcCpu.compilerSeconds(schedulerPid) - jit0) / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(
            "bench: warm-up round (not counted): %d agents %.0f assignments/s, JIT compiler %.0f %%"
                + " of a core%n",
            workers, rate, jitShare * 100);
        if ((jitShare < 0.05 && i > 0) || System.nanoTime() > end) {
          System.out.printf(
              "bench: warm-up %s after %.0f s%n",
              jitShare < 0.05 ? "done (the JIT is quiet)" : "cut short (the JIT is still busy)",
              (System.nanoTime() - started) / 1e9);
          return;
        }
      }
    }

    Connection pgStats; // with --pg-stats

    /** The statements PostgreSQL spent the most time in since the last reset (--pg-stats). */
    void printStatementStats(long assignments) throws SQLException {
      try (Statement st = pgStats.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\\s+', ' ',"
                      + " 'g'), 150), total_plan_time FROM pg_stat_statements"
                      + " ORDER BY total_exec_time + total_plan_time DESC"
                      + " LIMIT 15")) {
        System.out.println(
            "bench:   PostgreSQL time per assignment by statement, executing + planning"
                + " (--pg-stats):");
        while (rs.next()) {
          System.out.printf(
              "bench:   %7.3f + %5.3f ms %8d calls %8d rows  %s%n",
              rs.getDouble(2) / Math.max(1, assignments),
              rs.getDouble(5) / Math.max(1, assignments),
              rs.getLong(1),
              rs.getLong(3),
              rs.getString(4));
        }
      }
    }

    /** Inserts as many runnable requests as were assigned since the last top-up. */
    private long topUp(Fleet fleet, long topped) throws SQLException {
      long now = fleet.assigned.get();
      if (now > topped) {
        insert(runnable, 0, (int) (now - topped)); // keep the queue at its size
      }
      return Math.max(now, topped);
    }

    /** CPU seconds so far of the scheduler process and of the PostgreSQL server's processes. */
    record Cpu(double scheduler, double postgres) {}

    long schedulerPid = -1;
    long postmasterPid = -1;

    Cpu cpu() {
      return new Cpu(ProcCpu.seconds(schedulerPid, false), ProcCpu.treeSeconds(postmasterPid));
    }

    /** p50, p99 (ms) and the number of samples. */
    double[] latency(int workers, int perSecond, Duration window) throws Exception {
      reset();
      // an assignment may arrive before its INSERT returned its id: whichever of the two comes
      // first leaves its time here, the second takes it (atomically per id: with two maps, an
      // arrival that raced the INSERT's bookkeeping was lost, and counted as never arrived)
      Map<Long, Long> firstSeen = new ConcurrentHashMap<>();
      List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());
      try (Fleet fleet =
          Fleet.connect(
              port,
              workers,
              (id, arrived) -> {
                Long created = meet(firstSeen, id, arrived);
                if (created != null) {
                  samples.add((arrived - created) / 1e6);
                }
              })) {
        Thread.sleep(500);
        int perTick = Math.max(1, perSecond / 100); // every 10 ms
        long next = System.nanoTime();
        long end = next + window.toNanos();
        long inserted = 0;
        try (PreparedStatement s = insertStatement(runnable, 0, perTick)) {
          while (next < end) {
            long before = System.nanoTime();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                long id = r.getLong(1);
                inserted++;
                // the time before the INSERT: the latency includes it
                Long arrived = meet(firstSeen, id, before);
                if (arrived != null) {
                  samples.add((arrived - before) / 1e6);
                }
              }
            }
            next += 10_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
              TimeUnit.NANOSECONDS.sleep(sleep);
            }
          }
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (samples.size() < inserted && System.nanoTime() < waitUntil) {
          Thread.sleep(20); // the stragglers
        }
        lastInserted = inserted;
      }
      List<Double> all = new ArrayList<>(samples);
      while (all.size() < lastInserted) {
        all.add(Double.POSITIVE_INFINITY); // never arrived: slower than any that did
      }
      double[] v = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      if (v.length == 0) {
        return new double[] {Double.NaN, Double.NaN, 0};
      }
      return new double[] {
        v[(int) (v.length * 0.50)],
        v[Math.min(v.length - 1, (int) (v.length * 0.99))],
        samples.size()
      };
    }

    /**
     * Records {@code nanos} for {@code id} if it is the first of its two events (created, arrived)
     * and returns null; else returns the other event's time and forgets the id.
     */
    static Long meet(Map<Long, Long> firstSeen, long id, long nanos) {
      Long[] other = new Long[1];
      firstSeen.compute(
          id,
          (k, v) -> {
            if (v == null) {
              return nanos;
            }
            other[0] = v;
            return null;
          });
      return other[0];
    }

    void reset() throws SQLException {
      exec(db, "TRUNCATE work_request, outbox_event CASCADE");
    }

    void insert(long tagClass, int priority, int n) throws SQLException {
      if (n <= 0) {
        return;
      }
      try (PreparedStatement s = insertStatement(tagClass, priority, n)) {
        s.executeQuery().close();
      }
    }

    PreparedStatement insertStatement(long tagClass, int priority, int n) throws SQLException {
      PreparedStatement s =
          db.prepareStatement(
              "INSERT INTO work_request (workspace, created_by, status, task_type, task_name,"
                  + " task_data, configured_task_data, dynamic_task_data, tag_class_id,"
                  + " prepared_at, priority_base)"
                  + " SELECT 'System', 'bench', 'pending', 'worker', 'noop', '{\"result\":true}',"
                  + " '{\"result\":true}', '{}', ?, now(), ? FROM generate_series(1, ?)"
                  + " RETURNING id");
      s.setLong(1, tagClass);
      s.setInt(2, priority);
      s.setInt(3, n);
      return s;
    }
  }

  /** Called with a work request id and the nanoTime its assignment arrived. */
  interface Arrival {
    void arrived(long workRequestId, long nanoTime);
  }

  /** Simulated agents: one stream each, many streams per channel, reporting success at once. */
  static final class Fleet implements AutoCloseable {
    final List<ManagedChannel> channels = new ArrayList<>();
    final List<TestAgent> agents = new ArrayList<>();
    final AtomicLong assigned = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    volatile boolean closing;
    volatile String firstFailure;

    static Fleet connect(int port, int workers, Arrival arrival) throws Exception {
      Fleet f = new Fleet();
      int nChannels = Math.max(1, Math.min(8, workers / 25));
      for (int i = 0; i < nChannels; i++) {
        f.channels.add(
            ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(4 << 20)
                .build());
      }
      // in waves, as a fleet comes up: thousands of Hellos at once only measure the pool's queue
      int wave = 100;
      for (int w = 1; w <= workers; w++) {
        if (w > 1 && (w - 1) % wave == 0) {
          awaitWelcomes(f.agents.subList(w - 1 - wave, w - 1));
        }
        f.agents.add(
            TestAgent.connect(
                f.channels.get(w % nChannels),
                "bench-token-" + w,
                TestAgent.hello(1, List.of(NOOP, "arch:amd64")),
                (agent, a) -> {
                  if (arrival != null) {
                    arrival.arrived(a.getWorkRequestId(), System.nanoTime());
                  }
                  f.assigned.incrementAndGet();
                  if (f.closing) {
                    return; // the round is over: its requests are truncated with the next
                  }
                  f.inFlight.incrementAndGet();
                  agent.completeAsync(
                      TestAgent.report(a, WorkResult.WORK_RESULT_SUCCESS),
                      () -> f.inFlight.decrementAndGet(),
                      t -> {
                        f.inFlight.decrementAndGet();
                        if (f.failures.incrementAndGet() == 1) {
                          f.firstFailure = t.toString();
                        }
                      });
                }));
      }
      awaitWelcomes(f.agents);
      return f;
    }

    private static void awaitWelcomes(List<TestAgent> agents) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      for (TestAgent a : agents) {
        a.awaitWelcome(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
    }

    @Override
    public void close() throws InterruptedException {
      // no new reports; those on their way are answered before the streams and channels close
      // (closing under them failed them: the "N reports failed" of earlier runs)
      closing = true;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      agents.forEach(TestAgent::close);
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      if (failures.get() > 0) {
        System.out.println(
            "bench: " + failures.get() + " reports failed (the first: " + firstFailure + ")");
      }
      Thread.sleep(300); // the scheduler notices the streams are gone
    }
  }

  static long tagClass(Connection db, String requiredJsonArray) throws SQLException {
    StringBuilder withProvenance = new StringBuilder("[");
    for (String v : requiredJsonArray.replaceAll("[\\[\\]\"]", "").split(",")) {
      if (withProvenance.length() > 1) {
        withProvenance.append(',');
      }
      withProvenance.append("{\"value\":\"").append(v).append("\",\"provenance\":\"system\"}");
    }
    withProvenance.append(']');
    try (PreparedStatement s =
        db.prepareStatement(
            "INSERT INTO work_request_tag_class"
                + " (fingerprint, required_tags, provided_tags, required, provided)"
                + " VALUES (md5(?), ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))),"
                + " '{}', CAST(? AS jsonb), '[]') RETURNING id")) {
      s.setString(1, requiredJsonArray);
      s.setString(2, requiredJsonArray);
      s.setString(3, withProvenance.toString());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  static void exec(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  /** pgbench -i then -N (simple update) against the same server, in its own database. */
  static double pgbench(InfraSettings infra, int seconds) throws Exception {
    String pgbench =
        Files.isExecutable(Path.of("/usr/bin/pgbench")) ? "/usr/bin/pgbench" : "pgbench";
    Matcher port = Pattern.compile(":(\\d+)/").matcher(infra.jdbcUrl());
    if (!port.find()) {
      throw new IllegalStateException("no port in " + infra.jdbcUrl());
    }
    try (Connection c =
        DriverManager.getConnection(infra.jdbcUrl(), InfraSettings.USER, InfraSettings.PASSWORD)) {
      exec(c, "DROP DATABASE IF EXISTS pgbench");
      exec(c, "CREATE DATABASE pgbench");
    }
    List<String> common = List.of("-h", "127.0.0.1", "-p", port.group(1), "-U", InfraSettings.USER);
    run(concat(List.of(pgbench, "-i", "-q", "-s", "10"), common, List.of("pgbench")));
    String out =
        run(
            concat(
                List.of(pgbench, "-N", "-c", "8", "-j", "2", "-T", String.valueOf(seconds)),
                common,
                List.of("pgbench")));
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    if (!tps.find()) {
      throw new IllegalStateException("pgbench printed no tps:\n" + out);
    }
    return Double.parseDouble(tps.group(1));
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  static String run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", InfraSettings.PASSWORD);
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out.toString();
  }

  /** Prints the dispatch pass and completion figures the scheduler exposes. */
  static void metrics(int port) {
    try {
      for (String line : scrape(port)) {
        if (line.matches("^kiln_dispatch_(claim|push)_seconds_(count|sum|max).*")
            || line.matches("^kiln_dispatch_pass_(workers|assigned)_(count|sum|max).*")
            || line.matches("^kiln_report_batch_\\w+_(count|sum|max).*")) {
          System.out.println("bench:   " + line);
        }
      }
    } catch (Exception e) {
      System.out.println("bench: no metrics: " + e);
    }
  }

  /** The scheduler's Prometheus metrics, a line each. */
  static String[] scrape(int port) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body()
        .split("\n");
  }

  /** The report batches' totals so far: how many, how many reports, seconds in transactions. */
  record Batches(double batches, double reports, double seconds) {

    static Batches read(int port) {
      Map<String, Double> v = new java.util.HashMap<>();
      try {
        for (String line : scrape(port)) {
          if (line.startsWith("kiln_report_batch_reports_")
              || line.startsWith("kiln_report_batch_transaction_seconds_")) {
            String name = line.split("[{ ]", 2)[0]; // the labels, if any, left out
            v.put(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
          }
        }
      } catch (Exception e) {
        return new Batches(Double.NaN, Double.NaN, Double.NaN);
      }
      return new Batches(
          v.getOrDefault("kiln_report_batch_reports_count", Double.NaN),
          v.getOrDefault("kiln_report_batch_reports_sum", Double.NaN),
          v.getOrDefault("kiln_report_batch_transaction_seconds_sum", Double.NaN));
    }

    /** What the batches between {@code before} and this did in {@code seconds} of wall time. */
    String since(Batches before, double wall) {
      double n = batches - before.batches;
      return String.format(
          "report batches: %.0f/s of %.1f reports, %.2f ms in the transaction (%.0f %% of the"
              + " time)",
          n / wall,
          (reports - before.reports) / Math.max(1, n),
          (seconds - before.seconds) * 1e3 / Math.max(1, n),
          (seconds - before.seconds) * 100 / wall);
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
