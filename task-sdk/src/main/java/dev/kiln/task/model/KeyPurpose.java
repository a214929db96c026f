package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a signing key is for. */
public enum KeyPurpose {
  /** UEFI Secure Boot (sbsign, X.509). */
  @JsonProperty("uefi")
  UEFI,
  /** OpenPGP (gpg). */
  @JsonProperty("openpgp")
  OPENPGP;

  /** The tool a signing worker needs for keys of this purpose. */
  public String tool() {
    return this == UEFI ? "sbsign" : "gpg";
  }
}
