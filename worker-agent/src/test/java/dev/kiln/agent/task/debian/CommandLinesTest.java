package dev.kiln.agent.task.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.external.worker.MmdebstrapTask;
import dev.kiln.task.external.worker.SbuildTask;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command lines the Debian tasks run, built from Debusine-shaped task data. */
class CommandLinesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static <T> T parse(dev.kiln.task.TaskDefinition<?> d, String json) throws Exception {
    @SuppressWarnings("unchecked")
    T data = (T) d.parseData(JSON.readTree(json));
    return data;
  }

  @Test
  void mmdebstrapBootstrapsEachRepositoryInUnshareMode() throws Exception {
    MmdebstrapTask.Data d =
        parse(
            MmdebstrapTask.DEFINITION,
            """
            {"bootstrap_options": {"architecture": "amd64", "variant": "buildd",
                                   "extra_packages": ["hello", "ca-certificates"]},
             "bootstrap_repositories": [
               {"mirror": "http://deb.debian.org/debian", "suite": "bookworm",
                "components": ["main", "contrib"], "types": ["deb", "deb-src"]},
               {"mirror": "http://local/extra", "suite": "stable", "check_signature_with": "no-check"}],
             "customization_script": "echo hi"}
            """);
    List<String> argv =
        MmdebstrapRunner.command(d, Path.of("/w/out/system.tar.zst"), Path.of("/w/script"));
    assertEquals(
        List.of(
            "mmdebstrap",
            "--mode=unshare",
            "--architectures=amd64",
            "--variant=buildd",
            "--include=hello,ca-certificates",
            "--customize-hook=upload /w/script /kiln-customize",
            "--customize-hook=chroot \"$1\" /bin/sh /kiln-customize",
            "--customize-hook=rm -f \"$1/kiln-customize\"",
            "bookworm",
            "/w/out/system.tar.zst",
            "deb http://deb.debian.org/debian bookworm main contrib",
            "deb-src http://deb.debian.org/debian bookworm main contrib",
            "deb [trusted=yes] http://local/extra stable main"),
        argv);
  }

  @Test
  void theTarballDataListsTheInstalledPackages() throws Exception {
    MmdebstrapTask.Data d =
        parse(
            MmdebstrapTask.DEFINITION,
            """
            {"bootstrap_options": {"architecture": "arm64"},
             "bootstrap_repositories": [{"mirror": "http://m/debian", "suite": "trixie"}]}
            """);
    Map<String, String> pkglist =
        MmdebstrapRunner.installedPackages(
            Deb822.paragraphs(
                """
                Package: base-files
                Status: install ok installed
                Version: 13

                Package: removed
                Status: deinstall ok config-files
                Version: 1

                Package: init
                Status: install ok installed
                Version: 1.66
                """));
    assertEquals(Map.of("base-files", "13", "init", "1.66"), pkglist);
    ObjectNode data = MmdebstrapRunner.tarballData(d, pkglist);
    assertEquals("system.tar.zst", data.path("filename").asText());
    assertEquals("trixie", data.path("codename").asText());
    assertEquals("arm64", data.path("architecture").asText());
    assertEquals("debian", data.path("vendor").asText());
    assertEquals("[\"main\"]", data.path("components").toString());
    assertTrue(data.path("variant").isNull());
    assertTrue(data.path("with_init").asBoolean());
    assertEquals("13", data.path("pkglist").path("base-files").asText());
  }

  @Test
  void sbuildBuildsTheDscInUnshareModeWithTheTaskOptions() throws Exception {
    SbuildTask.Data d =
        parse(
            SbuildTask.DEFINITION,
            """
            {"input": {"source_artifact": 5}, "environment": 7, "host_architecture": "amd64",
             "build_components": ["any", "all"], "build_profiles": ["nocheck"],
             "build_dep_resolver": "aspcud", "aspcud_criteria": "-removed",
             "extra_repositories": [{"url": "http://x/debian", "suite": "sid",
                                     "components": ["main"]}],
             "binnmu": {"changelog": "Rebuild", "suffix": "+b1", "maintainer": "K <k@x>"}}
            """);
    List<String> argv =
        SbuildRunner.command(
            d,
            "amd64",
            "bookworm",
            Path.of("/c/7/system.tar.zst"),
            Path.of("/w/src/hello_2.10-3.dsc"),
            List.of(Path.of("/w/extra/dep.deb")));
    assertEquals(
        List.of(
            "sbuild",
            "--chroot-mode=unshare",
            "--chroot=/c/7/system.tar.zst",
            "--dist=bookworm",
            "--arch=amd64",
            "--no-run-lintian",
            "--no-run-piuparts",
            "--no-run-autopkgtest",
            "--arch-any",
            "--arch-all",
            "--no-source",
            "--profiles=nocheck",
            "--build-dep-resolver=aspcud",
            "--aspcud-criteria=-removed",
            "--extra-repository=deb http://x/debian sid main",
            "--extra-package=/w/extra/dep.deb",
            "--make-binNMU=Rebuild",
            "--append-to-version=+b1",
            "--binNMU=0",
            "--maintainer=K <k@x>",
            "/w/src/hello_2.10-3.dsc"),
        argv);
  }

  @Test
  void sbuildBuildsArchAnyOnlyByDefault() throws Exception {
    SbuildTask.Data d =
        parse(SbuildTask.DEFINITION, "{\"input\": {\"source_artifact\": 5}, \"environment\": 7}");
    List<String> argv =
        SbuildRunner.command(d, "arm64", "trixie", Path.of("/t"), Path.of("/d.dsc"), List.of());
    assertTrue(argv.containsAll(List.of("--arch-any", "--no-arch-all", "--no-source")));
    assertTrue(argv.contains("--arch=arm64"));
    assertFalse(argv.stream().anyMatch(a -> a.startsWith("--make-binNMU")));
  }

  @Test
  void sbuildsConfigurationNamesItsBuildAndLogDirectories() {
    String config = SbuildRunner.config(Path.of("/w/build"), Path.of("/w/logs"));
    assertTrue(config.contains("$build_dir = '/w/build';"));
    assertTrue(config.contains("$log_dir = '/w/logs';"));
    assertTrue(config.strip().endsWith("1;"));
  }

  @Test
  void lintianRunsWithoutConfigurationAndNeverFailsByItself() throws Exception {
    LintianTask.Data d =
        parse(
            LintianTask.DEFINITION,
            """
            {"input": {"source_artifact": 5}, "environment": 7,
             "include_tags": ["a", "b"], "exclude_tags": ["c"]}
            """);
    List<String> argv = LintianRunner.command(d, List.of("hello_2.10-3.dsc", "h.changes"));
    assertEquals(
        List.of(
            "lintian",
            "--no-cfg",
            "--display-level",
            ">=classification",
            "--display-experimental",
            "--show-overrides",
            "--fail-on",
            "none",
            "--tags",
            "a,b",
            "--suppress-tags",
            "c",
            "hello_2.10-3.dsc",
            "h.changes"),
        argv);
    List<Command> install = LintianRunner.installCommands();
    assertTrue(install.stream().allMatch(Command::asRoot));
    assertEquals(List.of("apt-get", "-q", "update"), install.get(0).argv());
    assertTrue(install.get(1).argv().contains("lintian"));
  }

  @Test
  void lintiansOutputBecomesDebusinesSummary() {
    ObjectNode s =
        LintianRunner.summary(
            List.of(
                "E: hello: binary-without-manpage usr/bin/x",
                "W: hello source: newer-standards-version 4.6.2",
                "I: hello: spelling-error-in-binary teh the",
                "P: hello source: silent-on-rules-requiring-root",
                "O: hello: some-overridden-tag",
                "C: hello: elf-executable",
                "N: a note that is no tag",
                "hello.changes: nothing"),
            Map.of("hello", "hello_2.10-3.dsc"),
            "2.116.3",
            "debian:bookworm");
    ObjectNode c = (ObjectNode) s.path("tags_count_by_severity");
    assertEquals(1, c.path("error").asInt());
    assertEquals(1, c.path("warning").asInt());
    assertEquals(1, c.path("info").asInt());
    assertEquals(1, c.path("pedantic").asInt());
    assertEquals(0, c.path("experimental").asInt());
    assertEquals(1, c.path("overridden").asInt());
    assertEquals(1, c.path("classification").asInt());
    assertEquals(
        "[\"binary-without-manpage\",\"elf-executable\",\"newer-standards-version\","
            + "\"silent-on-rules-requiring-root\",\"spelling-error-in-binary\"]",
        s.path("tags_found").toString());
    assertEquals("[\"some-overridden-tag\"]", s.path("overridden_tags_found").toString());
    assertEquals("2.116.3", s.path("lintian_version").asText());
    assertEquals("hello_2.10-3.dsc", s.path("package_filename").path("hello").asText());

    assertFalse(LintianRunner.failed(s, null));
    assertFalse(LintianRunner.failed(s, LintianTask.Severity.NONE));
    assertTrue(LintianRunner.failed(s, LintianTask.Severity.ERROR));
    ObjectNode onlyInfo =
        LintianRunner.summary(List.of("I: hello: x"), Map.of(), "2", "debian:sid");
    assertFalse(LintianRunner.failed(onlyInfo, LintianTask.Severity.WARNING));
    assertTrue(LintianRunner.failed(onlyInfo, LintianTask.Severity.INFO));
    assertTrue(LintianRunner.failed(onlyInfo, LintianTask.Severity.PEDANTIC));
  }
}
