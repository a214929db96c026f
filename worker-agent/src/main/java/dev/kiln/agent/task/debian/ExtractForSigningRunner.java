package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.ExtractForSigningTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code worker/extractforsigning}: in an instance of the environment, unpacks the signing template
 * ({@code dpkg-deb -x}) and reads its {@code /usr/share/code-signing/<template>/files.json}; for
 * each binary package it names, unpacks that package and copies out the files listed, into one
 * {@code debusine:signing-input} artifact per package ({@code <package>/<file>}, its {@code
 * trusted_certs} and {@code binary_package_name}) that {@code relates-to} the template and the
 * binary package.
 */
public final class ExtractForSigningRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DIR = "/tmp/kiln-extract";

  private final Environments environments;

  public ExtractForSigningRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "extractforsigning";
  }

  @Override
  public int version() {
    return ExtractForSigningTask.DEFINITION.version();
  }

  /** One package of a template's {@code files.json}: the files to sign and the trusted certs. */
  record PackageFiles(String packageName, List<String> files, JsonNode trustedCerts) {}

  /**
   * The packages of a {@code files.json} ({@code {"packages": {name: {"files": [{"file": …}],
   * "trusted_certs": […]}}}}).
   *
   * @throws IOException when a path is absolute or climbs out of the package
   */
  static List<PackageFiles> packages(JsonNode filesJson) throws IOException {
    List<PackageFiles> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = filesJson.path("packages").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (!p.getKey().matches("[a-z0-9][a-z0-9+.-]*")) {
        throw new IOException("files.json names no package: " + p.getKey());
      }
      List<String> files = new ArrayList<>();
      for (JsonNode f : p.getValue().path("files")) {
        String file = f.path("file").asText();
        Path normal = Path.of(file).normalize();
        if (file.isEmpty() || normal.isAbsolute() || normal.startsWith("..")) {
          throw new IOException("files.json lists a file outside the package: " + file);
        }
        files.add(normal.toString());
      }
      JsonNode certs = p.getValue().get("trusted_certs");
      out.add(new PackageFiles(p.getKey(), files, certs == null ? null : certs));
    }
    return out;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    ExtractForSigningTask task = (ExtractForSigningTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      var templateInput = task.input(ExtractForSigningTask.TEMPLATE_ARTIFACT);
      AttemptArtifacts.Downloaded template =
          artifacts.download(templateInput.artifactId(), work.resolve("template"));
      Path templateDeb = template.fileEndingWith(".deb");
      String templateName =
          template
              .data()
              .path("deb_fields")
              .path("Package")
              .asText(templateDeb.getFileName().toString().split("_")[0]);
      // binary package name -> (artifact, .deb)
      Map<String, Long> artifactOf = new LinkedHashMap<>();
      Map<String, Path> debOf = new LinkedHashMap<>();
      for (long id : task.input(ExtractForSigningTask.BINARY_ARTIFACTS).artifactIds()) {
        AttemptArtifacts.Downloaded dl = artifacts.download(id, work.resolve("bin/" + id));
        for (Path f : dl.files().values()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".deb")) {
            artifactOf.put(name.split("_")[0], id);
            debOf.put(name.split("_")[0], f);
          }
        }
      }
      var environment = task.input(ExtractForSigningTask.ENVIRONMENT);
      List<Long> created = new ArrayList<>();
      try (Environments.Session session =
          environments.open(artifacts, environment.artifactId(), task.backend())) {
        Instance instance = session.instance();
        mustSucceed(log, instance, "mkdir", Command.asRoot("mkdir", "-p", "-m", "1777", DIR));
        instance.copyIn(templateDeb, DIR + "/template.deb");
        mustSucceed(
            log, instance, "unpack-template", inDir("dpkg-deb", "-x", "template.deb", "template"));
        Path filesJson = work.resolve("files.json");
        instance.copyOut(
            DIR + "/template/usr/share/code-signing/" + templateName + "/files.json", filesJson);
        for (PackageFiles p : packages(JSON.readTree(filesJson.toFile()))) {
          Path deb = debOf.get(p.packageName());
          if (deb == null) {
            throw new IOException(
                "files.json names package " + p.packageName() + ", which no binary artifact holds");
          }
          instance.copyIn(deb, DIR + "/" + p.packageName() + ".deb");
          mustSucceed(
              log,
              instance,
              "unpack-" + p.packageName(),
              inDir("dpkg-deb", "-x", p.packageName() + ".deb", "pkg-" + p.packageName()));
          Map<String, Path> files = new LinkedHashMap<>();
          for (String f : p.files()) {
            Path local = work.resolve("out").resolve(p.packageName()).resolve(f);
            Files.createDirectories(local.getParent());
            instance.copyOut(DIR + "/pkg-" + p.packageName() + "/" + f, local);
            files.put(p.packageName() + "/" + f, local);
          }
          ObjectNode data = JSON.createObjectNode();
          if (p.trustedCerts() == null) {
            data.putNull("trusted_certs");
          } else {
            data.set("trusted_certs", p.trustedCerts());
          }
          data.put("binary_package_name", p.packageName());
          long id =
              artifacts.upload(
                  "debusine:signing-input",
                  data,
                  files,
                  List.of(
                      new Related(Relation.RELATES_TO, template.id()),
                      new Related(Relation.RELATES_TO, artifactOf.get(p.packageName()))));
          created.add(id);
          log.line("uploaded debusine:signing-input " + id + " for " + p.packageName());
        }
      }
      if (created.isEmpty()) {
        log.line("files.json lists no package to sign");
      }
      return TaskOutcome.success();
    }
  }

  private static Command inDir(String... argv) {
    return new Command(List.of(argv), false, null, Map.of(), DIR, false);
  }

  static void mustSucceed(CommandLog log, Instance instance, String name, Command c)
      throws IOException, InterruptedException {
    if (!log.in(instance, name, c).succeeded()) {
      throw new IOException(name + " failed in the environment");
    }
  }
}
