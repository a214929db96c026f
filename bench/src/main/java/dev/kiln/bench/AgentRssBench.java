package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.KilnClient;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker agent's resident memory, idle and while it runs a build-like task, on the real
 * platform (PostgreSQL, Kafka, scheduler, artifact and workflow services as processes).
 *
 * <ol>
 *   <li>The packaged agent ({@code worker-agent/target/quarkus-app}, the JVM options of the local
 *       platform): RSS once connected and idle, and during a burst of noop work requests.
 *   <li>The same agent core and tasks in a JVM of its own with the same options ({@link
 *       BenchAgent}: no HTTP health/metrics server), whose noop runner runs a build-like command
 *       for {@code --seconds} (default 60): bursts of compiler-like lines, streamed live to the
 *       scheduler and uploaded at the end. RSS idle and sampled every 500 ms while it runs.
 * </ol>
 *
 * <p>Ends with {@code packaged_idle_mb=N packaged_noop_burst_max_mb=N agent_idle_mb=N
 * agent_build_median_mb=N agent_build_max_mb=N build_lines=N}.
 */
public final class AgentRssBench {

  private AgentRssBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = 60;
    for (String arg : args) {
      if (arg.equals("--quick")) {
        seconds = 20;
      } else if (arg.startsWith("--seconds=")) {
        seconds = Integer.parseInt(arg.substring("--seconds=".length()));
      }
    }
    Path root = Platform.findRoot();
    Path dir = Files.createDirectories(root.resolve("bench/target/agent-rss-run"));
    try (LocalInfra infra = LocalInfra.start(InfraSettings.ephemeral(dir.resolve("infra")))) {
      PlatformSecrets secrets = PlatformSecrets.random();
      Platform.PortPlan ports = Platform.PortPlan.free();
      try (Platform platform =
          Platform.start(root, infra.settings(), ports, secrets, dir.resolve("run"), true)) {
        KilnClient client = platform.client();
        ServiceProcess packaged = platform.process(Platform.AGENT);
        System.out.println("bench: packaged agent connected; letting it settle for 15 s");
        Thread.sleep(15_000);
        long packagedIdle = median(sample(packaged.pid(), 10, 500));

        System.out.println("bench: packaged agent, 200 noop work requests");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          ids.add(create(client));
        }
        List<Long> burst = new ArrayList<>();
        for (long id : ids) {
          while (!terminal(client, id)) {
            burst.add(rssMib(packaged.pid()));
            Thread.sleep(200);
          }
        }
        burst.add(rssMib(packaged.pid()));
        long packagedBurstMax = Collections.max(burst);
        packaged.close(); // the bench agent takes the next work

        String script =
            "end=$(( $(date +%s) + "
                + seconds
                + " )); n=0; while [ $(date +%s) -lt $end ]; do"
                + " seq 1 2000 | sed 's|^|[build] x86_64-linux-gnu-gcc -g -O2 -Wall -c src/unit|;"
                + " s|$|.c -o obj/unit.o -fstack-protector-strong -D_FORTIFY_SOURCE=2|';"
                + " n=$((n+2000)); sleep 0.2; done; echo \"built $n units\"";
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ServiceProcess.QUICK_START_JVM);
        cmd.addAll(
            List.of(
                "-cp",
                System.getProperty("java.class.path"),
                BenchAgent.class.getName(),
                String.valueOf(ports.scheduler()),
                String.valueOf(ports.artifact()),
                secrets.registrationToken(),
                script,
                dir.resolve("bench-agent-work").toString()));
        Process agent =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("bench-agent.log").toFile())
                .start();
        try {
          System.out.println("bench: agent core JVM started; letting it settle for 15 s");
          Thread.sleep(15_000);
          long agentIdle = median(sample(agent.pid(), 10, 500));

          System.out.printf("bench: a build-like task for %d s%n", seconds);
          long id = create(client);
          List<Long> build = new ArrayList<>();
          while (!terminal(client, id)) {
            build.add(rssMib(agent.pid()));
            Thread.sleep(500);
          }
          JsonNode done = client.workRequest(id).body();
          KilnClient.Reply log = client.liveLog(id, 0, 0);
          long lines = countLines(client, id);
          System.out.printf(
              "bench: build %s/%s, live log %d lines (dropped %s), RSS samples %d%n",
              done.get("status").asText(),
              done.get("result").asText(),
              lines,
              log.body().path("dropped_lines").asText(),
              build.size());
          System.out.printf(
              "packaged_idle_mb=%d packaged_noop_burst_max_mb=%d agent_idle_mb=%d"
                  + " agent_build_median_mb=%d agent_build_max_mb=%d build_lines=%d%n",
              packagedIdle,
              packagedBurstMax,
              agentIdle,
              median(build),
              Collections.max(build),
              lines);
        } finally {
          agent.destroy();
          if (!agent.waitFor(20, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
          }
        }
      }
    }
  }

  private static long create(KilnClient client) throws IOException, InterruptedException {
    KilnClient.Reply r =
        client.createWorkRequest("{\"task_name\":\"noop\",\"task_data\":{\"result\":true}}");
    if (r.status() != 201) {
      throw new IllegalStateException("create: " + r.status() + " " + r.body());
    }
    return r.body().get("id").asLong();
  }

  private static boolean terminal(KilnClient client, long id)
      throws IOException, InterruptedException {
    String status = client.workRequest(id).body().get("status").asText();
    return status.equals("completed") || status.equals("aborted");
  }

  /** Lines of the stored live log (its last seq). */
  private static long countLines(KilnClient client, long id)
      throws IOException, InterruptedException {
    long after = 0;
    while (true) {
      KilnClient.Reply page = client.liveLog(id, after, 0);
      long next = page.body().get("next_after").asLong();
      if (next == after) {
        return after;
      }
      after = next;
    }
  }

  private static List<Long> sample(long pid, int count, long everyMillis)
      throws InterruptedException {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(rssMib(pid));
      Thread.sleep(everyMillis);
    }
    return out;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static long rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }
}
