package dev.kiln.agent.taskio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian control files (deb822: {@code .dsc}, {@code .changes}, {@code DEBIAN/control}, {@code
 * /var/lib/dpkg/status}) read as paragraphs of fields. An OpenPGP clear-signature armour around the
 * paragraph is skipped. Multi-line values keep their continuation lines (leading space removed,
 * {@code .} lines as empty lines) joined by newlines, the first line being what follows the colon.
 */
public final class Deb822 {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Deb822() {}

  /** The paragraphs of a file. */
  public static List<Map<String, String>> paragraphs(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return paragraphs(r);
    }
  }

  /** The paragraphs of a text. */
  public static List<Map<String, String>> paragraphs(String text) {
    try {
      return paragraphs(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first paragraph of a file (a {@code .dsc} or {@code .changes}). */
  public static Map<String, String> paragraph(Path file) throws IOException {
    List<Map<String, String>> all = paragraphs(file);
    if (all.isEmpty()) {
      throw new IOException(file + " holds no control paragraph");
    }
    return all.get(0);
  }

  private static List<Map<String, String>> paragraphs(Reader reader) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String field = null;
    boolean inSignature = false;
    BufferedReader in = new BufferedReader(reader);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("-----BEGIN PGP SIGNED MESSAGE")) {
        // the armour header lines ("Hash: ...") end at the first empty line
        while ((line = in.readLine()) != null && !line.isEmpty()) {}
        continue;
      }
      if (line.startsWith("-----BEGIN PGP SIGNATURE")) {
        inSignature = true;
        continue;
      }
      if (inSignature) {
        if (line.startsWith("-----END PGP SIGNATURE")) {
          inSignature = false;
        }
        continue;
      }
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          out.add(current);
          current = new LinkedHashMap<>();
        }
        field = null;
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if (field != null) {
          String more = line.strip();
          current.merge(field, more.equals(".") ? "" : more, (a, b) -> a + "\n" + b);
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      field = line.substring(0, colon);
      current.put(field, line.substring(colon + 1).strip());
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * A paragraph as a JSON object of strings, except the file lists ({@code Files}, {@code
   * Checksums-Sha1}, {@code Checksums-Sha256}) which become arrays of objects with {@code name},
   * {@code size} and the checksum ({@code md5sum}, {@code sha1}, {@code sha256}; {@code Files} of a
   * {@code .changes} also has {@code section} and {@code priority}).
   */
  public static ObjectNode toJson(Map<String, String> paragraph) {
    ObjectNode o = JSON.createObjectNode();
    for (Map.Entry<String, String> f : paragraph.entrySet()) {
      String checksum =
          switch (f.getKey()) {
            case "Files" -> "md5sum";
            case "Checksums-Sha1" -> "sha1";
            case "Checksums-Sha256" -> "sha256";
            default -> null;
          };
      if (checksum == null) {
        o.put(f.getKey(), f.getValue());
        continue;
      }
      ArrayNode files = o.putArray(f.getKey());
      for (String entry : f.getValue().split("\n")) {
        String[] parts = entry.strip().split("\\s+");
        if (parts.length < 3) {
          continue;
        }
        ObjectNode file = files.addObject();
        file.put(checksum, parts[0]);
        file.put("size", Long.parseLong(parts[1]));
        if (parts.length >= 5) {
          file.put("section", parts[2]);
          file.put("priority", parts[3]);
        }
        file.put("name", parts[parts.length - 1]);
      }
    }
    return o;
  }

  /** The names listed in a paragraph's {@code Files} field. */
  public static List<String> fileNames(Map<String, String> paragraph) {
    List<String> names = new ArrayList<>();
    for (JsonNode f : toJson(paragraph).path("Files")) {
      names.add(f.path("name").asText());
    }
    return names;
  }
}
