package dev.kiln.scheduler.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.config.LiveLogConfig;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.service.AgentSessions;
import dev.kiln.scheduler.service.Dispatcher;
import dev.kiln.scheduler.service.LiveLogService;
import dev.kiln.scheduler.service.ReportBatcher;
import dev.kiln.scheduler.service.WorkRequestService;
import dev.kiln.scheduler.service.WorkerService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.context.ManagedExecutor;

/** The agents' gRPC endpoint: registration, the long-lived stream, and result reports. */
@GrpcService
public class WorkerAgentGrpcService extends WorkerAgentServiceGrpc.WorkerAgentServiceImplBase {

  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  @Inject WorkerService workers;
  @Inject ReportBatcher reports;
  @Inject AgentSessions sessions;
  @Inject Dispatcher dispatcher;
  @Inject SchedulerConfig config;
  @Inject ObjectMapper mapper;
  @Inject ManagedExecutor executor;
  @Inject LiveLogService logs;
  @Inject LiveLogConfig logConfig;

  @Override
  @Blocking
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    try {
      WorkerService.Registration r =
          workers.register(
              request.getRegistrationToken(), request.getName(), request.getWorkerType());
      response.onNext(
          RegisterResponse.newBuilder()
              .setWorkerId(r.workerId())
              .setWorkerToken(r.token())
              .build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> response) {
    String token = AuthInterceptor.TOKEN.get();
    AgentStream stream =
        new AgentStream(
            (ServerCallStreamObserver<ServerMessage>) response,
            token,
            workers,
            sessions,
            dispatcher,
            config,
            mapper,
            executor,
            logs,
            logConfig.maxPendingBatchesPerStream());
    return stream;
  }

  /**
   * Queued for the next batch of reports ({@link ReportBatcher}); answered once the batch that took
   * it committed. Nothing here blocks, so it runs on the event loop.
   */
  @Override
  public void completeWorkRequest(
      CompleteWorkRequestRequest request, StreamObserver<CompleteWorkRequestResponse> response) {
    WorkRequestService.Report report;
    try {
      String token = AuthInterceptor.TOKEN.get();
      if (token == null) {
        throw ApiException.unauthenticated(
            "send the worker token as 'authorization: Bearer <token>'");
      }
      WorkRequestResult result =
          switch (request.getResult()) {
            case WORK_RESULT_SUCCESS -> WorkRequestResult.SUCCESS;
            case WORK_RESULT_FAILURE -> WorkRequestResult.FAILURE;
            case WORK_RESULT_ERROR -> WorkRequestResult.ERROR;
            default ->
                throw ApiException.invalidField("result", "must be success, failure or error");
          };
      Map<String, Object> outputData = parseObject(request.getOutputDataJson(), "output_data_json");
      report =
          new WorkRequestService.Report(
              token, request.getWorkRequestId(), request.getAttempt(), result, outputData);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    reports
        .submit(report)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                response.onError(GrpcErrors.toStatus(e));
                return;
              }
              response.onNext(
                  CompleteWorkRequestResponse.newBuilder()
                      .setStatus(r.status())
                      .setResult(r.result())
                      .build());
              response.onCompleted();
            });
  }

  private Map<String, Object> parseObject(String json, String field) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return mapper.readValue(json, JSON_OBJECT);
    } catch (JsonProcessingException e) {
      throw ApiException.invalidField(field, "must be a JSON object");
    }
  }
}
