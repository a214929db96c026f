package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A repository a system is bootstrapped from ({@code bootstrap_repositories[]}).
 *
 * @param mirror the mirror URL
 * @param suite the suite
 * @param types the source types (default {@code [deb]})
 * @param components the components (default: the suite's)
 * @param checkSignatureWith how to check the repository's signature (default {@code system})
 * @param keyringPackage a keyring package to install
 * @param keyring a keyring to download
 */
public record BootstrapRepository(
    @JsonProperty(required = true) String mirror,
    @JsonProperty(required = true) String suite,
    List<SourceType> types,
    List<String> components,
    SignatureCheck checkSignatureWith,
    String keyringPackage,
    Keyring keyring) {

  /** An APT source type. */
  public enum SourceType {
    /** Binary packages. */
    @JsonProperty("deb")
    DEB,
    /** Source packages. */
    @JsonProperty("deb-src")
    DEB_SRC
  }

  /** What checks a bootstrap repository's signature. */
  public enum SignatureCheck {
    /** The keyrings of the worker system. */
    @JsonProperty("system")
    SYSTEM,
    /** The {@code keyring} given. */
    @JsonProperty("external")
    EXTERNAL,
    /** Nothing (not recommended). */
    @JsonProperty("no-check")
    NO_CHECK
  }
}
