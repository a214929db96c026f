package dev.kiln.artifact.transfer;

import static dev.kiln.artifact.transfer.TransferFixtures.ADMIN;
import static dev.kiln.artifact.transfer.TransferFixtures.declare;
import static dev.kiln.artifact.transfer.TransferFixtures.put;
import static dev.kiln.artifact.transfer.TransferFixtures.randomBytes;
import static dev.kiln.artifact.transfer.TransferFixtures.sha256;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Range requests, HEAD and tar archives of artifacts, against the running service. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class DownloadTest {

  @TestHTTPResource("/")
  URL base;

  private long uploaded(String path, byte[] content) throws Exception {
    long id = declare(path, content.length, sha256(content));
    assertEquals(
        201,
        put(base.toURI().resolve("api/v1/artifacts/" + id + "/files/" + path), null, content)
            .statusCode());
    return id;
  }

  private static Response get(long id, String path, String range) {
    var request = given().header("Authorization", ADMIN);
    if (range != null) {
      request.header("Range", range);
    }
    return request.get("/api/v1/artifacts/" + id + "/files/" + path);
  }

  @Test
  void rangesSelectTheRightBytes() throws Exception {
    byte[] content = randomBytes(100_000);
    long id = uploaded("r.bin", content);
    String etag = "\"" + sha256(content) + "\"";

    Response whole = get(id, "r.bin", null);
    whole.then().statusCode(200).header("Accept-Ranges", "bytes").header("ETag", etag);
    assertArrayEquals(content, whole.asByteArray());

    Response firstBytes = get(id, "r.bin", "bytes=0-99");
    firstBytes
        .then()
        .statusCode(206)
        .header("Content-Range", "bytes 0-99/100000")
        .header("Content-Length", "100")
        .header("ETag", etag);
    assertArrayEquals(Arrays.copyOfRange(content, 0, 100), firstBytes.asByteArray());

    Response middle = get(id, "r.bin", "bytes=40000-59999");
    middle.then().statusCode(206).header("Content-Range", "bytes 40000-59999/100000");
    assertArrayEquals(Arrays.copyOfRange(content, 40_000, 60_000), middle.asByteArray());

    Response suffix = get(id, "r.bin", "bytes=-500");
    suffix.then().statusCode(206).header("Content-Range", "bytes 99500-99999/100000");
    assertArrayEquals(Arrays.copyOfRange(content, 99_500, 100_000), suffix.asByteArray());

    Response openEnded = get(id, "r.bin", "bytes=99990-");
    openEnded.then().statusCode(206).header("Content-Range", "bytes 99990-99999/100000");
    assertArrayEquals(Arrays.copyOfRange(content, 99_990, 100_000), openEnded.asByteArray());

    Response clamped = get(id, "r.bin", "bytes=99000-200000");
    clamped.then().statusCode(206).header("Content-Range", "bytes 99000-99999/100000");
    assertEquals(1_000, clamped.asByteArray().length);

    get(id, "r.bin", "bytes=100000-")
        .then()
        .statusCode(416)
        .header("Content-Range", "bytes */100000")
        .contentType("application/problem+json");
    get(id, "r.bin", "bytes=-0").then().statusCode(416);

    // several ranges, or a range of another unit: the whole file
    get(id, "r.bin", "bytes=0-1,5-6").then().statusCode(200).header("Content-Length", "100000");
    get(id, "r.bin", "items=0-1").then().statusCode(200);

    // If-Range: the range applies only to the same content
    given()
        .header("Authorization", ADMIN)
        .header("Range", "bytes=0-9")
        .header("If-Range", etag)
        .get("/api/v1/artifacts/" + id + "/files/r.bin")
        .then()
        .statusCode(206);
    given()
        .header("Authorization", ADMIN)
        .header("Range", "bytes=0-9")
        .header("If-Range", "\"other\"")
        .get("/api/v1/artifacts/" + id + "/files/r.bin")
        .then()
        .statusCode(200)
        .header("Content-Length", "100000");

    given()
        .header("Authorization", ADMIN)
        .header("If-None-Match", etag)
        .get("/api/v1/artifacts/" + id + "/files/r.bin")
        .then()
        .statusCode(304);
  }

  @Test
  void headAnswersTheHeadersWithoutTheContent() throws Exception {
    byte[] content = randomBytes(70_000);
    long id = uploaded("h.bin", content);
    Response head =
        given().header("Authorization", ADMIN).head("/api/v1/artifacts/" + id + "/files/h.bin");
    head.then()
        .statusCode(200)
        .header("Content-Length", "70000")
        .header("Accept-Ranges", "bytes")
        .header("ETag", "\"" + sha256(content) + "\"")
        .header("Content-Range", nullValue());
    assertEquals(0, head.asByteArray().length);

    given()
        .header("Authorization", ADMIN)
        .header("Range", "bytes=10-19")
        .head("/api/v1/artifacts/" + id + "/files/h.bin")
        .then()
        .statusCode(206)
        .header("Content-Range", "bytes 10-19/70000")
        .header("Content-Length", "10");
    given()
        .header("Authorization", ADMIN)
        .head("/api/v1/artifacts/" + id + "/files/missing.bin")
        .then()
        .statusCode(404);
    given().head("/api/v1/artifacts/" + id + "/files/h.bin").then().statusCode(401);
  }

  @Test
  void theTarArchiveHoldsEveryCompleteFile() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("a.txt", "hello\n".getBytes(StandardCharsets.UTF_8));
    files.put("empty", new byte[0]);
    files.put("dir/b.bin", randomBytes(1_000_000));
    files.put("exact.bin", randomBytes(1024));
    // longer than 100 bytes: ustar prefix and name
    files.put("d".repeat(60) + "/" + "e".repeat(60) + "/f.bin", randomBytes(3_000));
    // a name no ustar split can hold: pax header
    files.put("g/" + "n".repeat(150) + ".bin", randomBytes(513));
    byte[] missing = randomBytes(10);

    Object[] declared = new Object[(files.size() + 1) * 3];
    int i = 0;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      declared[i++] = f.getKey();
      declared[i++] = f.getValue().length;
      declared[i++] = sha256(f.getValue());
    }
    declared[i++] = "not-uploaded.bin";
    declared[i++] = missing.length;
    declared[i] = sha256(missing);
    long id = declare(declared);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (f.getValue().length > 0) {
        assertEquals(
            201,
            put(
                    base.toURI().resolve("api/v1/artifacts/" + id + "/files/" + f.getKey()),
                    null,
                    f.getValue())
                .statusCode());
      }
    }

    Response tar = given().header("Authorization", ADMIN).get("/api/v1/artifacts/" + id + "/tar");
    tar.then()
        .statusCode(200)
        .contentType("application/x-tar")
        .header("Content-Disposition", "attachment; filename=\"artifact-" + id + ".tar\"");
    byte[] archive = tar.asByteArray();
    assertEquals(String.valueOf(archive.length), tar.header("Content-Length"));
    Map<String, byte[]> read = readTar(new ByteArrayInputStream(archive));
    assertEquals(new java.util.TreeSet<>(files.keySet()), new java.util.TreeSet<>(read.keySet()));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(f.getValue(), read.get(f.getKey()), f.getKey());
    }

    given().get("/api/v1/artifacts/" + id + "/tar").then().statusCode(401);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/999999999/tar")
        .then()
        .statusCode(404)
        .body("status", equalTo(404));
  }

  /** A minimal tar reader: ustar names and prefixes, pax {@code path} records, checksums. */
  static Map<String, byte[]> readTar(InputStream in) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String paxPath = null;
    while (true) {
      byte[] header = in.readNBytes(512);
      assertEquals(512, header.length, "truncated archive");
      if (Arrays.equals(header, new byte[512])) {
        assertArrayEquals(new byte[512], in.readNBytes(512), "two zero blocks end the archive");
        assertEquals(-1, in.read(), "nothing after the end");
        return entries;
      }
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
      }
      assertEquals(sum, Long.parseLong(text(header, 148, 8).trim(), 8), "checksum");
      assertEquals("ustar", text(header, 257, 6));
      long size = Long.parseLong(text(header, 124, 12).trim(), 8);
      byte[] data = in.readNBytes((int) size);
      in.readNBytes((int) ((512 - size % 512) % 512));
      char type = (char) header[156];
      if (type == 'x') {
        for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
          String kv = record.substring(record.indexOf(' ') + 1);
          assertEquals(
              Integer.parseInt(record.substring(0, record.indexOf(' '))),
              (record + "\n").getBytes(StandardCharsets.UTF_8).length,
              "pax record length");
          if (kv.startsWith("path=")) {
            paxPath = kv.substring(5);
          }
        }
        continue;
      }
      assertEquals('0', type);
      String prefix = text(header, 345, 155);
      String name = prefix.isEmpty() ? text(header, 0, 100) : prefix + "/" + text(header, 0, 100);
      entries.put(paxPath != null ? paxPath : name, data);
      paxPath = null;
    }
  }

  private static String text(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }
}
