package dev.kiln.agent.taskio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Deb822Test {

  private static final String CHANGES =
      """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA512

      Format: 1.8
      Source: hello
      Architecture: amd64
      Version: 2.10-3
      Description:
       hello      - example package
       .
       more
      Files:
       0123 53000 devel optional hello_2.10-3_amd64.deb
       4567 9000 debug optional hello-dbgsym_2.10-3_amd64.deb
      Checksums-Sha256:
       abcd 53000 hello_2.10-3_amd64.deb
      -----BEGIN PGP SIGNATURE-----

      iQIzBAEBCgAdFiEE
      -----END PGP SIGNATURE-----
      """;

  @Test
  void aSignedChangesFileIsOneParagraphWithItsFileLists() {
    List<Map<String, String>> paragraphs = Deb822.paragraphs(CHANGES);
    assertEquals(1, paragraphs.size());
    Map<String, String> p = paragraphs.get(0);
    assertEquals("hello", p.get("Source"));
    assertEquals("\nhello      - example package\n\nmore", p.get("Description"));
    assertEquals(
        List.of("hello_2.10-3_amd64.deb", "hello-dbgsym_2.10-3_amd64.deb"), Deb822.fileNames(p));
    ObjectNode json = Deb822.toJson(p);
    assertEquals("amd64", json.path("Architecture").asText());
    assertEquals("0123", json.path("Files").get(0).path("md5sum").asText());
    assertEquals(53000, json.path("Files").get(0).path("size").asLong());
    assertEquals("devel", json.path("Files").get(0).path("section").asText());
    assertEquals("abcd", json.path("Checksums-Sha256").get(0).path("sha256").asText());
    assertEquals(
        "hello_2.10-3_amd64.deb", json.path("Checksums-Sha256").get(0).path("name").asText());
  }

  @Test
  void paragraphsAreSeparatedByBlankLines() {
    List<Map<String, String>> p = Deb822.paragraphs("A: 1\nB: 2\n\n\nA: 3\n");
    assertEquals(List.of(Map.of("A", "1", "B", "2"), Map.of("A", "3")), p);
  }
}
