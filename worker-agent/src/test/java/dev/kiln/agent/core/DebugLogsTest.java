package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.agent.taskio.CommandLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The debug-logs artifact of an attempt holds the task's log and every command's log. */
class DebugLogsTest {

  @TempDir Path dir;

  @Test
  void theTaskLogAndTheCommandLogsAreUploadedUnderTheirNames() throws Exception {
    Path log = dir.resolve("sbuild.log");
    try (CommandLog commands = new CommandLog(log, dir)) {
      commands.line("sbuild: start");
      Files.writeString(commands.stepFile("sbuild"), "building\n");
      Files.writeString(commands.stepFile("dpkg-deb-hello.deb"), "ok\n");
    }
    Map<String, Path> logs = TaskRunner.debugLogs(log, dir);
    assertEquals(
        List.of("sbuild.log", "debug-logs/dpkg-deb-hello.deb.log", "debug-logs/sbuild.log"),
        List.copyOf(logs.keySet()));
    assertEquals("building\n", Files.readString(logs.get("debug-logs/sbuild.log")));
  }

  @Test
  void aTaskThatWroteNothingHasNoDebugLogs() {
    assertEquals(Map.of(), TaskRunner.debugLogs(dir.resolve("noop.log"), dir));
  }
}
