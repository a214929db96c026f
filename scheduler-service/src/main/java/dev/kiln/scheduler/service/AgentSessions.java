package dev.kiln.scheduler.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The agents connected to this scheduler replica. */
@ApplicationScoped
public class AgentSessions {

  private final Map<Long, AgentChannel> channels = new ConcurrentHashMap<>();

  @Inject MeterRegistry registry;

  @PostConstruct
  void metrics() {
    registry.gaugeMapSize("kiln_workers_connected", java.util.List.of(), channels);
  }

  /** Adds a channel; an older stream of the same worker is replaced. */
  public void add(AgentChannel channel) {
    channels.put(channel.workerId(), channel);
  }

  /** Removes the channel if it is still the current one of its worker. */
  public boolean remove(AgentChannel channel) {
    return channels.remove(channel.workerId(), channel);
  }

  public Optional<AgentChannel> get(long workerId) {
    return Optional.ofNullable(channels.get(workerId));
  }

  public Collection<AgentChannel> all() {
    return channels.values();
  }
}
