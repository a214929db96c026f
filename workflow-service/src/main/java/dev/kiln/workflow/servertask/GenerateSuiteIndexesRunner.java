package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.input.CollectionInfo;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.server.tasks.GenerateSuiteIndexesTask;
import dev.kiln.workflow.client.ArtifactRestClient;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import dev.kiln.workflow.domain.servertask.SuiteIndexes;
import dev.kiln.workflow.domain.servertask.SuiteIndexes.IndexFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code server/generatesuiteindexes}: reads the suite's items in ONE lookup (a multiple lookup of
 * the {@code debian:suite} collection: every artifact with its data and files), writes {@code
 * Packages} per component and architecture, {@code Sources} per component and the {@code Release}
 * with their sizes and MD5/SHA-256 checksums to temporary files (streamed, checksummed while
 * written), then stores each as a {@code debian:repository-index} artifact (upload streamed, sizes
 * and SHA-256 checked by the artifact service) and adds it to the suite as {@code index:<path>}.
 * Item data may give {@code component} (default {@code main}).
 *
 * <p>{@code generate_at} is recorded in the Release {@code Date}; the items are those active when
 * the task runs (the lookup API has no point-in-time view yet).
 */
@ApplicationScoped
public class GenerateSuiteIndexesRunner implements ServerTaskRunner {

  static final String SOURCE = "debian:source-package";
  static final String BINARY = "debian:binary-package";

  @Inject ArtifactRestClient artifacts;
  @Inject ObjectMapper mapper;

  @Override
  public String taskName() {
    return GenerateSuiteIndexesTask.DEFINITION.name();
  }

  @Override
  public ServerTaskOutcome run(ServerTaskCommand c) throws Exception {
    GenerateSuiteIndexesTask.Data data =
        GenerateSuiteIndexesTask.DEFINITION.parseData(c.taskData());
    var suiteInput =
        InputValues.fromJson(c.dynamicTaskData().get("inputs"))
            .find(GenerateSuiteIndexesTask.SUITE_COLLECTION);
    if (suiteInput.isEmpty()) {
      return ServerTaskOutcome.error(
          "dynamic_task_data.inputs.suite_collection: the suite was not resolved");
    }
    CollectionInfo suite = suiteInput.get().collection();
    String token = artifacts.tokenFor(c.workRequestId(), c.workspace());

    ObjectNode lookup = mapper.createObjectNode();
    lookup.put("workspace", c.workspace());
    ObjectNode item = lookup.putObject("lookups").putObject("items");
    item.putObject("lookup").put("collection", suite.name() + "@debian:suite");
    item.put("expect_type", "artifact");
    ArtifactRestClient.Answer found = artifacts.postJson(token, "/api/v1/lookups", lookup);
    if (!found.ok()) {
      throw new IOException("the suite's items cannot be read: " + found.detail());
    }
    JsonNode result = found.body().path("results").path("items");
    if (result.has("error") && !result.get("error").isNull()) {
      return ServerTaskOutcome.error(
          "suite " + suite.name() + ": " + result.path("error").path("message").asText());
    }

    // component -> architecture -> binaries; component -> sources (sorted for stable indexes)
    Map<String, Map<String, List<JsonNode>>> binaries = new TreeMap<>();
    Map<String, List<JsonNode>> sources = new TreeMap<>();
    for (JsonNode r : result.path("results")) {
      JsonNode a = r.path("artifact");
      String component = r.path("collection_item").path("data").path("component").asText("main");
      switch (a.path("category").asText()) {
        case SOURCE -> sources.computeIfAbsent(component, k -> new ArrayList<>()).add(a);
        case BINARY -> {
          String arch = a.path("data").path("deb_fields").path("Architecture").asText("all");
          binaries
              .computeIfAbsent(component, k -> new TreeMap<>())
              .computeIfAbsent(arch, k -> new ArrayList<>())
              .add(a);
        }
        default -> {
          // indexes and other items of the suite are not indexed
        }
      }
    }
    TreeSet<String> components = new TreeSet<>(sources.keySet());
    components.addAll(binaries.keySet());
    TreeSet<String> architectures = new TreeSet<>();
    binaries.values().forEach(m -> architectures.addAll(m.keySet()));
    architectures.remove("all");
    Comparator<JsonNode> byName =
        Comparator.comparing(
                (JsonNode a) ->
                    a.path("data")
                        .path("name")
                        .asText(a.path("data").path("deb_fields").path("Package").asText()))
            .thenComparing(a -> a.path("id").asLong());

    Path dir = Files.createTempDirectory("suite-indexes-");
    try {
      Map<IndexFile, Path> written = new LinkedHashMap<>();
      for (String component : components) {
        List<JsonNode> src = new ArrayList<>(sources.getOrDefault(component, List.of()));
        src.sort(byName);
        String path = component + "/source/Sources";
        written.put(
            write(
                dir,
                path,
                out -> {
                  for (JsonNode a : src) {
                    SuiteIndexes.sourcesStanza(out, component, a.path("data"), a.path("files"));
                  }
                }),
            dir.resolve(path));
        Map<String, List<JsonNode>> byArch = binaries.getOrDefault(component, Map.of());
        for (String arch : architectures.isEmpty() ? List.of("all") : architectures) {
          List<JsonNode> bins = new ArrayList<>(byArch.getOrDefault(arch, List.of()));
          if (!arch.equals("all")) {
            bins.addAll(byArch.getOrDefault("all", List.of()));
          }
          bins.sort(byName);
          String bpath = component + "/binary-" + arch + "/Packages";
          List<String> problems = new ArrayList<>();
          IndexFile f =
              write(
                  dir,
                  bpath,
                  out -> {
                    for (JsonNode a : bins) {
                      Iterator<Map.Entry<String, JsonNode>> files = a.path("files").fields();
                      Map.Entry<String, JsonNode> deb = null;
                      while (files.hasNext()) {
                        Map.Entry<String, JsonNode> e = files.next();
                        if (e.getKey().endsWith(".deb") || e.getKey().endsWith(".udeb")) {
                          deb = e;
                        }
                      }
                      if (deb == null) {
                        problems.add("artifact " + a.path("id").asLong() + " has no .deb");
                        continue;
                      }
                      SuiteIndexes.packagesStanza(
                          out, component, a.path("data"), deb.getKey(), deb.getValue());
                    }
                  });
          if (!problems.isEmpty()) {
            return ServerTaskOutcome.error(String.join("; ", problems));
          }
          written.put(f, dir.resolve(bpath));
        }
      }
      String codename =
          suite.data() == null ? suite.name() : suite.data().path("codename").asText(suite.name());
      List<IndexFile> indexes = new ArrayList<>(written.keySet());
      IndexFile release =
          write(
              dir,
              "Release",
              out ->
                  SuiteIndexes.release(
                      out,
                      suite.name(),
                      codename,
                      data.generateAt(),
                      new ArrayList<>(architectures),
                      new ArrayList<>(components),
                      indexes));
      written.put(release, dir.resolve("Release"));

      ObjectNode output = mapper.createObjectNode();
      ArrayNode made = output.putArray("indexes");
      for (Map.Entry<IndexFile, Path> e : written.entrySet()) {
        String repoPath = "dists/" + suite.name() + "/" + e.getKey().path();
        long id = store(token, c.workspace(), repoPath, e.getKey(), e.getValue());
        ObjectNode addItem = mapper.createObjectNode();
        // item names may not contain '/': index:main:binary-amd64:Packages
        addItem.put("name", "index:" + e.getKey().path().replace('/', ':'));
        addItem.put("artifact_id", id);
        addItem.put("replace", true);
        addItem.putObject("data").put("path", repoPath);
        ArtifactRestClient.Answer added =
            artifacts.postJson(token, "/api/v1/collections/" + suite.id() + "/items", addItem);
        if (!added.ok()) {
          throw new IOException("adding " + repoPath + " to the suite: " + added.detail());
        }
        made.addObject()
            .put("path", repoPath)
            .put("artifact_id", id)
            .put("sha256", e.getKey().sha256());
      }
      output.put("source_packages", sources.values().stream().mapToInt(List::size).sum());
      output.put(
          "binary_packages",
          binaries.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum());
      return ServerTaskOutcome.success(output);
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Writes what {@code content} writes into dir/path, measuring and hashing as it goes. */
  private static IndexFile write(Path dir, String path, Content content) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    MessageDigest md5 = digest("MD5");
    MessageDigest sha = digest("SHA-256");
    try (OutputStream raw = Files.newOutputStream(file);
        Writer out =
            new BufferedWriter(
                new OutputStreamWriter(
                    new DigestOutputStream(new DigestOutputStream(raw, md5), sha),
                    StandardCharsets.UTF_8))) {
      content.write(out);
    }
    HexFormat hex = HexFormat.of();
    return new IndexFile(
        path, Files.size(file), hex.formatHex(md5.digest()), hex.formatHex(sha.digest()));
  }

  private long store(String token, String workspace, String repoPath, IndexFile f, Path file)
      throws IOException {
    String name = repoPath.substring(repoPath.lastIndexOf('/') + 1);
    ObjectNode body = mapper.createObjectNode();
    body.put("category", "debian:repository-index");
    body.put("workspace", workspace);
    body.putObject("data").put("path", repoPath);
    body.putObject("files").putObject(name).put("size", f.size()).put("sha256", f.sha256());
    ArtifactRestClient.Answer created = artifacts.postJson(token, "/api/v1/artifacts", body);
    if (!created.ok()) {
      throw new IOException("creating the artifact of " + repoPath + ": " + created.detail());
    }
    long id = created.body().path("id").asLong();
    ArtifactRestClient.Answer up = artifacts.upload(token, id, name, file);
    if (!up.ok()) {
      throw new IOException("uploading " + repoPath + ": " + up.detail());
    }
    return id;
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface Content {
    void write(Writer out) throws IOException;
  }
}
