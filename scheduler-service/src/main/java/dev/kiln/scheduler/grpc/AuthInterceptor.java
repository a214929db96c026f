package dev.kiln.scheduler.grpc;

import dev.kiln.common.auth.Tokens;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Carries the bearer token of a call into the gRPC context. The check itself needs the database, so
 * it happens in the (blocking) service methods, not on the event loop here.
 */
@GlobalInterceptor
@ApplicationScoped
public class AuthInterceptor implements ServerInterceptor {

  static final Context.Key<String> TOKEN = Context.key("kiln-token");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String token = Tokens.fromAuthorizationHeader(headers.get(AUTHORIZATION));
    return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
  }
}
