package dev.kiln.agent.task.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.agent.executor.Command;
import dev.kiln.task.external.worker.BlhcTask;
import dev.kiln.task.external.worker.DebdiffTask;
import dev.kiln.task.external.worker.MakeSourcePackageUploadTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Command lines of makesourcepackageupload, mergeuploads, blhc and debdiff. */
class MoreCommandLinesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void makesourcepackageuploadUnpacksThenMakesASourceOnlyChanges() throws Exception {
    var d =
        (MakeSourcePackageUploadTask.Data)
            MakeSourcePackageUploadTask.DEFINITION.parseData(
                JSON.readTree(
                    """
                    {"input": {"source_artifact": 3}, "environment": 1,
                     "since_version": "2.10-2", "target_distribution": "bookworm-backports"}
                    """));
    String changes = MakeSourcePackageUploadRunner.changesName("hello", "1:2.10-3");
    assertEquals("hello_2.10-3_source.changes", changes);
    List<Command> commands = MakeSourcePackageUploadRunner.commands(d, "hello_2.10-3.dsc", changes);
    assertEquals(
        List.of("dpkg-source", "--no-check", "-x", "hello_2.10-3.dsc", "unpacked"),
        commands.get(0).argv());
    assertEquals(
        List.of(
            "dpkg-genchanges",
            "-S",
            "-v2.10-2",
            "-DDistribution=bookworm-backports",
            "-O../hello_2.10-3_source.changes"),
        commands.get(1).argv());
    assertEquals(MakeSourcePackageUploadRunner.DIR + "/unpacked", commands.get(1).cwd());
    assertTrue(commands.stream().noneMatch(Command::asRoot));
    assertTrue(commands.stream().noneMatch(Command::network));
  }

  @Test
  void mergeuploadsNamesTheMergedUploadAfterTheSourceVersion() {
    assertEquals(
        "hello_2.10-3_multi.changes",
        MergeUploadsRunner.mergedName(Map.of("Source", "hello", "Version", "1:2.10-3")));
    assertEquals(
        "hello_2.10-3+b1_multi.changes",
        MergeUploadsRunner.mergedName(Map.of("Source", "hello (2.10-3)", "Version", "2.10-3+b1")));
    assertEquals(
        List.of("mergechanges", "a_source.changes", "a_amd64.changes"),
        MergeUploadsRunner.command(List.of("a_source.changes", "a_amd64.changes")));
  }

  @Test
  void blhcChecksTheBuildLogWithTheExtraFlags() throws Exception {
    var d =
        (BlhcTask.Data)
            BlhcTask.DEFINITION.parseData(
                JSON.readTree(
                    "{\"input\": {\"artifact\": 4}, \"extra_flags\": [\"--bindnow\", \"--pie\"]}"));
    assertEquals(
        List.of("blhc", "--bindnow", "--pie", "input.buildlog"),
        BlhcRunner.command(d, "input.buildlog"));
  }

  @Test
  void debdiffComparesDscsOrChangesDirectlyAndDebsWithFromAndTo() throws Exception {
    var d =
        (DebdiffTask.Data)
            DebdiffTask.DEFINITION.parseData(
                JSON.readTree(
                    "{\"input\": {\"source_artifacts\": [1, 2]}, \"environment\": 9,"
                        + " \"extra_flags\": [\"--nocontrol\"]}"));
    assertEquals(
        List.of("debdiff", "--nocontrol", "original/a_1.dsc", "new/a_2.dsc"),
        DebdiffRunner.command(
            d,
            List.of("original/a_1.orig.tar.gz", "original/a_1.dsc"),
            List.of("new/a_2.dsc", "new/a_2.debian.tar.xz")));
    assertEquals(
        List.of(
            "debdiff",
            "--nocontrol",
            "--from",
            "original/a_1.deb",
            "original/b_1.deb",
            "--to",
            "new/a_2.deb"),
        DebdiffRunner.command(
            d, List.of("original/a_1.deb", "original/b_1.deb"), List.of("new/a_2.deb")));
  }

  @Test
  void toolsInAnEnvironmentAreInstalledAsRootFirst() {
    List<Command> install = ToolRun.installCommands(List.of("devscripts"));
    assertEquals(3, install.size());
    assertTrue(install.stream().allMatch(Command::asRoot));
    assertEquals(
        List.of("apt-get", "-q", "-y", "--no-install-recommends", "install", "devscripts"),
        install.get(1).argv());
    assertEquals("noninteractive", install.get(1).env().get("DEBIAN_FRONTEND"));
  }
}
