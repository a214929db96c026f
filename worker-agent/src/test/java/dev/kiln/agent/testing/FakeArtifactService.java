package dev.kiln.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The artifact API as the agent uses it ({@code POST /api/v1/artifacts}, {@code PUT
 * /api/v1/artifacts/{id}/files/{path}}, and {@code GET} of both for what {@link #served} holds), on
 * the JDK's HTTP server. Like the real service it checks each upload against the declared size and
 * SHA-256 (409 when they differ).
 */
public final class FakeArtifactService implements AutoCloseable {

  /** One PUT of a file. */
  public record Upload(
      long artifactId,
      String path,
      byte[] bytes,
      String declaredSha256,
      String token,
      int status) {}

  /** One POST, with the token it carried. */
  public record Declaration(JsonNode body, String token) {}

  public final List<Declaration> declarations = new CopyOnWriteArrayList<>();
  public final List<Upload> uploads = new CopyOnWriteArrayList<>();

  /** How many POSTs to answer 503 before accepting. */
  public final AtomicInteger failCreates = new AtomicInteger();

  /** How many PUTs to answer 503 before accepting. */
  public final AtomicInteger failUploads = new AtomicInteger();

  /** An artifact to download: its description and the bytes served for each file. */
  public record Served(JsonNode description, Map<String, byte[]> content) {}

  /** Artifacts served by GET, by id. */
  public final Map<Long, Served> served = new ConcurrentHashMap<>();

  /** The GETs of file contents, as "id/path". */
  public final List<String> downloads = new CopyOnWriteArrayList<>();

  private final Map<String, JsonNode> declared = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(100);
  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  public FakeArtifactService() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/artifacts", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The successful uploads. */
  public List<Upload> completedUploads() {
    return uploads.stream().filter(u -> u.status() == 201).toList();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ")) {
        respond(x, 401, "{}");
        return;
      }
      String token = auth.substring("Bearer ".length());
      String path = x.getRequestURI().getPath();
      if (x.getRequestMethod().equals("POST") && path.equals("/api/v1/artifacts")) {
        JsonNode body = json.readTree(x.getRequestBody());
        declarations.add(new Declaration(body, token));
        if (failCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          respond(x, 503, "{}");
          return;
        }
        long id = ids.incrementAndGet();
        ArrayNode toUpload = json.createArrayNode();
        body.path("files")
            .fields()
            .forEachRemaining(
                f -> {
                  declared.put(id + "/" + f.getKey(), f.getValue());
                  toUpload.add(f.getKey());
                });
        ObjectNode reply = json.createObjectNode().put("id", id);
        reply.set("files_to_upload", toUpload);
        respond(x, 201, reply.toString());
      } else if (x.getRequestMethod().equals("PUT")) {
        String[] parts = path.substring("/api/v1/artifacts/".length()).split("/files/", 2);
        long id = Long.parseLong(parts[0]);
        byte[] bytes = x.getRequestBody().readAllBytes();
        JsonNode file = declared.get(id + "/" + parts[1]);
        String expected = file == null ? null : file.path("sha256").asText();
        int status;
        if (failUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          status = 503;
        } else if (file == null) {
          status = 404;
        } else if (!sha256(bytes).equals(expected) || file.path("size").asLong() != bytes.length) {
          status = 409;
        } else {
          status = 201;
        }
        uploads.add(new Upload(id, parts[1], bytes, expected, token, status));
        respond(x, status, "{}");
      } else if (x.getRequestMethod().equals("GET")) {
        String[] parts = path.substring("/api/v1/artifacts/".length()).split("/files/", 2);
        Served artifact = served.get(Long.parseLong(parts[0]));
        if (artifact == null) {
          respond(x, 404, "{}");
        } else if (parts.length == 1) {
          respond(x, 200, artifact.description().toString());
        } else {
          byte[] bytes = artifact.content().get(parts[1]);
          downloads.add(parts[0] + "/" + parts[1]);
          if (bytes == null) {
            respond(x, 404, "{}");
          } else {
            x.getResponseHeaders().add("Content-Type", "application/octet-stream");
            x.sendResponseHeaders(200, bytes.length);
            x.getResponseBody().write(bytes);
          }
        }
      } else {
        respond(x, 405, "{}");
      }
    }
  }

  private static void respond(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
