package dev.kiln.agent;

import dev.kiln.agent.config.AgentConfig;
import dev.kiln.agent.config.ExecutorConfig;
import dev.kiln.agent.core.ArtifactDownloader;
import dev.kiln.agent.executor.BuildUser;
import dev.kiln.agent.executor.ExecutorSettings;
import dev.kiln.agent.executor.WorkerExecutors;
import dev.kiln.agent.host.HostProbe;
import dev.kiln.agent.image.ArtifactImageSource;
import dev.kiln.agent.image.ImageCache;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds the executor backends and the image cache from {@code kiln.agent.executor.*}, and installs
 * the host probe before the agent announces its tags (this observer runs before {@link
 * AgentLifecycle}'s).
 */
@ApplicationScoped
public class ExecutorProducer {

  @Inject AgentConfig agent;
  @Inject ExecutorConfig config;

  void installProbe(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e) {
    HostProbe.install(new HostProbe(executors().all(), cacheDir()));
  }

  private volatile WorkerExecutors executors;

  @Produces
  @Singleton
  WorkerExecutors executors() {
    WorkerExecutors e = executors;
    if (e == null) {
      synchronized (this) {
        if (executors == null) {
          executors = new WorkerExecutors(settings());
        }
        e = executors;
      }
    }
    return e;
  }

  @Produces
  @Singleton
  ImageCache imageCache() throws IOException {
    return new ImageCache(
        cacheDir(),
        config.imageCacheSize(),
        new ArtifactImageSource(new ArtifactDownloader(agent.artifactUrl())),
        executors().all(),
        System::currentTimeMillis);
  }

  ExecutorSettings settings() {
    return new ExecutorSettings(
        config
            .instancesDir()
            .filter(s -> !s.isBlank())
            .map(Path::of)
            .orElseGet(() -> cacheDir().resolve("instances")),
        config.killGrace(),
        new BuildUser(config.buildUser(), config.buildUid()),
        config.unshareHostUser().filter(s -> !s.isBlank()),
        config.incusProfile(),
        config.bootTimeout(),
        dev.kiln.agent.core.Capabilities.hostArchitecture(),
        config.qemuKvm(),
        config.qemuMemoryMib(),
        config.qemuCpus(),
        config.qemuSshKey().filter(s -> !s.isBlank()).map(Path::of));
  }

  private Path cacheDir() {
    return config
        .imageCacheDir()
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("user.home"), "system-images"));
  }
}
