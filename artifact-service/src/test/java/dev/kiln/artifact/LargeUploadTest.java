package dev.kiln.artifact;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.createOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.artifact.rest.ArtifactResource;
import dev.kiln.infra.KilnInfraTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A file of 64 MiB, generated on the fly on both sides: the test never holds it in memory, and the
 * service must not either. {@code -Dkiln.test.large-upload-bytes=1073741824 -DargLine=-Xmx256m}
 * makes the point beyond doubt: 1 GiB through a heap of 256 MiB.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LargeUploadTest {

  private static final long SIZE = Long.getLong("kiln.test.large-upload-bytes", 64L << 20);

  @TestHTTPResource("/")
  URL base;

  @Inject MeterRegistry registry;

  /** How many upload bodies the service read straight from the connection's buffers so far. */
  private double connectionBodies() {
    return registry.counter(ArtifactResource.UPLOAD_BODIES, "reader", "connection").count();
  }

  @Test
  void aLargeFileIsStreamedInAndOut() throws Exception {
    long seed = System.nanoTime();
    String sha = sha256(new GeneratedStream(seed, SIZE));
    long id =
        createOk(
            ADMIN,
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":{},"
                + "\"files\":"
                + Fixtures.filesJson("image.qcow2", SIZE, sha)
                + "}");
    URI file = base.toURI().resolve("api/v1/artifacts/" + id + "/files/image.qcow2");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    double before = connectionBodies();
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(file)
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", ADMIN)
                .header("Content-Type", "application/octet-stream")
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new GeneratedStream(seed, SIZE)),
                        SIZE))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    // HTTP/1.1: the body was taken from the connection's own buffers, not Vert.x's copies
    assertEquals(before + 1, connectionBodies());

    HttpResponse<InputStream> get =
        http.send(
            HttpRequest.newBuilder(file)
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", ADMIN)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    assertEquals(String.valueOf(SIZE), get.headers().firstValue("Content-Length").orElse(null));
    assertEquals("\"" + sha + "\"", get.headers().firstValue("ETag").orElse(null));
    try (InputStream body = get.body()) {
      assertEquals(sha, sha256(body));
    }
  }

  @Test
  void aClientThatExpects100ContinueIsAnswered() throws Exception {
    long seed = System.nanoTime();
    long size = 3L << 20;
    String sha = sha256(new GeneratedStream(seed, size));
    long id =
        createOk(
            ADMIN,
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":{},"
                + "\"files\":"
                + Fixtures.filesJson("blob.bin", size, sha)
                + "}");
    HttpResponse<String> put =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(
                        base.toURI().resolve("api/v1/artifacts/" + id + "/files/blob.bin"))
                    .timeout(Duration.ofMinutes(1))
                    .expectContinue(true)
                    .header("Authorization", ADMIN)
                    .PUT(
                        HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(
                                () -> new GeneratedStream(seed, size)),
                            size))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (DigestInputStream d = new DigestInputStream(in, digest)) {
      d.transferTo(OutputStreamSink.INSTANCE);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Discards what is written. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  /** {@code size} pseudo-random bytes (xorshift), the same for the same seed. */
  static final class GeneratedStream extends InputStream {
    private long state;
    private long remaining;

    GeneratedStream(long seed, long size) {
      this.state = seed == 0 ? 1 : seed;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      remaining -= n;
      return n;
    }
  }
}
