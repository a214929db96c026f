package dev.kiln.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's REST contract as the workflow service relies on it, recorded from the scheduler's
 * {@code WorkRequestResource}/{@code LifecycleService}: {@code POST /api/v1/work-requests} answers
 * 201 with the work request's view, the same {@code Idempotency-Key} and body again 200 with the
 * same view, another body 409 (keys are scoped by caller); {@code POST .../{id}/complete} answers
 * 200 when the work request is running and 409 once it is completed; only the workflow service's
 * token is accepted. Tests read what was sent ({@link #requests()}) and may make the next calls
 * fail ({@link #failNext}).
 */
public class RecordedScheduler implements QuarkusTestResourceLifecycleManager {

  /** What the workflow service sent. */
  public record Request(String method, String path, Map<String, String> headers, JsonNode body) {}

  public static final String SERVICE_TOKEN = "kiln-dev-workflow-service-token";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
  private static final Map<String, Object[]> KEYS = new ConcurrentHashMap<>();
  private static final Map<Long, String> RESULTS = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong(50_000);
  private static final AtomicInteger FAIL_NEXT = new AtomicInteger();
  private HttpServer server;

  public static List<Request> requests() {
    return REQUESTS;
  }

  /** The next {@code n} calls answer 503 (as a scheduler that is restarting). */
  public static void failNext(int n) {
    FAIL_NEXT.set(n);
  }

  /**
   * The scheduler has this work request completed already (a report was taken, its answer lost).
   */
  public static void completed(long workRequestId, String result) {
    RESULTS.put(workRequestId, result);
  }

  /** Requests to this path, in order. */
  public static List<Request> requestsTo(String path) {
    return REQUESTS.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/api/v1/work-requests", this::handle);
    server.start();
    return Map.of(
        "kiln.server-tasks.scheduler-url", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      byte[] raw;
      try (InputStream in = x.getRequestBody()) {
        raw = in.readAllBytes();
      }
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      Map<String, String> headers = new ConcurrentHashMap<>();
      x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
      String path = x.getRequestURI().getPath();
      REQUESTS.add(new Request(x.getRequestMethod(), path, headers, body));
      if (!("Bearer " + SERVICE_TOKEN).equals(headers.get("authorization"))) {
        answer(x, 401, problem(401, "the token is unknown, disabled or expired"));
        return;
      }
      if (FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        answer(x, 503, problem(503, "restarting"));
        return;
      }
      if (path.equals("/api/v1/work-requests") && x.getRequestMethod().equals("POST")) {
        String key = headers.get("idempotency-key");
        if (key != null) {
          Object[] stored = KEYS.get(key);
          if (stored != null) {
            if (stored[0].equals(body)) {
              answer(x, 200, (JsonNode) stored[1]);
            } else {
              answer(x, 409, problem(409, "the Idempotency-Key was used with another body"));
            }
            return;
          }
        }
        ObjectNode view = ((ObjectNode) body).deepCopy();
        view.put("id", IDS.incrementAndGet());
        view.put("status", "pending");
        view.put("created_by", "workflow-service");
        if (key != null) {
          KEYS.put(key, new Object[] {body, view});
        }
        answer(x, 201, view);
        return;
      }
      String[] parts = path.split("/");
      // /api/v1/work-requests/{id}/complete
      if (parts.length == 6 && parts[5].equals("complete")) {
        long id = Long.parseLong(parts[4]);
        String result = body.path("result").asText();
        if (RESULTS.putIfAbsent(id, result) != null) {
          answer(x, 409, problem(409, "work request " + id + " is completed, not running"));
          return;
        }
        answer(x, 200, view(id));
        return;
      }
      if (parts.length == 5 && x.getRequestMethod().equals("GET")) {
        answer(x, 200, view(Long.parseLong(parts[4])));
        return;
      }
      answer(x, 404, problem(404, path + " does not exist"));
    }
  }

  private static JsonNode view(long id) {
    ObjectNode v = JSON.createObjectNode();
    v.put("id", id);
    v.put("task_type", "server");
    String result = RESULTS.get(id);
    v.put("status", result == null ? "running" : "completed");
    if (result != null) {
      v.put("result", result);
    } else {
      v.putNull("result");
    }
    return v;
  }

  private static JsonNode problem(int status, String detail) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "https://kiln.dev/problems/x");
    p.put("status", status);
    p.put("detail", detail);
    p.putArray("errors");
    return p;
  }

  private static void answer(HttpExchange x, int status, JsonNode body) throws IOException {
    byte[] out = JSON.writeValueAsBytes(body);
    x.getResponseHeaders()
        .set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
    x.sendResponseHeaders(status, out.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(out);
    }
  }
}
