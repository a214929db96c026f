package dev.kiln.artifact.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a directory. */
class LocalFileStoreTest extends FileStoreContract {

  @TempDir static Path root;

  static LocalFileStore store;

  @BeforeAll
  static void open() {
    store = new LocalFileStore(root, Duration.ofDays(1));
  }

  @Override
  FileStore store() {
    return store;
  }

  @Override
  int partSize() {
    return 5 << 20;
  }

  @Override
  void assertNoUploadInProgress() throws IOException {
    try (Stream<Path> staged = Files.list(root.resolve("uploads"))) {
      assertEquals(
          0,
          staged.filter(p -> p.getFileName().toString().startsWith("upload-")).count(),
          "staged files left in uploads/");
    }
  }
}
