package dev.kiln.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.LocalS3;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/**
 * Upload then download of one large file through the artifact service, against {@code cp} of the
 * same file on the same disk, measured side by side in one run; and the service's peak RSS.
 *
 * <p>Prints {@code throughput_vs_cp=N peak_rss_mb=N} last. An upload and a download each copy the
 * file once from disk to disk, as {@code cp} does, and each ends with the copy on disk: the service
 * fsyncs an upload before it answers, the client fsyncs the downloaded copy, and the baseline is
 * {@code cp} followed by {@code sync FILE}. The client is {@link FileHttpClient} (sendfile up,
 * large reads down, no copy in user space), or curl with {@code --curl} (then {@code sync FILE}).
 * throughput_vs_cp is, per round, the time of two such cp runs over the time of the upload plus the
 * download (1.0: moving the file in and out of the service takes as long as copying it twice), the
 * median of the rounds. peak_rss_mb is the service's VmHWM. Options: {@code --quick} (128 MiB),
 * {@code --size-mib=N}, {@code --rounds=N}; {@code KILN_BENCH_SERVICE_JVM_OPTS} adds options to the
 * service's JVM (profiling).
 */
public final class ArtifactBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ArtifactBench() {}

  public static void main(String[] args) throws Exception {
    long size = 1L << 30;
    boolean s3 = false;
    boolean javaClient = true;
    for (String arg : args) {
      if (arg.equals("--curl")) {
        javaClient = false;
      } else if (arg.equals("--s3")) {
        s3 = true;
      } else if (arg.equals("--quick")) {
        size = 128L << 20;
      } else if (arg.startsWith("--size-mib=")) {
        size = Long.parseLong(arg.substring("--size-mib=".length())) << 20;
      }
    }
    Path root = Platform.findRoot();
    Path dir = Files.createDirectories(root.resolve("bench/target/artifacts-run"));
    Path source = dir.resolve("input.bin");
    System.out.printf(
        "bench: writing a %d MiB file of random bytes (load average %s)%n",
        size >> 20, loadAverage());
    String sha256 = writeRandom(source, size);

    try (LocalInfra infra = LocalInfra.start(InfraSettings.ephemeral(dir.resolve("infra")));
        LocalS3 objectStore = s3 ? LocalS3.start(dir.resolve("s3"), "bench") : null) {
      PlatformSecrets secrets = PlatformSecrets.random();
      Map<String, String> env = Platform.serviceEnvironment(infra.settings(), secrets);
      int port = dev.kiln.infra.Ports.free();
      env.put("KILN_ARTIFACT_PORT", String.valueOf(port));
      Path store = Files.createDirectories(dir.resolve("store"));
      env.put("KILN_ARTIFACT_STORE_DIR", store.toString());
      if (objectStore != null) {
        // the S3 file store against s3proxy on this machine's disk (another JVM, over loopback)
        System.out.println("bench: S3 file store, s3proxy at " + objectStore.endpoint());
        env.put("KILN_ARTIFACT_STORE_KIND", "s3");
        env.put("KILN_S3_ENDPOINT", objectStore.endpoint());
        env.put("KILN_S3_BUCKET", "bench");
        env.put("KILN_S3_PATH_STYLE_ACCESS", "true");
        env.put("KILN_S3_ACCESS_KEY_ID", LocalS3.ACCESS_KEY_ID);
        env.put("KILN_S3_SECRET_ACCESS_KEY", LocalS3.SECRET_ACCESS_KEY);
      }
      try (ServiceProcess service =
          ServiceProcess.start(root, Platform.ARTIFACT, port, env, dir, serviceJvm())
              .awaitReady(Duration.ofSeconds(120))) {
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Bearer " + secrets.adminToken();
        FileHttpClient client = new FileHttpClient(URI.create(base), auth);
        String clientName = javaClient ? "client" : "curl";
        System.out.println(
            "bench: client: "
                + (javaClient
                    ? "FileHttpClient (sendfile up, 256 KiB reads down, fsync of the copy)"
                    : "curl (then sync of the downloaded copy)"));

        // Rounds of cp, upload, download interleaved, so that the machine's noise hits all
        // alike; each figure is the median of its rounds, and the ratio the median of the
        // rounds' ratios. Each round uploads into a new workspace, so deduplication never skips
        // the transfer.
        int rounds = size >= (512L << 20) ? 5 : 7;
        for (String arg : args) {
          if (arg.startsWith("--rounds=")) {
            rounds = Integer.parseInt(arg.substring("--rounds=".length()));
          }
        }
        double[] cps = new double[rounds];
        double[] cacheCps = new double[rounds];
        double[] uploads = new double[rounds];
        double[] downloads = new double[rounds];
        double[] durableDownloads = new double[rounds];
        double[] ratios = new double[rounds];
        double[] uploadRatios = new double[rounds];
        double[] downloadRatios = new double[rounds];
        // CPU seconds per round, which the machine's load does not inflate as it does wall time
        double[] uploadCpu = new double[rounds];
        double[] downloadCpu = new double[rounds];
        double[] clientUploadCpu = new double[rounds];
        double[] clientDownloadCpu = new double[rounds];
        double[] cpCpu = new double[rounds];
        long servicePid = service.pid();
        Path copy = dir.resolve("copy.bin");
        Path downloaded = dir.resolve("download.bin");
        // The service is a long-running process: the first transfers run while its JIT compiler
        // still works on their code (a third of its CPU time in a cold run), so a warm-up round
        // goes first and is not counted; cp has no such start.
        int maxWarmups = 5;
        for (String arg : args) {
          if (arg.startsWith("--max-warmups=")) {
            maxWarmups = Integer.parseInt(arg.substring("--max-warmups=".length()));
          }
        }
        int warmups = 0;
        boolean warm = maxWarmups == 0;
        Map<String, Double> uploadThreads = new java.util.TreeMap<>();
        Map<String, Double> downloadThreads = new java.util.TreeMap<>();
        for (int i = 0; i < rounds + warmups; i++) {
          boolean warmup = !warm;
          if (warmup) {
            warmups++;
          }
          int round = warmup ? 0 : i - warmups; // a warm-up's figures are overwritten
          Map<String, Double> roundStart = threadCpu(servicePid);
          cacheCps[round] = cp(source, copy, false);
          Files.deleteIfExists(copy);
          double children = childCpu();
          cps[round] = cp(source, copy, true);
          cpCpu[round] = childCpu() - children;
          Files.deleteIfExists(copy);
          String declare =
              JSON.createObjectNode()
                  .put("category", "kiln:generic")
                  .put("workspace", "bench-" + round + "-" + System.nanoTime())
                  .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                      "data", JSON.createObjectNode())
                  .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                      "files",
                      JSON.createObjectNode()
                          .set(
                              "input.bin",
                              JSON.createObjectNode().put("size", size).put("sha256", sha256)))
                  .toString();
          HttpResponse<String> created =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/artifacts"))
                      .header("Authorization", auth)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(declare))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (created.statusCode() != 201) {
            throw new IOException("declaring the artifact failed: " + created.body());
          }
          long id = JSON.readTree(created.body()).get("id").asLong();
          String filePath = "/api/v1/artifacts/" + id + "/files/input.bin";
          String url = base + filePath;
          double serviceBefore = cpu(servicePid);
          double clientBefore = clientCpu(javaClient);
          Map<String, Double> threadsBefore = threadCpu(servicePid);
          long t0 = System.nanoTime();
          if (javaClient) {
            client.upload(filePath, source);
          } else {
            curl(
                "-sS",
                "-f",
                "-o",
                "/dev/null",
                "-H",
                "Authorization: " + auth,
                "-H",
                "Content-Type: application/octet-stream",
                "-H",
                "Expect:",
                "-T",
                source.toString(),
                url);
          }
          uploads[round] = (System.nanoTime() - t0) / 1e9;
          uploadCpu[round] = cpu(servicePid) - serviceBefore;
          clientUploadCpu[round] = clientCpu(javaClient) - clientBefore;
          Map<String, Double> threadsBetween = threadCpu(servicePid);
          serviceBefore = cpu(servicePid);
          clientBefore = clientCpu(javaClient);
          // the download ends like cp + sync: the copy on disk (the upload is fsynced by the
          // service before it answers)
          t0 = System.nanoTime();
          if (javaClient) {
            long received = client.download(filePath, downloaded); // fsyncs the copy
            durableDownloads[round] = (System.nanoTime() - t0) / 1e9;
            downloads[round] = (received - t0) / 1e9;
          } else {
            downloads[round] =
                curl("-sS", "-f", "-H", "Authorization: " + auth, "-o", downloaded.toString(), url);
            run("sync", downloaded.toString());
            durableDownloads[round] = (System.nanoTime() - t0) / 1e9;
          }
          downloadCpu[round] = cpu(servicePid) - serviceBefore;
          clientDownloadCpu[round] = clientCpu(javaClient) - clientBefore;
          Map<String, Double> threadsAfter = threadCpu(servicePid);
          double jit = threadsAfter.getOrDefault(JIT, 0.0) - roundStart.getOrDefault(JIT, 0.0);
          if (warmup) {
            // a long-running service is warm: warm up until the JIT compilers are (nearly) done
            warm = jit < 0.25 * size / (1L << 30) || warmups >= maxWarmups;
            System.out.printf("bench: warm-up round %d: JIT compilers %.2f CPU s%n", warmups, jit);
          } else {
            addDifference(uploadThreads, threadsBefore, threadsBetween);
            addDifference(downloadThreads, threadsBetween, threadsAfter);
          }
          if (Files.size(downloaded) != size) {
            throw new IOException("download failed: " + Files.size(downloaded) + " bytes");
          }
          if (round == 0 && !sha256(downloaded).equals(sha256)) {
            throw new IOException("the downloaded bytes differ from the uploaded ones");
          }
          Files.deleteIfExists(downloaded);
          ratios[round] = 2 * cps[round] / (uploads[round] + durableDownloads[round]);
          uploadRatios[round] = cps[round] / uploads[round];
          downloadRatios[round] = cps[round] / durableDownloads[round];
          System.out.printf(
              "bench: %s %d: cp+sync %.0f MiB/s, upload %.0f MiB/s, download+sync %.0f MiB/s"
                  + " (download alone %.0f MiB/s): ratio %.2f (load average %s)%n",
              warmup ? "warm-up round (not counted)" : "round",
              warmup ? warmups : round + 1,
              mib(size, cps[round]),
              mib(size, uploads[round]),
              mib(size, durableDownloads[round]),
              mib(size, downloads[round]),
              ratios[round],
              loadAverage());
        }
        long peak = service.peakRssMib().orElse(-1L);
        double ratio = median(ratios);
        System.out.printf(
            "bench: %d rounds of %d MiB after %d warm-up round(s), medians: cp+sync %.1f MiB/s (cp alone, into the page"
                + " cache: %.1f MiB/s); upload %.1f MiB/s (hashed, fsynced before the answer);"
                + " download %.1f MiB/s, %.1f MiB/s with the sync of the copy%n",
            rounds,
            size >> 20,
            warmups,
            mib(size, median(cps)),
            mib(size, median(cacheCps)),
            mib(size, median(uploads)),
            mib(size, median(downloads)),
            mib(size, median(durableDownloads)));
        System.out.printf(
            "bench: like with like, each copy ends on disk (fsync): upload vs cp+sync %.2f,"
                + " download+sync vs cp+sync %.2f; throughput_vs_cp = 2 x cp+sync time / (upload"
                + " + download+sync time), median of the rounds%n",
            median(uploadRatios), median(downloadRatios));
        double gib = size / (double) (1L << 30);
        System.out.printf(
            "bench: CPU seconds per GiB (medians; load on the machine does not inflate these):"
                + " upload: service %.2f, %s %.2f; download+sync: service %.2f, %s+sync %.2f;"
                + " cp+sync %.2f%n",
            median(uploadCpu) / gib,
            clientName,
            median(clientUploadCpu) / gib,
            median(downloadCpu) / gib,
            clientName,
            median(clientDownloadCpu) / gib,
            median(cpCpu) / gib);
        System.out.printf(
            "bench: service CPU s per GiB by thread, upload: %s; download: %s%n",
            perGib(uploadThreads, gib * rounds), perGib(downloadThreads, gib * rounds));
        System.out.printf(
            "bench: without any sync, against cp into the page cache (in-kernel copy): download"
                + " %.2f%n",
            median(cacheCps) / median(downloads));
        System.out.printf(
            "bench: load average at the end %s (1, 5, 15 min; 2 cores: above ~1 the wall-clock"
                + " figures are the machine's, compare the CPU seconds)%n",
            loadAverage());
        System.out.printf("throughput_vs_cp=%.2f peak_rss_mb=%d%n", ratio, peak);
      }
    } finally {
      Files.deleteIfExists(source);
    }
  }

  private static java.util.List<String> serviceJvm() {
    java.util.List<String> opts = new java.util.ArrayList<>(java.util.List.of("-Xmx256m"));
    String extra = System.getenv("KILN_BENCH_SERVICE_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      opts.addAll(java.util.Arrays.asList(extra.trim().split("\\s+")));
    }
    return opts;
  }

  private static final String JIT = "jit";

  /** The machine's load averages over 1, 5 and 15 minutes, from /proc/loadavg. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * CPU seconds a process's threads used so far, by kind: the JIT compilers, GC, the Vert.x event
   * loops (connections: the socket reads of an upload, sendfile of a download), the request worker
   * threads (an upload's SHA-256), the upload writers, the background flushes, the rest.
   */
  private static Map<String, Double> threadCpu(long pid) throws IOException {
    Map<String, Double> byKind = new java.util.TreeMap<>();
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        String name;
        String[] fields;
        try {
          name = Files.readString(task.resolve("comm")).trim();
          fields = stat(task.resolve("stat").toString());
        } catch (IOException gone) {
          continue; // the thread ended
        }
        String kind;
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
          kind = JIT;
        } else if (name.startsWith("GC ") || name.startsWith("G1 ") || name.equals("VM Thread")) {
          kind = "gc";
        } else if (name.startsWith("vert.x-eventloo")) {
          kind = "event-loop";
        } else if (name.startsWith("executor-thread")) {
          kind = "request";
        } else if (name.startsWith("kiln-upload-wri")) {
          kind = "writer";
        } else if (name.startsWith("kiln-store-flus")) {
          kind = "flush";
        } else {
          kind = "other";
        }
        double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        byKind.merge(kind, seconds, Double::sum);
      }
    }
    return byKind;
  }

  private static void addDifference(
      Map<String, Double> sum, Map<String, Double> before, Map<String, Double> after) {
    // a thread that ended between the two readings makes its kind's difference negative: clamp
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      sum.merge(e.getKey(), Math.max(0, d), Double::sum);
    }
  }

  private static String perGib(Map<String, Double> seconds, double gib) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(e.getKey()).append(String.format(" %.2f", e.getValue() / gib));
    }
    return out.toString();
  }

  /** CPU seconds (user and system, all threads) a process has used so far. */
  private static double cpu(long pid) throws IOException {
    String[] fields = stat("/proc/" + pid + "/stat");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /**
   * CPU seconds the client used so far: this thread's, for the Java client, else the children's
   * this JVM waited for (curl, sync).
   */
  private static double clientCpu(boolean javaClient) throws IOException {
    return javaClient
        ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9
        : childCpu();
  }

  /** CPU seconds used so far by the children this JVM waited for (curl, cp, sync). */
  private static double childCpu() throws IOException {
    String[] fields = stat("/proc/self/stat");
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
  }

  /** The fields of a /proc stat file after the command name, the state first. */
  private static String[] stat(String file) throws IOException {
    String line = Files.readString(Path.of(file));
    return line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
  }

  private static double mib(long size, double seconds) {
    return size / (double) (1 << 20) / seconds;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Runs curl with the arguments and returns its wall time in seconds. */
  private static double curl(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "curl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("curl " + String.join(" ", args) + " failed");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Runs the real {@code cp} and returns its wall time in seconds; with {@code durable}, followed
   * by {@code sync FILE} (fsync of the copy), as the artifact store fsyncs every upload before it
   * acknowledges it.
   */
  private static double cp(Path from, Path to, boolean durable)
      throws IOException, InterruptedException {
    Files.deleteIfExists(to);
    long t0 = System.nanoTime();
    run("cp", from.toString(), to.toString());
    if (durable) {
      run("sync", to.toString());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed");
    }
  }

  private static String writeRandom(Path file, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += buffer.length) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, size - written);
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
