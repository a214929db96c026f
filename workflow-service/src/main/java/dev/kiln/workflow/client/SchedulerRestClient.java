package dev.kiln.workflow.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.problem.ApiException;
import dev.kiln.workflow.config.ServerTaskConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The scheduler's REST API as the workflow service uses it for templates and server tasks, with the
 * service's own token: create a work request (idempotent by {@code Idempotency-Key}), complete a
 * server task, read a work request.
 */
@ApplicationScoped
public class SchedulerRestClient {

  /** An answer of the scheduler: its HTTP status and JSON body. */
  public record Answer(int status, JsonNode body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  @Inject ServerTaskConfig config;
  @Inject ObjectMapper mapper;

  private HttpClient http;

  @PostConstruct
  void init() {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.httpTimeout())
            .build();
  }

  /** {@code POST /api/v1/work-requests}. */
  public Answer createWorkRequest(JsonNode body, String idempotencyKey) throws IOException {
    HttpRequest.Builder b = request("/api/v1/work-requests").POST(json(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b.build());
  }

  /** {@code POST /api/v1/work-requests/{id}/complete}. */
  public Answer complete(long workRequestId, JsonNode body) throws IOException {
    return send(
        request("/api/v1/work-requests/" + workRequestId + "/complete").POST(json(body)).build());
  }

  /** {@code GET /api/v1/work-requests/{id}}. */
  public Answer get(long workRequestId) throws IOException {
    return send(request("/api/v1/work-requests/" + workRequestId).GET().build());
  }

  /**
   * A scheduler refusal passed on to the workflow service's client: 4xx keep their status, detail
   * and field errors; anything else is a 503.
   */
  public static ApiException passOn(Answer a) {
    ApiException.Kind kind =
        switch (a.status()) {
          case 400 -> ApiException.Kind.INVALID_INPUT;
          case 403 -> ApiException.Kind.FORBIDDEN;
          case 404 -> ApiException.Kind.NOT_FOUND;
          case 409 -> ApiException.Kind.CONFLICT;
          default -> ApiException.Kind.UNAVAILABLE;
        };
    String detail = a.body().path("detail").asText("the scheduler answered HTTP " + a.status());
    List<dev.kiln.common.problem.FieldError> errors =
        a.body().path("errors").isArray()
            ? java.util.stream.StreamSupport.stream(a.body().get("errors").spliterator(), false)
                .map(
                    e ->
                        new dev.kiln.common.problem.FieldError(
                            e.path("field").asText(), e.path("message").asText()))
                .toList()
            : List.of();
    return new ApiException(kind, "scheduler: " + detail, errors);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(config.schedulerUrl() + path))
        .timeout(config.httpTimeout())
        .header(
            "Authorization",
            "Bearer "
                + config
                    .serviceToken()
                    .filter(t -> !t.isBlank())
                    .orElseThrow(
                        () ->
                            new ApiException(
                                ApiException.Kind.UNAVAILABLE,
                                "KILN_WORKFLOW_SERVICE_TOKEN is not set: the workflow service"
                                    + " cannot call the scheduler")))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json");
  }

  private HttpRequest.BodyPublisher json(JsonNode body) {
    return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
  }

  private Answer send(HttpRequest request) throws IOException {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the scheduler", e);
    }
    JsonNode body;
    try {
      body = r.body() == null || r.body().isBlank() ? mapper.nullNode() : mapper.readTree(r.body());
    } catch (IOException e) {
      body = mapper.getNodeFactory().textNode(r.body());
    }
    return new Answer(r.statusCode(), body);
  }
}
