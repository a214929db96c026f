package dev.kiln.workflow.domain.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a {@code debian:suite}'s indexes are written (plain Java, streamed to a {@link Writer}):
 * stanzas of {@code Packages} and {@code Sources} from the packages' artifact data and files, and
 * the {@code Release} file with the size and checksums of each index. Pool paths follow Debian's
 * layout: {@code pool/<component>/<prefix>/<source>/}, the prefix being {@code libX} for {@code
 * lib*} sources and the first letter otherwise.
 */
public final class SuiteIndexes {

  private SuiteIndexes() {}

  /** A written index: its path under {@code dists/<suite>/}, size and checksums. */
  public record IndexFile(String path, long size, String md5, String sha256) {}

  /** The pool directory of a source package. */
  public static String poolDirectory(String component, String source) {
    String prefix =
        source.startsWith("lib") && source.length() > 3
            ? source.substring(0, 4)
            : source.substring(0, 1);
    return "pool/" + component + "/" + prefix + "/" + source;
  }

  /**
   * A {@code Packages} stanza: the {@code deb_fields} ({@code Package} first), then {@code
   * Filename}, {@code Size} and {@code SHA256} of the {@code .deb}.
   *
   * @param data the {@code debian:binary-package} artifact data
   * @param debName the file name of the {@code .deb}
   * @param file the artifact's view of the {@code .deb} ({@code size}, {@code sha256})
   */
  public static void packagesStanza(
      Writer out, String component, JsonNode data, String debName, JsonNode file)
      throws IOException {
    JsonNode fields = data.path("deb_fields");
    field(out, "Package", fields.path("Package").asText());
    fieldsExcept(out, fields, "Package", "Filename", "Size", "MD5sum", "SHA1", "SHA256");
    String source = data.path("srcpkg_name").asText(fields.path("Package").asText());
    field(out, "Filename", poolDirectory(component, source) + "/" + debName);
    field(out, "Size", String.valueOf(file.path("size").asLong()));
    field(out, "SHA256", file.path("sha256").asText());
    out.write('\n');
  }

  /**
   * A {@code Sources} stanza: the {@code dsc_fields} with {@code Source} renamed {@code Package},
   * {@code Directory}, and {@code Checksums-Sha256} over the artifact's files.
   *
   * @param data the {@code debian:source-package} artifact data
   * @param files the artifact's files by name ({@code size}, {@code sha256})
   */
  public static void sourcesStanza(Writer out, String component, JsonNode data, JsonNode files)
      throws IOException {
    JsonNode fields = data.path("dsc_fields");
    String name = data.path("name").asText(fields.path("Source").asText());
    field(out, "Package", name);
    fieldsExcept(
        out,
        fields,
        "Source",
        "Package",
        "Directory",
        "Files",
        "Checksums-Sha1",
        "Checksums-Sha256");
    field(out, "Directory", poolDirectory(component, name));
    out.write("Checksums-Sha256:\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      out.write(
          " "
              + f.getValue().path("sha256").asText()
              + " "
              + f.getValue().path("size").asLong()
              + " "
              + f.getKey()
              + "\n");
    }
    out.write('\n');
  }

  /** The {@code Release} file of a suite. */
  public static void release(
      Writer out,
      String suite,
      String codename,
      Instant date,
      List<String> architectures,
      List<String> components,
      List<IndexFile> indexes)
      throws IOException {
    field(out, "Suite", suite);
    field(out, "Codename", codename);
    field(
        out,
        "Date",
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
            .format(date.atOffset(ZoneOffset.UTC)));
    field(out, "Architectures", String.join(" ", architectures));
    field(out, "Components", String.join(" ", components));
    out.write("MD5Sum:\n");
    for (IndexFile f : indexes) {
      out.write(" " + f.md5() + " " + f.size() + " " + f.path() + "\n");
    }
    out.write("SHA256:\n");
    for (IndexFile f : indexes) {
      out.write(" " + f.sha256() + " " + f.size() + " " + f.path() + "\n");
    }
  }

  private static void fieldsExcept(Writer out, JsonNode fields, String... skip) throws IOException {
    List<String> skipped = List.of(skip);
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!skipped.contains(e.getKey())) {
        field(
            out,
            e.getKey(),
            e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
    }
  }

  /** {@code Name: value}, continuation lines indented by one space (an empty one as " ."). */
  static void field(Writer out, String name, String value) throws IOException {
    String[] lines = value.split("\n", -1);
    out.write(name + ": " + lines[0].strip() + "\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].startsWith(" ") ? lines[i].substring(1) : lines[i];
      out.write(" " + (line.isEmpty() ? "." : line) + "\n");
    }
  }
}
