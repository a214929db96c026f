package dev.kiln.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInfraTest {

  @Test
  void startsRealPostgresAndKafka() throws Exception {
    LocalInfra infra = LocalInfra.shared();

    try (Connection c =
            DriverManager.getConnection(
                infra.jdbcUrl(), InfraSettings.USER, InfraSettings.PASSWORD);
        ResultSet rs = c.createStatement().executeQuery("SELECT current_database(), version()")) {
      assertTrue(rs.next());
      assertEquals("kiln", rs.getString(1));
      assertTrue(rs.getString(2).startsWith("PostgreSQL"), rs.getString(2));
    }

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("infra-test", "k", "hello")).get();
    }
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "infra-test",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("infra-test"));
      String seen = null;
      long deadline = System.currentTimeMillis() + 30_000;
      while (seen == null && System.currentTimeMillis() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        for (var r : records) {
          seen = r.value();
        }
      }
      assertEquals("hello", seen);
    }
  }

  @Test
  void refusesTakenPortWithClearMessage(@TempDir Path dir) throws Exception {
    LocalInfra running = LocalInfra.shared();
    InfraSettings clash =
        new InfraSettings(
            dir, running.settings().postgresPort(), Ports.free(), Ports.free(), false);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LocalInfra.start(clash));

    assertTrue(
        e.getMessage().contains("port " + running.settings().postgresPort() + " is taken"),
        e.getMessage());
  }
}
