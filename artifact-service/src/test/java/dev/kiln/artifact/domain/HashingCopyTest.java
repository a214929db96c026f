package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingCopyTest {

  @Test
  void copiesAndHashesInOnePass() throws Exception {
    byte[] foo = "foo".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    HashingCopy.Received r = HashingCopy.copy(new ByteArrayInputStream(foo), out, 3);

    assertEquals(3, r.size());
    assertEquals("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", r.sha256());
    assertTrue(r.written());
    assertArrayEquals(foo, out.toByteArray());
  }

  @Test
  void emptyStreamHasTheEmptyHash() throws Exception {
    HashingCopy.Received r =
        HashingCopy.copy(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), 0);
    assertEquals(0, r.size());
    assertEquals(Sha256.EMPTY, r.sha256());
  }

  @Test
  void stopsReadingAndWritingPastTheLimit() throws Exception {
    byte[] big = new byte[HashingCopy.BUFFER_SIZE * 3 + 17];
    ByteArrayInputStream in = new ByteArrayInputStream(big);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    HashingCopy.Received r = HashingCopy.copy(in, out, 100);

    assertTrue(r.size() > 100);
    assertNull(r.sha256());
    assertFalse(r.written());
    assertEquals(100, out.size());
    assertEquals(HashingCopy.BUFFER_SIZE * 2 + 17, in.available(), "the rest was not read");
  }

  @Test
  void aStreamOfExactlyTheLimitIsComplete() throws Exception {
    byte[] exact = new byte[HashingCopy.BUFFER_SIZE * 2];
    HashingCopy.Received r =
        HashingCopy.copy(
            new ByteArrayInputStream(exact), new ByteArrayOutputStream(), exact.length);
    assertEquals(exact.length, r.size());
    assertTrue(r.written());
  }
}
