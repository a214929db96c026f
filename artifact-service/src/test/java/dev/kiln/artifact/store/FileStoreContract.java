package dev.kiln.artifact.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.artifact.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FileStore} must do, run against each implementation by a subclass. Sizes are in
 * units of {@link #partSize()} so that an object store's multipart paths (several parts, a short
 * last part, a partial upload's short segment carried into the next request) are taken.
 */
abstract class FileStoreContract {

  /** The store under test, the same instance for the whole test. */
  abstract FileStore store();

  /** The size of the store's upload parts, or any size of a few MiB for a store without parts. */
  abstract int partSize();

  /** Fails unless the store keeps no upload in progress of its own (staged bytes, multiparts). */
  abstract void assertNoUploadInProgress() throws IOException;

  static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(System.nanoTime()).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    return Fixtures.sha256(bytes);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static String name() {
    return "t-" + UUID.randomUUID();
  }

  /** Writes in pieces of odd sizes, as a request body arrives. */
  private static void write(java.io.OutputStream out, byte[] content, int from, int to)
      throws IOException {
    int piece = 65_537;
    for (int i = from; i < to; i += piece) {
      out.write(content, i, Math.min(piece, to - i));
    }
  }

  @Test
  void aStagedContentIsInvisibleUntilCommittedThenReadable() throws IOException {
    byte[] content = random(2 * partSize() + 12_345);
    String sha = sha256(content);
    try (FileStore.StagedUpload staged = store().stage(sha)) {
      write(staged.output(), content, 0, content.length);
      assertFalse(store().contains(sha), "nothing is visible before the commit");
      assertThrows(NoSuchFileException.class, () -> store().open(sha).close());
      assertTrue(staged.commit(sha));
    }
    assertTrue(store().contains(sha));
    assertArrayEquals(content, readAll(store().open(sha)));
    assertNoUploadInProgress();
  }

  @Test
  void anUploadClosedWithoutCommitLeavesNothing() throws IOException {
    byte[] content = random(partSize() + 1);
    String sha = sha256(content);
    try (FileStore.StagedUpload staged = store().stage(sha)) {
      write(staged.output(), content, 0, content.length);
    }
    assertFalse(store().contains(sha));
    assertNoUploadInProgress();
  }

  @Test
  void theSameContentIsStoredOnce() throws IOException {
    byte[] content = random(10_000);
    String sha = sha256(content);
    try (FileStore.StagedUpload first = store().stage(sha)) {
      write(first.output(), content, 0, content.length);
      assertTrue(first.commit(sha));
    }
    try (FileStore.StagedUpload second = store().stage(sha)) {
      write(second.output(), content, 0, content.length);
      assertFalse(second.commit(sha), "stored already");
    }
    assertArrayEquals(content, readAll(store().open(sha)));
    assertNoUploadInProgress();
  }

  @Test
  void aContentCommittedUnderAnotherHashThanStagedForIsStoredUnderThatHash() throws IOException {
    byte[] content = random(partSize() + 100);
    String sha = sha256(content);
    String other = sha256(random(10));
    try (FileStore.StagedUpload staged = store().stage(other)) {
      write(staged.output(), content, 0, content.length);
      assertTrue(staged.commit(sha));
    }
    byte[] small = random(1000);
    try (FileStore.StagedUpload staged = store().stage()) {
      write(staged.output(), small, 0, small.length);
      assertTrue(staged.commit(sha256(small)));
    }
    assertFalse(store().contains(other));
    assertArrayEquals(content, readAll(store().open(sha)));
    assertArrayEquals(small, readAll(store().open(sha256(small))));
    assertNoUploadInProgress();
  }

  @Test
  void rangesReadTheRightBytes() throws IOException {
    byte[] content = random(partSize() + 5_000);
    String sha = stored(content);
    int[][] ranges = {{0, 1}, {0, content.length}, {partSize() - 10, 20}, {content.length - 7, 7}};
    for (int[] r : ranges) {
      assertArrayEquals(
          Arrays.copyOfRange(content, r[0], r[0] + r[1]),
          readAll(store().open(sha, r[0], r[1])),
          r[0] + "+" + r[1]);
    }
    assertEquals(0, readAll(store().open(sha, 10, 0)).length);
    String missing = sha256(random(5));
    assertThrows(NoSuchFileException.class, () -> store().open(missing, 0, 1).close());
  }

  @Test
  void aPartialUploadGrowsOverSeveralRequestsAndCommits() throws IOException {
    byte[] content = random(3 * partSize() + 777);
    String sha = sha256(content);
    String name = name();
    assertTrue(store().partial(name, false).isEmpty());

    int first = partSize() / 2; // a short segment, carried into the next request
    try (FileStore.PartialUpload p = store().partial(name, true).orElseThrow()) {
      assertEquals(0, p.size());
      write(p.append(), content, 0, first);
      assertEquals(first, p.size());
    }
    int second = first + partSize() + 3; // crosses a part
    try (FileStore.PartialUpload p = store().partial(name, false).orElseThrow()) {
      assertEquals(first, p.size(), "what the last request left");
      write(p.append(), content, first, second);
    }
    try (FileStore.PartialUpload p = store().partial(name, false).orElseThrow()) {
      assertEquals(second, p.size());
      // a request that sent too much takes back what it appended
      write(p.append(), random(partSize() + 10), 0, partSize() + 10);
      p.truncate(second);
      assertEquals(second, p.size());
    }
    try (FileStore.PartialUpload p = store().partial(name, false).orElseThrow()) {
      assertEquals(second, p.size(), "the truncation held");
      assertArrayEquals(Arrays.copyOf(content, second), readAll(p.read()));
      write(p.append(), content, second, content.length);
      assertEquals(content.length, p.size());
      assertFalse(store().contains(sha), "a partial upload is not visible as content");
      assertArrayEquals(content, readAll(p.read()));
      assertTrue(p.commit(sha));
    }
    assertTrue(store().partial(name, false).isEmpty(), "gone once committed");
    assertArrayEquals(content, readAll(store().open(sha)));
    assertNoUploadInProgress();
  }

  @Test
  void aPartialUploadOfOneShortRequestCommits() throws IOException {
    byte[] content = random(4_000);
    String sha = sha256(content);
    String name = name();
    try (FileStore.PartialUpload p = store().partial(name, true).orElseThrow()) {
      write(p.append(), content, 0, content.length);
      assertTrue(p.commit(sha));
    }
    assertArrayEquals(content, readAll(store().open(sha)));
    assertTrue(store().partial(name, false).isEmpty());
  }

  @Test
  void aDiscardedPartialUploadLeavesNothing() throws IOException {
    byte[] content = random(partSize() + 50);
    String sha = sha256(content);
    String name = name();
    try (FileStore.PartialUpload p = store().partial(name, true).orElseThrow()) {
      write(p.append(), content, 0, 100);
    }
    try (FileStore.PartialUpload p = store().partial(name, false).orElseThrow()) {
      write(p.append(), content, 100, content.length);
      p.discard();
    }
    assertTrue(store().partial(name, false).isEmpty());
    assertFalse(store().contains(sha));
    assertNoUploadInProgress();
  }

  @Test
  void aPartialUploadOfAContentStoredAlreadyCommitsAsDuplicate() throws IOException {
    byte[] content = random(20_000);
    String sha = stored(content);
    String name = name();
    try (FileStore.PartialUpload p = store().partial(name, true).orElseThrow()) {
      write(p.append(), content, 0, content.length);
      assertFalse(p.commit(sha));
    }
    assertTrue(store().partial(name, false).isEmpty());
    assertArrayEquals(content, readAll(store().open(sha)));
  }

  @Test
  void deletedContentsAreGone() throws IOException {
    String a = stored(random(100));
    String b = stored(random(200));
    String c = stored(random(300));
    assertTrue(store().delete(a));
    assertFalse(store().delete(a), "not there any more");
    assertFalse(store().contains(a));
    assertTrue(store().deleteAll(List.of(b, c)) >= 2);
    assertFalse(store().contains(b));
    assertFalse(store().contains(c));
  }

  @Test
  void theStoreIsWritable() throws IOException {
    store().checkWritable();
    assertNoUploadInProgress();
  }

  String stored(byte[] content) throws IOException {
    String sha = sha256(content);
    try (FileStore.StagedUpload staged = store().stage(sha)) {
      staged.output().write(content);
      staged.commit(sha);
    }
    return sha;
  }
}
