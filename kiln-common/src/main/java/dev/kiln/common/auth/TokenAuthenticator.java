package dev.kiln.common.auth;

import java.util.Optional;

/** Turns a bearer token into a {@link Caller}; each service supplies one bean. */
public interface TokenAuthenticator {

  /** The caller the token proves, or empty when the token is unknown, forged or expired. */
  Optional<Caller> authenticate(String token);
}
