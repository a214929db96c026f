package dev.kiln.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The secrets of a local platform: generated at random on first start and kept (mode 600) in the
 * git-ignored run directory, so no default token ever reaches a running platform.
 *
 * @param adminToken bearer token of the built-in administrator
 * @param workRequestTokenSecret key the scheduler signs work request tokens with
 * @param registrationToken token agents register with
 */
public record PlatformSecrets(
    String adminToken, String workRequestTokenSecret, String registrationToken) {

  public static PlatformSecrets random() {
    return new PlatformSecrets(token(), token(), token());
  }

  public static PlatformSecrets loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      return new PlatformSecrets(
          p.getProperty("admin_token"),
          p.getProperty("work_request_token_secret"),
          p.getProperty("registration_token"));
    }
    PlatformSecrets secrets = random();
    Files.createDirectories(file.getParent());
    Properties p = new Properties();
    p.setProperty("admin_token", secrets.adminToken());
    p.setProperty("work_request_token_secret", secrets.workRequestTokenSecret());
    p.setProperty("registration_token", secrets.registrationToken());
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "Kiln local platform secrets");
    }
    return secrets;
  }

  /**
   * The token the scheduler knows the workflow service by (KILN_WORKFLOW_SERVICE_TOKEN), derived
   * from the administrator token so the secrets file keeps its three entries.
   */
  public String workflowServiceToken() {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  ("kiln-workflow-service:" + adminToken)
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "kwf-" + Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static String token() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
