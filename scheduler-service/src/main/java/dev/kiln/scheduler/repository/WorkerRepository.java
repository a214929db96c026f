package dev.kiln.scheduler.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Registered workers. */
@ApplicationScoped
public class WorkerRepository implements PanacheRepository<WorkerEntity> {

  public Optional<WorkerEntity> findByName(String name) {
    return find("name", name).firstResultOptional();
  }

  public Optional<WorkerEntity> findByTokenHash(String tokenSha256) {
    return find("tokenSha256", tokenSha256).firstResultOptional();
  }
}
