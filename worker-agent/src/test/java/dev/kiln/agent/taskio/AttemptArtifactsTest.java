package dev.kiln.agent.taskio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptArtifactsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** An artifact store in memory: what was created and related. */
  static final class MemoryStore implements ArtifactStore {
    final Map<Long, ObjectNode> artifacts = new LinkedHashMap<>();
    final Map<Long, Map<String, String>> content = new LinkedHashMap<>();
    final List<String> relations = new ArrayList<>();
    long next = 100;

    @Override
    public String token() {
      return "t";
    }

    @Override
    public JsonNode describe(long artifactId) throws IOException {
      ObjectNode a = artifacts.get(artifactId);
      if (a == null) {
        throw new IOException("no artifact " + artifactId);
      }
      return a;
    }

    @Override
    public void download(long artifactId, String path, long size, String sha256, Path target)
        throws IOException {
      Files.writeString(target, content.get(artifactId).get(path));
    }

    @Override
    public long create(String category, JsonNode data, Map<String, Path> files) throws IOException {
      long id = next++;
      ObjectNode a = JSON.createObjectNode().put("id", id).put("category", category);
      a.set("data", data);
      ObjectNode f = a.putObject("files");
      Map<String, String> c = new LinkedHashMap<>();
      for (Map.Entry<String, Path> e : files.entrySet()) {
        String text = Files.readString(e.getValue());
        f.putObject(e.getKey()).put("size", text.length()).put("sha256", "x");
        c.put(e.getKey(), text);
      }
      artifacts.put(id, a);
      content.put(id, c);
      return id;
    }

    @Override
    public void relate(long artifactId, long targetId, Relation type) {
      relations.add(artifactId + " " + type.wire() + " " + targetId);
    }
  }

  @Test
  void downloadsRecordInputsAndUploadsRecordOutputsWithTheirRelations() throws Exception {
    MemoryStore store = new MemoryStore();
    Path src = Files.writeString(dir.resolve("hello.dsc"), "Source: hello\n");
    long source =
        store.create(
            "debian:source-package",
            JSON.createObjectNode(),
            Map.of("hello.dsc", src, "sub/hello.tar.xz", src));
    AttemptArtifacts artifacts = new AttemptArtifacts(store);

    AttemptArtifacts.Downloaded dl = artifacts.download(source, dir.resolve("in"));
    assertEquals("debian:source-package", dl.category());
    assertEquals("Source: hello\n", Files.readString(dl.fileEndingWith(".dsc")));
    assertEquals(dir.resolve("in/sub/hello.tar.xz"), dl.files().get("sub/hello.tar.xz"));
    artifacts.usedInput(7);

    Path deb = Files.writeString(dir.resolve("hello.deb"), "deb");
    long binary =
        artifacts.upload(
            "debian:binary-package",
            JSON.createObjectNode(),
            Map.of("hello.deb", deb),
            List.of(
                new Related(Relation.BUILT_USING, source), new Related(Relation.BUILT_USING, 7)));
    artifacts.relateToInputs(999, Relation.RELATES_TO);

    assertEquals(List.of(source, 7L), artifacts.inputs());
    assertEquals(List.of(binary), artifacts.outputs());
    assertEquals(
        List.of(
            binary + " built-using " + source,
            binary + " built-using 7",
            "999 relates-to " + source,
            "999 relates-to 7"),
        store.relations);
  }

  @Test
  void aFileNamedOutsideTheArtifactIsRefused() throws Exception {
    MemoryStore store = new MemoryStore();
    Path f = Files.writeString(dir.resolve("f"), "x");
    long id = store.create("kiln:generic", JSON.createObjectNode(), Map.of("../escape", f));
    AttemptArtifacts artifacts = new AttemptArtifacts(store);
    assertThrows(IOException.class, () -> artifacts.download(id, dir.resolve("in")));
    assertEquals(List.of(), artifacts.inputs());
  }
}
