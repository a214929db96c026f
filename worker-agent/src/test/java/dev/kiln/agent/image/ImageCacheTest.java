package dev.kiln.agent.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.core.ArtifactDownloader;
import dev.kiln.agent.executor.Availability;
import dev.kiln.agent.executor.Executor;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.PreparedImage;
import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakeArtifactService;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image cache over the real download client and a fake artifact service: download once,
 * verified; prepare once per backend; LRU order kept across restarts; eviction of files and of what
 * backends made.
 */
class ImageCacheTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "kwr1.test";

  @TempDir Path root;
  FakeArtifactService artifacts;
  RecordingExecutor unshare = new RecordingExecutor(Backend.UNSHARE);
  RecordingExecutor incus = new RecordingExecutor(Backend.INCUS_LXC);
  final AtomicLong now = new AtomicLong(1_000_000);

  /** Prepares by writing a file into the image's backend directory; records every call. */
  static final class RecordingExecutor implements Executor {
    final Backend backend;
    final List<Long> prepared = new CopyOnWriteArrayList<>();
    final List<Long> cleanedUp = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate;
    volatile boolean fail;

    RecordingExecutor(Backend backend) {
      this.backend = backend;
    }

    @Override
    public Backend backend() {
      return backend;
    }

    @Override
    public Availability availability() {
      return Availability.yes();
    }

    @Override
    public void prepare(PreparedImage image) throws IOException, InterruptedException {
      CountDownLatch g = gate;
      if (g != null) {
        g.await();
      }
      prepared.add(image.artifactId());
      Files.writeString(image.dir().resolve("unpacked"), Files.readString(image.imageFile()));
      if (fail) {
        throw new IOException("unpacking failed");
      }
    }

    @Override
    public void cleanUp(PreparedImage image) {
      cleanedUp.add(image.artifactId());
    }

    @Override
    public Instance create(PreparedImage image) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeEach
  void start() throws Exception {
    artifacts = new FakeArtifactService();
    for (long id = 1; id <= 5; id++) {
      serve(id, "content of image " + id);
    }
  }

  @AfterEach
  void stop() {
    artifacts.close();
  }

  void serve(long id, String content) {
    serve(id, content, content);
  }

  /** Serves {@code served} as the file of artifact {@code id}, declared as {@code declared}. */
  void serve(long id, String declared, String served) {
    byte[] d = declared.getBytes(StandardCharsets.UTF_8);
    ObjectNode a = JSON.createObjectNode().put("id", id).put("category", "debian:system-tarball");
    a.putObject("data").put("architecture", "amd64").put("filename", "system.tar.xz");
    a.putObject("files")
        .putObject("system.tar.xz")
        .put("size", d.length)
        .put("sha256", FakeArtifactService.sha256(d))
        .put("complete", true);
    artifacts.served.put(
        id,
        new FakeArtifactService.Served(
            a, Map.of("system.tar.xz", served.getBytes(StandardCharsets.UTF_8))));
  }

  ImageCache cache(int limit) throws IOException {
    return new ImageCache(
        root,
        limit,
        new ArtifactImageSource(new ArtifactDownloader(artifacts.url())),
        List.of(unshare, incus),
        () -> now.addAndGet(1000));
  }

  void use(ImageCache cache, long id) throws Exception {
    use(cache, id, Backend.UNSHARE);
  }

  void use(ImageCache cache, long id, Backend backend) throws Exception {
    try (ImageCache.CachedImage image = cache.get(id, backend, TOKEN)) {
      assertEquals(
          "content of image " + id, Files.readString(image.image().dir().resolve("unpacked")));
    }
  }

  @Test
  void downloadsVerifiesAndPreparesAnImageOnceThenServesItFromDisk() throws Exception {
    ImageCache cache = cache(10);
    try (ImageCache.CachedImage image = cache.get(1, Backend.AUTO, TOKEN)) {
      PreparedImage p = image.image();
      assertEquals(Backend.UNSHARE, p.backend(), "auto is unshare");
      assertEquals(root.resolve("1/system.tar.xz"), p.imageFile());
      assertEquals(root.resolve("1/backends/unshare"), p.dir());
      assertEquals("amd64", p.architecture());
      assertEquals("content of image 1", Files.readString(p.imageFile()));
    }
    use(cache, 1);
    use(cache(10), 1); // after a restart too
    assertEquals(List.of("1/system.tar.xz"), artifacts.downloads);
    assertEquals(List.of(1L), unshare.prepared);
  }

  @Test
  void eachBackendPreparesItsOwnCopyOnce() throws Exception {
    ImageCache cache = cache(10);
    use(cache, 1, Backend.UNSHARE);
    use(cache, 1, Backend.INCUS_LXC);
    use(cache, 1, Backend.INCUS_LXC);
    assertEquals(List.of(1L), unshare.prepared);
    assertEquals(List.of(1L), incus.prepared);
    assertEquals(1, artifacts.downloads.size());
    assertTrue(Files.isDirectory(root.resolve("1/backends/incus-lxc")));
  }

  @Test
  void ordersByLastUseAndKeepsTheOrderAcrossRestarts() throws Exception {
    ImageCache cache = cache(10);
    use(cache, 1);
    use(cache, 2);
    use(cache, 3);
    use(cache, 1);
    assertEquals(List.of(1L, 3L, 2L), cache.cached());
    assertEquals(List.of(1L, 3L, 2L), cache(10).cached());
  }

  @Test
  void keepsAtMostTheLimitEvictingTheLeastRecentlyUsedWithTheirFilesAndBackendCopies()
      throws Exception {
    ImageCache cache = cache(2);
    use(cache, 1);
    use(cache, 1, Backend.INCUS_LXC);
    use(cache, 2);
    use(cache, 1); // 2 is now the least recently used
    use(cache, 3);
    assertEquals(List.of(3L, 1L), cache.cached());
    assertFalse(Files.exists(root.resolve("2")), "the evicted image's files are gone");
    assertEquals(List.of(2L), unshare.cleanedUp);
    assertEquals(List.of(), incus.cleanedUp, "incus never prepared image 2");
    use(cache, 4);
    assertEquals(List.of(4L, 3L), cache.cached());
    assertFalse(Files.exists(root.resolve("1")));
    assertEquals(List.of(2L, 1L), unshare.cleanedUp);
    assertEquals(List.of(1L), incus.cleanedUp, "each backend that prepared it cleans up");
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(
          List.of("3", "4", "locks"), left.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void anImageInUseIsNotEvictedUntilReleased() throws Exception {
    ImageCache cache = cache(1);
    ImageCache.CachedImage held = cache.get(1, Backend.UNSHARE, TOKEN);
    use(cache, 2);
    assertTrue(Files.isDirectory(root.resolve("1")), "held: kept beyond the limit");
    held.close();
    use(cache, 3);
    assertEquals(List.of(3L), cache.cached());
  }

  @Test
  void anImageWithoutAUsageLogIsEvictedFirst() throws Exception {
    ImageCache cache = cache(2);
    use(cache, 1);
    use(cache, 2);
    Files.delete(root.resolve("1/usage.json"));
    Files.writeString(root.resolve("2/usage.json"), "{not json");
    use(cache, 3);
    assertEquals(List.of(3L, 2L), cache.cached(), "2 stays: the limit is 2");
    use(cache, 4);
    assertEquals(List.of(4L, 3L), cache.cached());
  }

  @Test
  void aCorruptedDownloadIsRejectedAndNotCached() throws Exception {
    serve(5, "content of image 5", "content of image 5 but tampered");
    ImageCache cache = cache(10);
    assertThrows(
        ArtifactDownloader.CorruptDownloadException.class,
        () -> cache.get(5, Backend.UNSHARE, TOKEN));
    assertEquals(List.of(), unshare.prepared, "nothing prepared from it");
    try (Stream<Path> files = Files.list(root.resolve("5"))) {
      assertEquals(List.of(), files.toList(), "no file, no partial download left");
    }
    serve(5, "content of image 5");
    use(cache, 5);
    assertEquals(List.of("5/system.tar.xz", "5/system.tar.xz"), artifacts.downloads);
  }

  @Test
  void aShortDownloadIsRejectedToo() throws Exception {
    serve(5, "content of image 5", "content");
    assertThrows(
        ArtifactDownloader.CorruptDownloadException.class,
        () -> cache(10).get(5, Backend.UNSHARE, TOKEN));
    assertFalse(Files.exists(root.resolve("5/system.tar.xz")));
  }

  @Test
  void aFailedPreparationLeavesNothingAndIsTriedAgain() throws Exception {
    ImageCache cache = cache(10);
    unshare.fail = true;
    assertThrows(IOException.class, () -> cache.get(1, Backend.UNSHARE, TOKEN));
    assertFalse(Files.exists(root.resolve("1/backends/unshare")));
    assertEquals(List.of(1L), unshare.cleanedUp);
    unshare.fail = false;
    use(cache, 1);
    assertEquals(List.of(1L, 1L), unshare.prepared);
    assertEquals(1, artifacts.downloads.size(), "the verified download is kept");
  }

  @Test
  void concurrentRequestsForTheSameImageDownloadAndPrepareOnce() throws Exception {
    ImageCache cache = cache(10);
    unshare.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(
            pool.submit(
                () -> {
                  try (ImageCache.CachedImage image = cache.get(1, Backend.UNSHARE, TOKEN)) {
                    return Files.readString(image.image().dir().resolve("unpacked"));
                  }
                }));
      }
      Await.until("one request is downloading", () -> artifacts.downloads.size() == 1);
      unshare.gate.countDown();
      for (Future<String> r : results) {
        assertEquals("content of image 1", r.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of("1/system.tar.xz"), artifacts.downloads);
    assertEquals(List.of(1L), unshare.prepared);
  }

  @Test
  void refusesArtifactsThatAreNoEnvironment() throws Exception {
    ObjectNode a = JSON.createObjectNode().put("id", 9).put("category", "debian:source-package");
    a.putObject("files");
    artifacts.served.put(9L, new FakeArtifactService.Served(a, Map.of()));
    IOException e = assertThrows(IOException.class, () -> cache(10).get(9, Backend.UNSHARE, TOKEN));
    assertTrue(e.getMessage().contains("not an environment"), e::getMessage);
  }

  @Test
  void aBackendThatIsNotConfiguredIsRefused() throws Exception {
    IOException e = assertThrows(IOException.class, () -> cache(10).get(1, Backend.QEMU, TOKEN));
    assertEquals("no executor backend qemu on this worker", e.getMessage());
  }
}
