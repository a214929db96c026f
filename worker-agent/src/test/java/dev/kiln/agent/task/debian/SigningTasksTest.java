package dev.kiln.agent.task.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What extractforsigning reads from a template and where assemblesignedsource puts signatures. */
class SigningTasksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void filesJsonNamesThePackagesAndTheirFiles() throws Exception {
    var packages =
        ExtractForSigningRunner.packages(
            JSON.readTree(
                """
                {"packages": {
                   "grub-efi-amd64-bin": {"trusted_certs": ["abc"],
                     "files": [{"sig_type": "efi", "file": "usr/lib/grub/x86_64-efi/grubx64.efi"}]},
                   "shim": {"files": [{"sig_type": "efi", "file": "./usr/lib/shim/shimx64.efi"}]}}}
                """));
    assertEquals(2, packages.size());
    assertEquals("grub-efi-amd64-bin", packages.get(0).packageName());
    assertEquals(List.of("usr/lib/grub/x86_64-efi/grubx64.efi"), packages.get(0).files());
    assertEquals("[\"abc\"]", packages.get(0).trustedCerts().toString());
    assertEquals(List.of("usr/lib/shim/shimx64.efi"), packages.get(1).files());
    assertEquals(null, packages.get(1).trustedCerts());
  }

  @Test
  void aFileOutsideThePackageIsRefused() {
    for (String bad : List.of("/etc/shadow", "../../etc/shadow", "")) {
      assertThrows(
          IOException.class,
          () ->
              ExtractForSigningRunner.packages(
                  JSON.readTree(
                      "{\"packages\": {\"p\": {\"files\": [{\"file\": \"" + bad + "\"}]}}}")),
          bad);
    }
  }

  @Test
  void signaturesGoUnderDebianSignatures() throws Exception {
    Map<String, String> places =
        AssembleSignedSourceRunner.signaturePlaces(
            JSON.readTree(
                """
                {"purpose": "uefi", "fingerprint": "F",
                 "results": [{"file": "grub-efi-amd64-bin/usr/lib/grub/grubx64.efi",
                              "output_file": "grub-efi-amd64-bin/usr/lib/grub/grubx64.efi.signed",
                              "error_message": null}]}
                """));
    assertEquals(
        Map.of(
            "grub-efi-amd64-bin/usr/lib/grub/grubx64.efi.signed",
            "debian/signatures/grub-efi-amd64-bin/usr/lib/grub/grubx64.efi.sig"),
        places);
  }

  @Test
  void aFailedSignatureFailsTheAssembly() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AssembleSignedSourceRunner.signaturePlaces(
                    JSON.readTree(
                        "{\"results\": [{\"file\": \"p/x.efi\", \"output_file\": null,"
                            + " \"error_message\": \"no key\"}]}")));
    assertTrue(e.getMessage().contains("no key"));
  }
}
