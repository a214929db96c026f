package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.testing.FakeArtifactService;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactUploaderTest {

  @TempDir Path dir;
  FakeArtifactService artifacts;
  ArtifactUploader uploader;
  Path file;

  @BeforeEach
  void start() throws IOException {
    artifacts = new FakeArtifactService();
    uploader = new ArtifactUploader(artifacts.url() + "/", 3, Duration.ofMillis(1));
    file = Files.writeString(dir.resolve("a log.txt"), "line 1\nline 2\n");
  }

  @AfterEach
  void stop() {
    artifacts.close();
  }

  @Test
  void declaresSizeAndHashThenStreamsTheBytes() throws Exception {
    long id =
        uploader.upload(
            "tok", "debusine:work-request-debug-logs", "System", 5, Map.of("logs/a log.txt", file));
    FakeArtifactService.Upload upload = artifacts.uploads.get(0);
    assertEquals(id, upload.artifactId());
    assertEquals("logs/a log.txt", upload.path());
    assertEquals(201, upload.status());
    assertEquals("line 1\nline 2\n", new String(upload.bytes(), StandardCharsets.UTF_8));
    assertEquals(FakeArtifactService.sha256(Files.readAllBytes(file)), upload.declaredSha256());
    assertEquals(
        Files.size(file),
        artifacts
            .declarations
            .get(0)
            .body()
            .path("files")
            .path("logs/a log.txt")
            .path("size")
            .asLong());
  }

  @Test
  void uploadAnswered5xxIsRetried() throws Exception {
    artifacts.failUploads.set(2);
    uploader.upload("tok", "c", "System", 5, Map.of("f", file));
    assertEquals(3, artifacts.uploads.size());
    assertEquals(1, artifacts.completedUploads().size());
    assertEquals(1, artifacts.declarations.size());
  }

  @Test
  void creationAnswered5xxIsNotRetriedBecauseItIsNotIdempotent() {
    artifacts.failCreates.set(1);
    IOException e =
        assertThrows(
            IOException.class, () -> uploader.upload("tok", "c", "System", 5, Map.of("f", file)));
    assertTrue(e.getMessage().contains("503"), e.getMessage());
    assertEquals(1, artifacts.declarations.size());
    assertTrue(artifacts.uploads.isEmpty());
  }

  @Test
  void unreachableServiceFailsAfterTheRetries() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ArtifactUploader nowhere =
        new ArtifactUploader("http://127.0.0.1:" + closedPort, 2, Duration.ofMillis(1));
    assertThrows(
        IOException.class, () -> nowhere.upload("tok", "c", "System", 5, Map.of("f", file)));
  }

  @Test
  void sha256IsStreamedOverLargeFiles() throws Exception {
    byte[] big = new byte[(1 << 16) * 3 + 7];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    Path f = Files.write(dir.resolve("big"), big);
    assertEquals(FakeArtifactService.sha256(big), ArtifactUploader.sha256(f));
  }

  @Test
  void pathSegmentsAreEncodedButSlashesKept() {
    assertEquals("logs/a%20b%2Bc.txt", ArtifactUploader.encodePath("logs/a b+c.txt"));
  }
}
