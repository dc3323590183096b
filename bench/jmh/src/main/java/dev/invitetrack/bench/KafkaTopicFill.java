package dev.invitetrack.bench;

import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.JournalCodec;
import dev.invitetrack.storage.journal.JournalRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a Kafka topic with unique invite_sent events in exactly the records invitetrack nodes produce (key, value),
 * as fast as the producer goes: the starting point of bench/kafka.sh's index-move scenario (a partition of 10M ids
 * moving to a node without its index).
 *
 * <p>Usage: java -cp bench/jmh/target/benchmarks.jar dev.invitetrack.bench.KafkaTopicFill BOOTSTRAP TOPIC PARTITIONS
 * EVENTS
 */
public final class KafkaTopicFill {
    private KafkaTopicFill() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int partitions = Integer.parseInt(args[2]);
        long events = Long.parseLong(args[3]);
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("retention.ms", Long.toString(TimeUnit.DAYS.toMillis(7)))))).all().get();
        }
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        long started = System.nanoTime();
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            for (long i = 1; i <= events; i++) {
                String id = "fill-" + i;
                StoredEvent row = new StoredEvent("bench-1", id, "invite_sent", "user-" + (i % 1000), null,
                        now, now, null, "invitee-" + i + "@example.com", "Developer", null,
                        "{\"invitee_email\":\"invitee-" + i + "@example.com\",\"invitee_role\":\"Developer\"}", "{}");
                producer.send(new ProducerRecord<>(topic, IdIndex.key("bench-1", id),
                        JournalCodec.message(new JournalRecord.Events(List.of(row)))));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("RESULT\t%d\t%.1f\t%.0f%n", events, seconds, events / seconds);
    }
}
