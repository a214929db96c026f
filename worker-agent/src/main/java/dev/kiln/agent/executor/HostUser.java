package dev.kiln.agent.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The host user that owns user namespaces for the unshare backend, with its subordinate ID ranges
 * ({@code /etc/subuid}, {@code /etc/subgid}).
 *
 * @param name its name
 * @param uid its user id
 * @param gid its primary group id
 * @param subUids its first range in {@code /etc/subuid}, if any
 * @param subGids its first range in {@code /etc/subgid}, if any
 */
public record HostUser(
    String name, long uid, long gid, Optional<Range> subUids, Optional<Range> subGids) {

  /** A range of subordinate ids: {@code count} ids from {@code start}. */
  public record Range(long start, long count) {}

  /** The user the agent runs as. */
  public static HostUser current() throws IOException {
    return of(id("-un"), Long.parseLong(id("-u")), Long.parseLong(id("-g")));
  }

  /** A user of this host, by name. */
  public static HostUser named(String name) throws IOException {
    return of(name, Long.parseLong(id("-u", name)), Long.parseLong(id("-g", name)));
  }

  static HostUser of(String name, long uid, long gid) throws IOException {
    return new HostUser(
        name,
        uid,
        gid,
        range(Path.of("/etc/subuid"), name, uid),
        range(Path.of("/etc/subgid"), name, uid));
  }

  public boolean isRoot() {
    return uid == 0;
  }

  /** The first range of {@code name} (or of its numeric id) in a subuid/subgid file. */
  static Optional<Range> range(Path file, String name, long uid) throws IOException {
    if (!Files.isReadable(file)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split(":");
      if (f.length == 3 && (f[0].equals(name) || f[0].equals(Long.toString(uid)))) {
        try {
          return Optional.of(new Range(Long.parseLong(f[1]), Long.parseLong(f[2])));
        } catch (NumberFormatException e) {
          // a malformed line: look on
        }
      }
    }
    return Optional.empty();
  }

  private static String id(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("id");
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("id did not answer");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException("id " + String.join(" ", args) + ": " + out);
    }
    return out;
  }
}
