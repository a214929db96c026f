package dev.kiln.artifact.transfer;

import static dev.kiln.artifact.transfer.TransferFixtures.ADMIN;
import static dev.kiln.artifact.transfer.TransferFixtures.declare;
import static dev.kiln.artifact.transfer.TransferFixtures.header;
import static dev.kiln.artifact.transfer.TransferFixtures.probe;
import static dev.kiln.artifact.transfer.TransferFixtures.put;
import static dev.kiln.artifact.transfer.TransferFixtures.putChunk;
import static dev.kiln.artifact.transfer.TransferFixtures.randomBytes;
import static dev.kiln.artifact.transfer.TransferFixtures.sha256;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.artifact.StoreInspector;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Resumable uploads with {@code Content-Range}, against the running service and database. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class ResumableUploadTest {

  @TestHTTPResource("/")
  URL base;

  @Inject StoreInspector inspector;

  private URI fileUri(long id, String path) throws Exception {
    return base.toURI().resolve("api/v1/artifacts/" + id + "/files/" + path);
  }

  private boolean partialExists(long id, String path) {
    return inspector.partialExists(ResumableUploads.partialName(id, path));
  }

  @Test
  void anUploadResumesAfterADroppedConnection() throws Exception {
    byte[] content = randomBytes(3 << 20);
    String sha = sha256(content);
    long id = declare("big.bin", content.length, sha);
    URI file = fileUri(id, "big.bin");

    HttpResponse<String> nothing = probe(file, content.length);
    assertEquals(308, nothing.statusCode());
    assertNull(header(nothing, "Range"), "nothing received yet: no Range");

    int first = 1 << 20;
    HttpResponse<String> chunk = putChunk(file, content, 0, first - 1);
    assertEquals(308, chunk.statusCode(), chunk.body());
    assertEquals("bytes=0-" + (first - 1), header(chunk, "Range"));

    // the second chunk announces the rest of the file, but the connection drops after 700,000
    int sent = 700_000;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /api/v1/artifacts/"
                  + id
                  + "/files/big.bin HTTP/1.1\r\n"
                  + "Host: "
                  + base.getHost()
                  + ":"
                  + base.getPort()
                  + "\r\nAuthorization: "
                  + ADMIN
                  + "\r\nContent-Type: application/octet-stream\r\n"
                  + "Content-Range: bytes "
                  + first
                  + "-"
                  + (content.length - 1)
                  + "/"
                  + content.length
                  + "\r\nContent-Length: "
                  + (content.length - first)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(content, first, sent);
      out.flush();
      Thread.sleep(200);
    }

    // the probe answers what was kept: every byte sent before the drop
    long expected = (long) first + sent;
    String range = null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> answer = probe(file, content.length);
      assertEquals(308, answer.statusCode(), answer.body());
      range = header(answer, "Range");
      if (("bytes=0-" + (expected - 1)).equals(range)) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("bytes=0-" + (expected - 1), range);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/" + id + "/files/big.bin")
        .then()
        .statusCode(409);

    int resume = Integer.parseInt(range.substring("bytes=0-".length())) + 1;
    HttpResponse<String> last = putChunk(file, content, resume, content.length - 1);
    assertEquals(201, last.statusCode(), last.body());
    assertTrue(last.body().contains("\"complete\":true"), last.body());
    assertFalse(partialExists(id, "big.bin"), "the partial upload is gone");

    HttpResponse<byte[]> download =
        TransferFixtures.HTTP.send(
            java.net.http.HttpRequest.newBuilder(file).header("Authorization", ADMIN).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, download.statusCode());
    assertEquals(sha, sha256(download.body()));
    assertEquals(200, probe(file, content.length).statusCode(), "a complete file probes 200");
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/" + id)
        .then()
        .body("files_to_upload", empty());
  }

  @Test
  void aChunkAtTheWrongOffsetIsRefusedNamingTheExpectedOne() throws Exception {
    byte[] content = randomBytes(100_000);
    long id = declare("f.bin", content.length, sha256(content));
    URI file = fileUri(id, "f.bin");

    HttpResponse<String> early = putChunk(file, content, 10, 99);
    assertEquals(416, early.statusCode());
    assertNull(header(early, "Range"));
    assertTrue(early.body().contains("send the chunk that starts at byte 0"), early.body());

    assertEquals(308, putChunk(file, content, 0, 49_999).statusCode());
    HttpResponse<String> gap = putChunk(file, content, 60_000, 99_999);
    assertEquals(416, gap.statusCode());
    assertEquals("application/problem+json", header(gap, "Content-Type"));
    assertEquals("bytes=0-49999", header(gap, "Range"));
    assertTrue(gap.body().contains("starts at byte 50000"), gap.body());
    HttpResponse<String> again = putChunk(file, content, 0, 49_999);
    assertEquals(416, again.statusCode(), "a chunk received already is not appended twice");

    HttpResponse<String> overrun =
        put(file, "bytes 50000-100000/100000", java.util.Arrays.copyOf(content, 50_001));
    assertEquals(416, overrun.statusCode(), "past the declared size");
    HttpResponse<String> wrongSize =
        put(file, "bytes 50000-100000/100001", java.util.Arrays.copyOf(content, 50_001));
    assertEquals(400, wrongSize.statusCode());
    assertTrue(wrongSize.body().contains("declared with 100000"), wrongSize.body());
    HttpResponse<String> tooLong =
        put(
            file,
            "bytes 50000-59999/100000",
            java.util.Arrays.copyOfRange(content, 50_000, 70_000));
    assertEquals(400, tooLong.statusCode(), "a body longer than its range is dropped");
    assertEquals("bytes=0-49999", header(tooLong, "Range"));
    assertEquals(400, put(file, "bytes 5-x/100000", new byte[0]).statusCode());

    assertEquals("bytes=0-49999", header(probe(file, content.length), "Range"));
    assertEquals(201, putChunk(file, content, 50_000, 99_999).statusCode());
    assertArrayEquals(
        content,
        given()
            .header("Authorization", ADMIN)
            .get("/api/v1/artifacts/" + id + "/files/f.bin")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray());
  }

  @Test
  void aHashMismatchOnTheLastChunkLeavesNothingVisible() throws Exception {
    byte[] content = randomBytes(200_000);
    long id = declare("m.bin", content.length, sha256(content));
    URI file = fileUri(id, "m.bin");
    byte[] tampered = content.clone();
    tampered[150_000] ^= 1;

    assertEquals(308, putChunk(file, tampered, 0, 99_999).statusCode());
    assertTrue(partialExists(id, "m.bin"));
    HttpResponse<String> last = putChunk(file, tampered, 100_000, 199_999);
    assertEquals(409, last.statusCode(), last.body());
    assertTrue(last.body().contains(sha256(tampered)), last.body());

    assertFalse(partialExists(id, "m.bin"), "the partial upload was discarded");
    HttpResponse<String> after = probe(file, content.length);
    assertEquals(308, after.statusCode());
    assertNull(header(after, "Range"), "nothing is left of the refused content");
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/" + id + "/files/m.bin")
        .then()
        .statusCode(409);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/" + id)
        .then()
        .body("files_to_upload", contains("m.bin"));

    // the client starts again from byte 0
    assertEquals(308, putChunk(file, content, 0, 99_999).statusCode());
    assertEquals(201, putChunk(file, content, 100_000, 199_999).statusCode());
  }

  @Test
  void aShortBodyKeepsItsBytesAndOneChunkCanBeTheWholeFile() throws Exception {
    byte[] content = randomBytes(10_000);
    long id = declare("s.bin", content.length, sha256(content));
    URI file = fileUri(id, "s.bin");

    HttpResponse<String> shortBody =
        put(file, "bytes 0-9999/10000", java.util.Arrays.copyOf(content, 4_000));
    assertEquals(400, shortBody.statusCode());
    assertEquals("bytes=0-3999", header(shortBody, "Range"));
    HttpResponse<String> rest = putChunk(file, content, 4_000, 9_999);
    assertEquals(201, rest.statusCode(), rest.body());

    byte[] other = randomBytes(5_000);
    long second = declare("w.bin", other.length, sha256(other));
    HttpResponse<String> whole = putChunk(fileUri(second, "w.bin"), other, 0, 4_999);
    assertEquals(201, whole.statusCode(), whole.body());
    HttpResponse<String> again = putChunk(fileUri(second, "w.bin"), other, 0, 4_999);
    assertEquals(200, again.statusCode(), "complete already");
  }
}
