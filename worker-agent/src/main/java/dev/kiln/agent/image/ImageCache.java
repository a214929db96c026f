package dev.kiln.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Executor;
import dev.kiln.agent.executor.PreparedImage;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The environment images of this worker, after Debusine's {@code ImageCache}: each environment
 * artifact is downloaded once into {@code <root>/<artifact id>/<file>} (to a temporary name, its
 * SHA-256 verified while streaming, then renamed), prepared once per backend under {@code
 * <root>/<artifact id>/backends/<backend>/}, and its uses are recorded in {@code usage.json}, so
 * that the order survives restarts. After each use the cache keeps the {@code limit} most recently
 * used images and evicts the others: each backend that prepared one cleans up after it (e.g. {@code
 * incus image delete}), then its directory is removed. Images with a missing or unreadable usage
 * log are evicted first.
 *
 * <p>Concurrency: one lock per image, held while it is downloaded and prepared — within this JVM
 * and, through a file lock under {@code <root>/locks/}, between processes sharing the directory —
 * so concurrent requests download once. An image is not evicted while it is locked or while a
 * {@link CachedImage} of this JVM holds it.
 */
public final class ImageCache {

  private static final Logger LOG = Logger.getLogger(ImageCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The default number of images kept, as in Debusine. */
  public static final int DEFAULT_LIMIT = 10;

  /** How many uses each usage log keeps. */
  static final int USES_KEPT = 10;

  private final Path root;
  private final int limit;
  private final ImageSource source;
  private final Map<Backend, Executor> executors = new EnumMap<>(Backend.class);
  private final LongSupplier clock;
  private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<Long, Integer> leases = new ConcurrentHashMap<>();
  private final ReentrantLock global = new ReentrantLock();
  private long lastStamp; // guarded by global

  /**
   * @param root the cache directory
   * @param limit how many images to keep
   * @param executors the backends images are prepared for
   * @param clock the time of a use, in milliseconds
   */
  public ImageCache(
      Path root,
      int limit,
      ImageSource source,
      Collection<? extends Executor> executors,
      LongSupplier clock)
      throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("the image cache must hold at least 1 image");
    }
    this.root = root;
    this.limit = limit;
    this.source = source;
    this.clock = clock;
    executors.forEach(e -> this.executors.put(e.backend(), e));
    Files.createDirectories(root.resolve("locks"));
  }

  /** An image in use: not evicted by this JVM until closed. */
  public final class CachedImage implements AutoCloseable {
    private final PreparedImage image;
    private boolean closed;

    private CachedImage(PreparedImage image) {
      this.image = image;
    }

    public PreparedImage image() {
      return image;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        leases.computeIfPresent(image.artifactId(), (k, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  /**
   * The image of an environment artifact, prepared for a backend: downloaded and prepared if
   * needed, its use recorded; then other images beyond the limit are evicted.
   *
   * @param token the work request's token, to read the artifact with
   */
  public CachedImage get(long artifactId, Backend backend, String token)
      throws IOException, InterruptedException {
    Backend resolved = Backend.resolve(backend);
    Executor executor = executors.get(resolved);
    if (executor == null) {
      throw new IOException("no executor backend " + resolved + " on this worker");
    }
    CachedImage cached;
    ReentrantLock lock = locks.computeIfAbsent(artifactId, k -> new ReentrantLock());
    lock.lockInterruptibly();
    try (FileChannel channel = lockFile(artifactId);
        FileLock ignored = channel.lock()) {
      Path dir = root.resolve(Long.toString(artifactId));
      Files.createDirectories(dir);
      JsonNode meta = downloaded(artifactId, dir, token);
      Path file = dir.resolve(meta.path("file").asText());
      String architecture = meta.path("architecture").asText();
      Path backendDir = dir.resolve("backends").resolve(resolved.wire());
      PreparedImage image = new PreparedImage(artifactId, resolved, backendDir, file, architecture);
      Path marker = dir.resolve("backends").resolve(resolved.wire() + ".prepared");
      if (!Files.exists(marker)) {
        prepare(executor, image, marker);
      }
      recordUse(dir, resolved);
      leases.merge(artifactId, 1, Integer::sum);
      cached = new CachedImage(image);
    } finally {
      lock.unlock();
    }
    try {
      evict();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("evicting images failed: %s", e.toString());
    }
    return cached;
  }

  /** The image's description, downloading and verifying it first when it is not here yet. */
  private JsonNode downloaded(long artifactId, Path dir, String token)
      throws IOException, InterruptedException {
    Path metaFile = dir.resolve("image.json");
    if (Files.exists(metaFile)) {
      try {
        JsonNode meta = JSON.readTree(metaFile.toFile());
        if (Files.isRegularFile(dir.resolve(meta.path("file").asText()))) {
          return meta;
        }
      } catch (IOException e) {
        LOG.warnf("image %d: unreadable %s, downloading again", artifactId, metaFile);
      }
    }
    ImageSource.ImageFile file = source.describe(artifactId, token);
    String local = localName(file.path());
    Path part = dir.resolve(local + ".part");
    LOG.infof("image %d: downloading %s (%d bytes)", artifactId, file.path(), file.size());
    try {
      source.download(artifactId, file, token, part);
      try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
        written.force(true); // on disk before image.json says it is there
      }
      moveAtomically(part, dir.resolve(local));
    } finally {
      Files.deleteIfExists(part);
    }
    ObjectNode meta = JSON.createObjectNode();
    meta.put("file", local);
    meta.put("path", file.path());
    meta.put("size", file.size());
    meta.put("sha256", file.sha256());
    meta.put("architecture", file.architecture());
    writeAtomically(metaFile, meta);
    return meta;
  }

  private void prepare(Executor executor, PreparedImage image, Path marker)
      throws IOException, InterruptedException {
    if (Files.exists(image.dir())) {
      // what an earlier, interrupted preparation left
      cleanUpQuietly(executor, image);
      deleteTree(image.dir());
    }
    Files.createDirectories(image.dir());
    LOG.infof("image %d: preparing for %s", image.artifactId(), image.backend());
    try {
      executor.prepare(image);
    } catch (IOException | InterruptedException | RuntimeException e) {
      cleanUpQuietly(executor, image);
      deleteTree(image.dir());
      throw e;
    }
    Files.writeString(marker, "");
  }

  /** Appends a use to the image's usage log (the last {@value #USES_KEPT} are kept). */
  private void recordUse(Path dir, Backend backend) throws IOException {
    Usage usage = readUsage(dir);
    List<Long> uses = new ArrayList<>(usage == null ? List.of() : usage.uses());
    Set<String> backends = new LinkedHashSet<>(usage == null ? Set.of() : usage.backends());
    uses.add(stamp());
    backends.add(backend.wire());
    ObjectNode out = JSON.createObjectNode();
    uses.subList(Math.max(0, uses.size() - USES_KEPT), uses.size())
        .forEach(out.putArray("uses")::add);
    backends.forEach(out.putArray("backends")::add);
    writeAtomically(dir.resolve("usage.json"), out);
  }

  /** A time stamp later than every earlier one, so that uses order strictly. */
  private long stamp() throws IOException {
    global.lock();
    try {
      if (lastStamp == 0) {
        for (Entry e : entries()) {
          lastStamp = Math.max(lastStamp, e.lastUse());
        }
      }
      lastStamp = Math.max(clock.getAsLong(), lastStamp + 1);
      return lastStamp;
    } finally {
      global.unlock();
    }
  }

  record Usage(List<Long> uses, Set<String> backends) {}

  static Usage readUsage(Path dir) {
    try {
      JsonNode node = JSON.readTree(dir.resolve("usage.json").toFile());
      List<Long> uses = new ArrayList<>();
      node.path("uses").forEach(u -> uses.add(u.asLong()));
      Set<String> backends = new LinkedHashSet<>();
      node.path("backends").forEach(b -> backends.add(b.asText()));
      return uses.isEmpty() ? null : new Usage(uses, backends);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private record Entry(long artifactId, Path dir, long lastUse) {}

  private List<Entry> entries() throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!name.matches("[0-9]+") || !Files.isDirectory(dir)) {
          continue;
        }
        Usage usage = readUsage(dir);
        long last = usage == null ? Long.MIN_VALUE : usage.uses().get(usage.uses().size() - 1);
        entries.add(new Entry(Long.parseLong(name), dir, last));
      }
    }
    return entries;
  }

  /** The cached images, most recently used first. */
  public List<Long> cached() throws IOException {
    return entries().stream()
        .sorted(Comparator.comparingLong(Entry::lastUse).reversed())
        .map(Entry::artifactId)
        .toList();
  }

  /** Evicts the least recently used images beyond the limit (not the locked or leased ones). */
  void evict() throws IOException {
    global.lock();
    try (FileChannel channel =
            FileChannel.open(
                root.resolve("locks/cache.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      List<Entry> entries = new ArrayList<>(entries());
      entries.sort(Comparator.comparingLong(Entry::lastUse).reversed());
      for (Entry e : entries.subList(Math.min(limit, entries.size()), entries.size())) {
        try {
          evict(e);
        } catch (IOException | RuntimeException failure) {
          LOG.warnf("evicting image %d failed: %s", e.artifactId(), failure.toString());
        }
      }
    } finally {
      global.unlock();
    }
  }

  private void evict(Entry e) throws IOException {
    if (leases.containsKey(e.artifactId())) {
      LOG.debugf("image %d is in use: not evicting it", e.artifactId());
      return;
    }
    ReentrantLock lock = locks.computeIfAbsent(e.artifactId(), k -> new ReentrantLock());
    if (!lock.tryLock()) {
      return;
    }
    try (FileChannel channel = lockFile(e.artifactId());
        FileLock fileLock = channel.tryLock()) {
      if (fileLock == null) {
        return; // another process is downloading or preparing it
      }
      LOG.infof("image %d: evicting (least recently used)", e.artifactId());
      JsonNode meta = null;
      try {
        meta = JSON.readTree(e.dir().resolve("image.json").toFile());
      } catch (IOException | RuntimeException ignoredMeta) {
        // never completed: nothing of a backend can be there beyond its directory
      }
      Path backends = e.dir().resolve("backends");
      if (Files.isDirectory(backends)) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(backends, Files::isDirectory)) {
          for (Path dir : dirs) {
            Backend backend;
            try {
              backend = Backend.fromWire(dir.getFileName().toString());
            } catch (IllegalArgumentException unknown) {
              continue;
            }
            Executor executor = executors.get(backend);
            if (executor != null) {
              PreparedImage image =
                  new PreparedImage(
                      e.artifactId(),
                      backend,
                      dir,
                      meta == null ? e.dir() : e.dir().resolve(meta.path("file").asText()),
                      meta == null ? "" : meta.path("architecture").asText());
              cleanUpQuietly(executor, image);
            }
          }
        }
      }
      deleteTree(e.dir());
    } finally {
      lock.unlock();
    }
  }

  private FileChannel lockFile(long artifactId) throws IOException {
    return FileChannel.open(
        root.resolve("locks").resolve(artifactId + ".lock"),
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
  }

  private static void cleanUpQuietly(Executor executor, PreparedImage image) {
    try {
      executor.cleanUp(image);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("%s could not clean up image %d: %s", image.backend(), image.artifactId(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A file name for the image: the last segment of its path in the artifact. */
  static String localName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty() || name.startsWith(".") || !name.matches("[A-Za-z0-9._+-]+")) {
      return "image";
    }
    return name.equals("image.json") || name.equals("usage.json") ? "image-" + name : name;
  }

  /** Writes to a temporary file, forces it to disk, then renames it over the target. */
  private static void writeAtomically(Path target, JsonNode content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(content)));
      out.force(true);
    }
    moveAtomically(tmp, target);
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> failed = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          failed.add(p);
        }
      }
    }
    if (!failed.isEmpty()) {
      throw new IOException("could not remove " + failed.size() + " files, e.g. " + failed.get(0));
    }
  }
}
