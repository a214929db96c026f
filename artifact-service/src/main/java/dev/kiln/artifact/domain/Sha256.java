package dev.kiln.artifact.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 digests as the API and the store spell them: 64 lowercase hexadecimal digits. */
public final class Sha256 {

  /** SHA-256 of zero bytes. */
  public static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final Pattern FORM = Pattern.compile("[0-9a-f]{64}");

  private Sha256() {}

  /** A new SHA-256 digest (the JDK's, with the CPU's SHA instructions where it has them). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Completes a digest and spells it as the API does. */
  public static String finish(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  public static boolean isValid(String value) {
    return value != null && FORM.matcher(value).matches();
  }
}
