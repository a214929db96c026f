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
 * file once (disk → service → disk), as {@code cp} does; throughput_vs_cp is the service's
 * throughput (size over the mean of the upload and download times) over cp's (size over the mean of
 * a cp run before and one after). peak_rss_mb is the service's VmHWM.
 */
public final class ArtifactBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ArtifactBench() {}

  public static void main(String[] args) throws Exception {
    long size = 1L << 30;
    boolean s3 = false;
    for (String arg : args) {
      if (arg.equals("--s3")) {
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
    System.out.printf("bench: writing a %d MiB file of random bytes%n", size >> 20);
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
          ServiceProcess.start(
                  root, Platform.ARTIFACT, port, env, dir, java.util.List.of("-Xmx256m"))
              .awaitReady(Duration.ofSeconds(120))) {
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Bearer " + secrets.adminToken();

        // Rounds of cp, upload, download interleaved, so that the machine's noise hits all
        // three alike; each figure is the median of its rounds. Each round uploads into a new
        // workspace, so deduplication never skips the transfer.
        int rounds = size >= (512L << 20) ? 3 : 5;
        double[] cps = new double[rounds];
        double[] cacheCps = new double[rounds];
        double[] uploads = new double[rounds];
        double[] downloads = new double[rounds];
        Path copy = dir.resolve("copy.bin");
        Path downloaded = dir.resolve("download.bin");
        for (int round = 0; round < rounds; round++) {
          cacheCps[round] = cp(source, copy, false);
          Files.deleteIfExists(copy);
          cps[round] = cp(source, copy, true);
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
          String url = base + "/api/v1/artifacts/" + id + "/files/input.bin";
          // curl on both sides: a native client, so the figure is the service's, not the client's
          uploads[round] =
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
          downloads[round] =
              curl("-sS", "-f", "-H", "Authorization: " + auth, "-o", downloaded.toString(), url);
          if (Files.size(downloaded) != size) {
            throw new IOException("download failed: " + Files.size(downloaded) + " bytes");
          }
          if (round == 0 && !sha256(downloaded).equals(sha256)) {
            throw new IOException("the downloaded bytes differ from the uploaded ones");
          }
          Files.deleteIfExists(downloaded);
        }
        double cpSeconds = median(cps);
        double upload = median(uploads);
        double download = median(downloads);
        long peak = service.peakRssMib().orElse(-1L);

        double mib = size / (double) (1 << 20);
        // An upload and a download each copy the file once from disk to disk, as cp does: the
        // service's throughput is the file size over the mean time of the two transfers.
        double ratio = cpSeconds / ((upload + download) / 2);
        double cacheCp = median(cacheCps);
        System.out.printf(
            "bench: %d rounds of %d MiB, medians: cp+fsync %.1f MiB/s (cp into the page cache"
                + " only: %.1f MiB/s); upload %.1f MiB/s (fsynced); download %.1f MiB/s;"
                + " service (mean of both) %.1f MiB/s%n",
            rounds,
            size >> 20,
            mib / cpSeconds,
            mib / cacheCp,
            mib / upload,
            mib / download,
            mib / ((upload + download) / 2));
        System.out.printf(
            "bench: against cp into the page cache only, the ratio would be %.2f%n",
            cacheCp / ((upload + download) / 2));
        System.out.printf("throughput_vs_cp=%.2f peak_rss_mb=%d%n", ratio, peak);
      }
    } finally {
      Files.deleteIfExists(source);
    }
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
