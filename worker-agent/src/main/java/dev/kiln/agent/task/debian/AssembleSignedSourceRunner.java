package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.AssembleSignedSourceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code worker/assemblesignedsource}: in an instance of the environment, copies the signing
 * template's {@code /usr/share/code-signing/<template>/source-template/} to a source tree, puts
 * each signature of the {@code debusine:signing-output}s at {@code
 * debian/signatures/<package>/<file>.sig}, and builds the signed source package ({@code dpkg-source
 * -b}) and its source-only {@code .changes} ({@code dpkg-genchanges -S}). Outputs: the {@code
 * debian:source-package} ({@code built-using} the template and every signing output) and its {@code
 * debian:upload} ({@code extends} the source package).
 */
public final class AssembleSignedSourceRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DIR = "/tmp/kiln-assemble";

  private final Environments environments;

  public AssembleSignedSourceRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "assemblesignedsource";
  }

  @Override
  public int version() {
    return AssembleSignedSourceTask.DEFINITION.version();
  }

  /**
   * Where each signature goes in the source tree, by the file of the signing output that holds it:
   * {@code debian/signatures/<file>.sig} for each result with an {@code output_file} ({@code file}
   * is {@code <package>/<path>}).
   *
   * @throws IOException when a result failed or a path leaves the tree
   */
  static Map<String, String> signaturePlaces(JsonNode signingOutputData) throws IOException {
    Map<String, String> places = new LinkedHashMap<>();
    for (JsonNode r : signingOutputData.path("results")) {
      String file = r.path("file").asText();
      if (!r.path("error_message").isNull() && !r.path("error_message").isMissingNode()) {
        throw new IOException("signing " + file + " failed: " + r.path("error_message").asText());
      }
      String output = r.path("output_file").asText();
      Path normal = Path.of(file).normalize();
      if (file.isEmpty() || output.isEmpty() || normal.isAbsolute() || normal.startsWith("..")) {
        throw new IOException("a signing result names no file inside the source: " + r);
      }
      places.put(output, "debian/signatures/" + normal + ".sig");
    }
    return places;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    AssembleSignedSourceTask task = (AssembleSignedSourceTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      AttemptArtifacts.Downloaded template =
          artifacts.download(
              task.input(AssembleSignedSourceTask.TEMPLATE).artifactId(), work.resolve("template"));
      Path templateDeb = template.fileEndingWith(".deb");
      String templateName =
          template
              .data()
              .path("deb_fields")
              .path("Package")
              .asText(templateDeb.getFileName().toString().split("_")[0]);
      List<Long> signedIds = task.input(AssembleSignedSourceTask.SIGNED).artifactIds();
      Map<Path, String> signatures = new LinkedHashMap<>();
      for (long id : signedIds) {
        AttemptArtifacts.Downloaded dl = artifacts.download(id, work.resolve("signed/" + id));
        for (Map.Entry<String, String> place : signaturePlaces(dl.data()).entrySet()) {
          Path file = dl.files().get(place.getKey());
          if (file == null) {
            throw new IOException("signing output " + id + " lacks " + place.getKey());
          }
          signatures.put(file, place.getValue());
        }
      }
      Path out = Files.createDirectories(work.resolve("out"));
      Map<String, String> dsc;
      String changes;
      try (Environments.Session session =
          environments.open(
              artifacts,
              task.input(AssembleSignedSourceTask.ENVIRONMENT).artifactId(),
              task.backend())) {
        Instance instance = session.instance();
        ExtractForSigningRunner.mustSucceed(
            log, instance, "mkdir", Command.asRoot("mkdir", "-p", "-m", "1777", DIR));
        instance.copyIn(templateDeb, DIR + "/template.deb");
        ExtractForSigningRunner.mustSucceed(
            log,
            instance,
            "prepare",
            user(
                "/bin/sh",
                "-c",
                "set -e; dpkg-deb -x template.deb template;"
                    + " cp -a \"template/usr/share/code-signing/$1/source-template\" src",
                "kiln-prepare",
                templateName));
        List<String> dirs = new ArrayList<>(List.of("mkdir", "-p"));
        signatures.values().forEach(v -> dirs.add("src/" + Path.of(v).getParent()));
        ExtractForSigningRunner.mustSucceed(log, instance, "mkdir-signatures", user(dirs));
        for (Map.Entry<Path, String> s : signatures.entrySet()) {
          instance.copyIn(s.getKey(), DIR + "/src/" + s.getValue());
        }
        ExtractForSigningRunner.mustSucceed(
            log, instance, "dpkg-source", user("dpkg-source", "-b", "src"));
        Path parsed = work.resolve("changelog.txt");
        instance.run(
            user("/bin/sh", "-c", "dpkg-parsechangelog -l src/debian/changelog > changelog.txt"),
            dev.kiln.agent.executor.OutputSink.NONE,
            dev.kiln.agent.executor.Cancellation.none());
        instance.copyOut(DIR + "/changelog.txt", parsed);
        Map<String, String> cl = Deb822.paragraph(parsed);
        String base = cl.get("Source") + "_" + cl.get("Version").replaceFirst("^\\d+:", "");
        changes = base + "_source.changes";
        ExecResult gen =
            log.in(
                instance,
                "dpkg-genchanges",
                new Command(
                    List.of("dpkg-genchanges", "-S", "-O../" + changes),
                    false,
                    null,
                    Map.of(),
                    DIR + "/src",
                    false));
        if (!gen.succeeded()) {
          throw new IOException("dpkg-genchanges failed");
        }
        instance.copyOut(DIR + "/" + base + ".dsc", out.resolve(base + ".dsc"));
        instance.copyOut(DIR + "/" + changes, out.resolve(changes));
        dsc = Deb822.paragraph(out.resolve(base + ".dsc"));
        for (String f : Deb822.fileNames(dsc)) {
          instance.copyOut(DIR + "/" + f, out.resolve(f));
        }
      }
      String dscName =
          dsc.get("Source") + "_" + dsc.get("Version").replaceFirst("^\\d+:", "") + ".dsc";
      Map<String, Path> sourceFiles = new LinkedHashMap<>();
      sourceFiles.put(dscName, out.resolve(dscName));
      for (String f : Deb822.fileNames(dsc)) {
        sourceFiles.put(f, out.resolve(f));
      }
      ObjectNode sourceData = JSON.createObjectNode();
      sourceData.put("name", dsc.get("Source"));
      sourceData.put("version", dsc.get("Version"));
      sourceData.put("type", "dpkg");
      sourceData.set("dsc_fields", Deb822.toJson(dsc));
      List<Related> builtUsing = new ArrayList<>();
      builtUsing.add(new Related(Relation.BUILT_USING, template.id()));
      signedIds.forEach(id -> builtUsing.add(new Related(Relation.BUILT_USING, id)));
      long sourceId =
          artifacts.upload("debian:source-package", sourceData, sourceFiles, builtUsing);
      Map<String, String> changesFields = Deb822.paragraph(out.resolve(changes));
      Map<String, Path> uploadFiles = new LinkedHashMap<>();
      uploadFiles.put(changes, out.resolve(changes));
      uploadFiles.putAll(sourceFiles);
      ObjectNode upload = JSON.createObjectNode();
      upload.put("type", "dpkg");
      upload.set("changes_fields", Deb822.toJson(changesFields));
      long uploadId =
          artifacts.upload(
              "debian:upload",
              upload,
              uploadFiles,
              List.of(new Related(Relation.EXTENDS, sourceId)));
      log.line("uploaded debian:source-package " + sourceId + " and debian:upload " + uploadId);
      return TaskOutcome.success();
    }
  }

  private static Command user(String... argv) {
    return user(List.of(argv));
  }

  private static Command user(List<String> argv) {
    return new Command(argv, false, null, Map.of(), DIR, false);
  }
}
