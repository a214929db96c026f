package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.TaskJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** JSON over HTTP with a bearer token: one request, one answer, failures as exceptions. */
final class JsonHttp {

  private final HttpClient http;
  private final Duration timeout;

  JsonHttp(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  JsonNode get(String url, String token) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), token, url);
  }

  JsonNode post(String url, String token, JsonNode body) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)),
        token,
        url);
  }

  private JsonNode send(HttpRequest.Builder builder, String token, String url) {
    HttpRequest request =
        builder.timeout(timeout).header("Authorization", "Bearer " + token).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RemoteCallException(request.method() + " " + url + ": " + e, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteCallException(request.method() + " " + url + ": interrupted", 0, e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new RemoteCallException(
          request.method() + " " + url + " answered " + status + ": " + detail(response.body()),
          status,
          null);
    }
    String body = response.body();
    if (body == null || body.isBlank()) {
      return TaskJson.mapper().nullNode();
    }
    try {
      return TaskJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new RemoteCallException(request.method() + " " + url + ": not JSON", status, e);
    }
  }

  /** The problem's detail (and field errors) when the body is problem+json, else the body. */
  private static String detail(String body) {
    if (body == null) {
      return "";
    }
    try {
      JsonNode p = TaskJson.mapper().readTree(body);
      StringBuilder out = new StringBuilder(p.path("detail").asText(p.path("title").asText("")));
      for (JsonNode e : p.path("errors")) {
        out.append("; ")
            .append(e.path("field").asText())
            .append(": ")
            .append(e.path("message").asText());
      }
      return out.toString();
    } catch (IOException | RuntimeException e) {
      return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
  }
}
