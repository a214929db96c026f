package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
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
    for (String arg : args) {
      if (arg.equals("--quick")) {
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

    try (LocalInfra infra = LocalInfra.start(InfraSettings.ephemeral(dir.resolve("infra")))) {
      PlatformSecrets secrets = PlatformSecrets.random();
      Map<String, String> env = Platform.serviceEnvironment(infra.settings(), secrets);
      int port = dev.kiln.infra.Ports.free();
      env.put("KILN_ARTIFACT_PORT", String.valueOf(port));
      Path store = Files.createDirectories(dir.resolve("store"));
      env.put("KILN_ARTIFACT_STORE_DIR", store.toString());
      try (ServiceProcess service =
          ServiceProcess.start(root, Platform.ARTIFACT, port, env, dir)
              .awaitReady(Duration.ofSeconds(120))) {
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Bearer " + secrets.adminToken();

        // cp first, then the service, then cp again: the mean of the two cp runs is the baseline
        double cp1 = cp(source, dir.resolve("copy1.bin"));

        String declare =
            JSON.createObjectNode()
                .put("category", "kiln:generic")
                .put("workspace", "System")
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
        JsonNode artifact = JSON.readTree(created.body());
        long id = artifact.get("id").asLong();

        long t0 = System.nanoTime();
        HttpResponse<String> put =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/artifacts/" + id + "/files/input.bin"))
                    .header("Authorization", auth)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(source))
                    .timeout(Duration.ofMinutes(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        double upload = (System.nanoTime() - t0) / 1e9;
        if (put.statusCode() / 100 != 2) {
          throw new IOException("upload failed: " + put.statusCode() + " " + put.body());
        }
        Path downloaded = dir.resolve("download.bin");
        long t1 = System.nanoTime();
        HttpResponse<Path> get =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/artifacts/" + id + "/files/input.bin"))
                    .header("Authorization", auth)
                    .timeout(Duration.ofMinutes(30))
                    .build(),
                HttpResponse.BodyHandlers.ofFile(downloaded));
        double download = (System.nanoTime() - t1) / 1e9;
        if (get.statusCode() != 200 || Files.size(downloaded) != size) {
          throw new IOException("download failed: " + get.statusCode());
        }
        double cp2 = cp(source, dir.resolve("copy2.bin"));
        if (!sha256(downloaded).equals(sha256)) {
          throw new IOException("the downloaded bytes differ from the uploaded ones");
        }
        long peak = service.peakRssMib().orElse(-1L);

        double mib = size / (double) (1 << 20);
        double cpSeconds = (cp1 + cp2) / 2;
        double cpRate = mib / cpSeconds;
        // An upload and a download each copy the file once from disk to disk, as cp does: the
        // service's throughput is the file size over the mean time of the two transfers.
        double ratio = cpSeconds / ((upload + download) / 2);
        System.out.printf(
            "bench: cp %.1f MiB/s (%.2f s, %.2f s); upload %.1f MiB/s (%.2f s); download %.1f MiB/s (%.2f s)%n",
            cpRate, cp1, cp2, mib / upload, upload, mib / download, download);
        for (Path p : new Path[] {dir.resolve("copy1.bin"), dir.resolve("copy2.bin"), downloaded}) {
          Files.deleteIfExists(p);
        }
        System.out.printf("throughput_vs_cp=%.2f peak_rss_mb=%d%n", ratio, peak);
      }
    } finally {
      Files.deleteIfExists(source);
    }
  }

  /** Runs the real {@code cp} and returns its wall time in seconds (including fsync-free write). */
  private static double cp(Path from, Path to) throws IOException, InterruptedException {
    Files.deleteIfExists(to);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("cp", from.toString(), to.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("cp failed");
    }
    return (System.nanoTime() - t0) / 1e9;
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
