package dev.kiln.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** The artifact API as the agent uses it, checking each upload's SHA-256 like the real one. */
final class FakeArtifactService implements AutoCloseable {

  record Upload(long artifactId, String path, byte[] bytes, String declaredSha256, String token) {}

  final List<JsonNode> declarations = new CopyOnWriteArrayList<>();
  final List<Upload> uploads = new CopyOnWriteArrayList<>();
  private final Map<String, String> declared = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(100);
  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  FakeArtifactService() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/artifacts", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String token = x.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
    if (x.getRequestMethod().equals("POST")) {
      JsonNode body = json.readTree(x.getRequestBody());
      declarations.add(body);
      long id = ids.incrementAndGet();
      var files = json.createArrayNode();
      body.get("files")
          .fields()
          .forEachRemaining(
              f -> {
                declared.put(id + "/" + f.getKey(), f.getValue().get("sha256").asText());
                files.add(f.getKey());
              });
      var reply = json.createObjectNode().put("id", id);
      reply.set("files_to_upload", files);
      respond(x, 201, reply.toString());
    } else if (x.getRequestMethod().equals("PUT")) {
      String[] parts = path.substring("/api/v1/artifacts/".length()).split("/files/", 2);
      long id = Long.parseLong(parts[0]);
      byte[] bytes = x.getRequestBody().readAllBytes();
      String expected = declared.get(id + "/" + parts[1]);
      uploads.add(new Upload(id, parts[1], bytes, expected, token));
      respond(x, sha256(bytes).equals(expected) ? 201 : 409, "{}");
    } else {
      respond(x, 405, "{}");
    }
  }

  private static void respond(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
