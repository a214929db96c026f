package dev.kiln.workflow.domain.servertask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stanzas and the Release file, byte for byte. */
class SuiteIndexesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void poolDirectoriesFollowDebiansLayout() {
    assertEquals("pool/main/h/hello", SuiteIndexes.poolDirectory("main", "hello"));
    assertEquals("pool/contrib/libf/libfoo", SuiteIndexes.poolDirectory("contrib", "libfoo"));
    assertEquals("pool/main/l/lib", SuiteIndexes.poolDirectory("main", "lib"));
  }

  @Test
  void aPackagesStanzaPutsPackageFirstAndTheFileLast() throws Exception {
    StringWriter out = new StringWriter();
    SuiteIndexes.packagesStanza(
        out,
        "main",
        json(
            "{'srcpkg_name': 'hello-src', 'deb_fields': {'Version': '1.0', 'Package': 'hello',"
                + " 'Size': '999', 'Description': 'greets\\n the world\\n\\n more'}}"),
        "hello_1.0_amd64.deb",
        json("{'size': 42, 'sha256': 'ab12'}"));
    assertEquals(
        "Package: hello\nVersion: 1.0\nDescription: greets\n the world\n .\n more\n"
            + "Filename: pool/main/h/hello-src/hello_1.0_amd64.deb\nSize: 42\nSHA256: ab12\n\n",
        out.toString());
  }

  @Test
  void aSourcesStanzaRenamesSourceAndListsTheChecksums() throws Exception {
    StringWriter out = new StringWriter();
    SuiteIndexes.sourcesStanza(
        out,
        "main",
        json("{'name': 'hello', 'dsc_fields': {'Source': 'hello', 'Version': '1.0'}}"),
        json(
            "{'hello_1.0.dsc': {'size': 10, 'sha256': 'aa'}, 'hello_1.0.tar.xz': {'size': 20,"
                + " 'sha256': 'bb'}}"));
    assertEquals(
        "Package: hello\nVersion: 1.0\nDirectory: pool/main/h/hello\nChecksums-Sha256:\n"
            + " aa 10 hello_1.0.dsc\n bb 20 hello_1.0.tar.xz\n\n",
        out.toString());
  }

  @Test
  void theReleaseListsEveryIndexWithSizeAndChecksums() throws Exception {
    StringWriter out = new StringWriter();
    SuiteIndexes.release(
        out,
        "bookworm",
        "bookworm",
        Instant.parse("2026-12-01T10:15:30Z"),
        List.of("amd64", "arm64"),
        List.of("main"),
        List.of(
            new SuiteIndexes.IndexFile("main/source/Sources", 5, "m1", "s1"),
            new SuiteIndexes.IndexFile("main/binary-amd64/Packages", 7, "m2", "s2")));
    assertEquals(
        "Suite: bookworm\nCodename: bookworm\nDate: Tue, 01 Dec 2026 10:15:30 UTC\n"
            + "Architectures: amd64 arm64\nComponents: main\nMD5Sum:\n m1 5 main/source/Sources\n"
            + " m2 7 main/binary-amd64/Packages\nSHA256:\n s1 5 main/source/Sources\n"
            + " s2 7 main/binary-amd64/Packages\n",
        out.toString());
  }
}
