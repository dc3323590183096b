package dev.invitetrack.storage.kafka;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.KafkaJournalConfig;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.JournalCodec;
import dev.invitetrack.storage.journal.JournalRecord;
import dev.invitetrack.storage.write.OverloadedException;
import dev.invitetrack.storage.write.RejectedRecords;
import dev.invitetrack.storage.write.Writes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path with a Kafka topic as the journal, shared by every node:
 *
 * <pre>
 *   request ─> producer (idempotent, acks=all) ─> topic, partitioned by (workspace, invitee or message id) ─> answer
 *                                                   │
 *   every node, one consumer group ─> the partitions it owns: id index ─> applier ─> ClickHouse, in bulk
 * </pre>
 *
 * A request is answered once the brokers have the events (min.insync.replicas of them): a node that dies loses
 * nothing it acknowledged, and a repeat sent to any node lands in the same partition as its original (see
 * {@link #partitionOf}). The owner
 * of a partition drops repeats with that partition's id index and ships the rest with the deduplication token of
 * the partition's offset range; the group's offset is committed once ClickHouse has the rows (see
 * {@link PartitionShipper}). A partition that moves to another node takes its index along by rebuilding it there
 * from the topic.
 *
 * <p>Deletions and retention runs are written to every partition: each partition's owner applies them after the
 * events before them in that partition.
 */
public final class KafkaWritePath implements Writes {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaWritePath.class);
    /** The key of deletions and retention runs (no id starts with a 0 byte). */
    private static final byte[] MARKER_KEY = "\0marker".getBytes(StandardCharsets.US_ASCII);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    /** While the brokers fail, a write is let through to find out whether they are back this often. */
    private static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration DELETION_WAIT = Duration.ofMinutes(10);

    /** What the node's Kafka write path is given. */
    public record Settings(KafkaJournalConfig kafka, Path dataDirectory, long indexCacheBytes,
            Duration indexFlushInterval, int maxEventsPerShipment, long maxBytesPerShipment, Duration shipInterval,
            int maxQueuedEvents) {
        public Settings {
            requireNonNull(kafka, "kafka is null");
            requireNonNull(dataDirectory, "dataDirectory is null");
            requireNonNull(indexFlushInterval, "indexFlushInterval is null");
            requireNonNull(shipInterval, "shipInterval is null");
        }
    }

    private final Settings settings;
    private final KafkaJournalConfig kafka;
    private final EventStore store;
    private final MetricRegistry metrics;
    private final String nodeName = UUID.randomUUID().toString().substring(0, 8);
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final Map<Integer, PartitionShipper> shippers = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicReference<@Nullable String> brokerFailure = new AtomicReference<>();
    private final ScheduledExecutorService waits;
    private volatile long lastProbe;
    private volatile State state = State.STARTING;
    private volatile @Nullable String startFailure;
    private volatile int partitions;
    private volatile String topicId = "";
    private volatile boolean running = true;
    private volatile @Nullable KafkaConsumer<byte[], byte[]> consumer;
    private final Thread starter;
    private @Nullable Thread consumerThread;

    public KafkaWritePath(Settings settings, EventStore store, MetricRegistry metrics) {
        this.settings = requireNonNull(settings, "settings is null");
        this.kafka = settings.kafka();
        this.store = requireNonNull(store, "store is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.producer = new KafkaProducer<>(producerProperties());
        this.admin = Admin.create(adminProperties());
        this.waits = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-shipped-waits");
            thread.setDaemon(true);
            return thread;
        });
        this.starter = new Thread(this::connect, "kafka-journal-connect");
        this.starter.setDaemon(true);
        metrics.gauge(MetricRegistry.name(KafkaWritePath.class, "owned-partitions"), () -> shippers::size);
        metrics.gauge(MetricRegistry.name(KafkaWritePath.class, "unshipped-events"), () -> this::unappliedEvents);
        metrics.gauge(MetricRegistry.name(KafkaWritePath.class, "index-ids"), () -> () -> {
            long ids = 0;
            for (PartitionShipper shipper : shippers.values()) {
                ids += shipper.indexIds();
            }
            return ids;
        });
    }

    private Properties common() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "invitetrack-" + nodeName);
        return properties;
    }

    private Properties producerProperties() {
        long timeout = kafka.getProduceTimeout().toMilliseconds();
        Properties properties = common();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5_000, timeout - 5));
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5_000, timeout));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    private Properties adminProperties() {
        Properties properties = common();
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis() * 2);
        return properties;
    }

    private Properties consumerProperties(boolean inGroup) {
        Properties properties = common();
        if (inGroup) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.getConsumerGroup());
            properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName());
            // A node killed without a goodbye gives its partitions up after this long.
            properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
            properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        } else {
            properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "invitetrack-" + nodeName + "-catch-up");
        }
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }

    /** Connects in the background: writes are refused (503) until the topic is there. */
    public void start() {
        starter.start();
    }

    private void connect() {
        while (running) {
            try {
                ensureTopic();
                break;
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                startFailure = "cannot reach Kafka at " + kafka.getBootstrapServers() + ": " + cause.getMessage();
                LOG.warn("{}; retrying", startFailure);
                sleepQuietly(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (!running) {
            return;
        }
        startFailure = null;
        state = State.READY;
        Thread thread = new Thread(this::consume, "kafka-journal-consumer");
        thread.setDaemon(true);
        consumerThread = thread;
        thread.start();
        LOG.info("kafka journal: topic {} ({} partitions) at {}, consumer group {}", kafka.getTopic(), partitions,
                kafka.getBootstrapServers(), kafka.getConsumerGroup());
    }

    /** Creates the topic when missing; reads its partitions and id. */
    private void ensureTopic() throws ExecutionException, InterruptedException, TimeoutException {
        String topic = kafka.getTopic();
        if (!admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
            NewTopic created = new NewTopic(topic, kafka.getPartitions(), (short) kafka.getReplicationFactor())
                    .configs(Map.of(
                            "min.insync.replicas", Integer.toString(kafka.minInsyncReplicas()),
                            "retention.ms", Long.toString(kafka.getRetention().toMilliseconds()),
                            "unclean.leader.election.enable", "false"));
            try {
                admin.createTopics(List.of(created)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {}: {} partitions, {} replicas, min.insync.replicas {}", topic,
                        kafka.getPartitions(), kafka.getReplicationFactor(), kafka.minInsyncReplicas());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        partitions = description.partitions().size();
        topicId = description.topicId().toString();
    }

    /** The journal id of a partition in ClickHouse's positions and in the index: a topic made again starts anew. */
    private String journalId(int partition) {
        return "kafka:" + kafka.getTopic() + ":" + topicId + ":" + partition;
    }

    private void consume() {
        try (KafkaConsumer<byte[], byte[]> polling = new KafkaConsumer<>(consumerProperties(true))) {
            consumer = polling;
            RejectedRecords rejected = new RejectedRecords(settings.dataDirectory().resolve("kafka-rejected"));
            polling.subscribe(List.of(kafka.getTopic()), new Rebalance(polling, rejected));
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = polling.poll(POLL);
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    LOG.warn("kafka consumer: {}; retrying", e.getMessage());
                    sleepQuietly(500);
                    continue;
                }
                for (TopicPartition partition : records.partitions()) {
                    PartitionShipper shipper = shippers.get(partition.partition());
                    if (shipper != null) {
                        shipper.accept(records.records(partition), endOffset(polling, partition));
                    }
                }
                tend(polling);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("kafka consumer stopped: {}", e.getMessage(), e);
            startFailure = "the Kafka consumer stopped: " + e.getMessage();
        } finally {
            consumer = null;
        }
    }

    private static long endOffset(KafkaConsumer<byte[], byte[]> polling, TopicPartition partition) {
        OptionalLong lag = polling.currentLag(partition);
        return lag.isPresent() ? polling.position(partition) + lag.getAsLong() : Long.MAX_VALUE;
    }

    /** After each poll: resumes caught-up partitions, applies back-pressure, flushes indexes, commits offsets. */
    private void tend(KafkaConsumer<byte[], byte[]> polling) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionShipper shipper : shippers.values()) {
            TopicPartition partition = shipper.partition();
            if (shipper.readyToResume()) {
                polling.seek(partition, shipper.resumeOffset());
                shipper.resumed();
                polling.resume(List.of(partition));
                continue;
            }
            if (!shipper.resumedOnce()) {
                continue; // its index is catching up; the partition stays paused
            }
            shipper.startApplierWhenComplete(endOffset(polling, partition));
            boolean paused = polling.paused().contains(partition);
            if (shipper.shouldPause()) {
                if (!paused) {
                    polling.pause(List.of(partition));
                }
            } else if (paused) {
                polling.resume(List.of(partition));
            }
            shipper.flushIndexEvery(settings.indexFlushInterval());
            long offset = shipper.offsetToCommit();
            if (offset >= 0) {
                commits.put(partition, new OffsetAndMetadata(offset));
                shipper.committed(offset);
            }
        }
        if (!commits.isEmpty()) {
            polling.commitAsync(commits, (offsets, error) -> {
                if (error != null) {
                    LOG.warn("committing offsets failed ({}); they are committed again", error.getMessage());
                    for (TopicPartition partition : offsets.keySet()) {
                        PartitionShipper shipper = shippers.get(partition.partition());
                        if (shipper != null) {
                            shipper.committed(-1);
                        }
                    }
                }
            });
        }
    }

    /** Partitions come and go with the group: each brings its index along, and leaves after its last shipment. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> polling;
        private final RejectedRecords rejected;

        Rebalance(KafkaConsumer<byte[], byte[]> polling, RejectedRecords rejected) {
            this.polling = polling;
            this.rejected = rejected;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            polling.pause(assigned);
            for (TopicPartition partition : assigned) {
                Path directory = settings.dataDirectory().resolve("kafka-index")
                        .resolve(partition.topic() + "-" + partition.partition());
                PartitionShipper.Context context = new PartitionShipper.Context(store, directory,
                        settings.indexCacheBytes(), consumerProperties(false), settings.maxEventsPerShipment(),
                        settings.maxBytesPerShipment(), settings.shipInterval(), rejected, metrics);
                PartitionShipper shipper = new PartitionShipper(partition, journalId(partition.partition()), context);
                shippers.put(partition.partition(), shipper);
                shipper.startCatchUp();
            }
            int share = Math.max(1_000, kafka.getMaxUnshippedEvents() / Math.max(1, shippers.size()));
            shippers.values().forEach(shipper -> shipper.maxUnshipped(share));
            LOG.info("kafka journal: partitions {} assigned to this node", numbers(assigned));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (TopicPartition partition : revoked) {
                PartitionShipper shipper = shippers.remove(partition.partition());
                if (shipper != null) {
                    long offset = shipper.stop(true);
                    if (offset > 0) {
                        commits.put(partition, new OffsetAndMetadata(offset));
                    }
                }
            }
            try {
                polling.commitSync(commits);
            } catch (KafkaException e) {
                LOG.warn("committing the offsets of revoked partitions failed ({}); ClickHouse's positions decide"
                        + " where their next owner goes on", e.getMessage());
            }
            LOG.info("kafka journal: partitions {} left this node", numbers(revoked));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            for (TopicPartition partition : lost) {
                PartitionShipper shipper = shippers.remove(partition.partition());
                if (shipper != null) {
                    shipper.stop(false);
                }
            }
            if (!lost.isEmpty()) {
                LOG.warn("kafka journal: partitions {} lost (this node was out of the group)", numbers(lost));
            }
        }
    }

    private static String numbers(Collection<TopicPartition> partitions) {
        return Arrays.toString(partitions.stream().mapToInt(TopicPartition::partition).sorted().toArray());
    }

    @Override
    public boolean knowsRepeats() {
        return false;
    }

    @Override
    public CompletableFuture<boolean[]> submit(List<StoredEvent> rows) {
        refuseUnlessTakingWrites();
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(new boolean[0]);
        }
        if (queued.get() + rows.size() > settings.maxQueuedEvents()) {
            throw new OverloadedException(queued.get() + " events wait for the Kafka brokers");
        }
        CompletableFuture<boolean[]> done = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(rows.size());
        queued.addAndGet(rows.size());
        for (StoredEvent row : rows) {
            byte[] value = JournalCodec.message(new JournalRecord.Events(List.of(row)));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(kafka.getTopic(), partitionOf(row),
                    IdIndex.key(row.workspaceId(), row.messageId()), value);
            try {
                producer.send(record, (metadata, error) -> {
                    queued.decrementAndGet();
                    if (error != null) {
                        failed(error);
                        done.completeExceptionally(new StorageException("the Kafka brokers did not take the events ("
                                + error.getMessage() + "); retry with the same message ids"));
                    } else if (left.decrementAndGet() == 0) {
                        brokerFailure.set(null);
                        boolean[] taken = new boolean[rows.size()];
                        Arrays.fill(taken, true);
                        done.complete(taken);
                    }
                });
            } catch (KafkaException e) {
                queued.decrementAndGet();
                failed(e);
                done.completeExceptionally(new StorageException("the Kafka brokers cannot be reached ("
                        + e.getMessage() + "); retry with the same message ids", e));
            }
        }
        return done;
    }

    /**
     * The partition of an event: invites and acceptances by (workspace, invitee), everything else by (workspace,
     * message id), as the sharding key of a ClickHouse cluster. A send and its acceptance are then shipped by one
     * owner, in order, so ClickHouse's matching views see both as on one node, with no repair pass (which, run
     * after every shipment, held shipping to about 10,000 events/s). A repeat has its original's content, so it
     * lands in its original's partition either way.
     */
    private int partitionOf(StoredEvent row) {
        byte[] routing = row.inviteeEmail() == null ? IdIndex.key(row.workspaceId(), row.messageId())
                : ("\1" + row.workspaceId() + "\0" + row.inviteeEmail()).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(routing)) % partitions;
    }

    private void failed(Exception error) {
        if (brokerFailure.getAndSet(error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getMessage()) == null) {
            LOG.warn("kafka journal: the brokers do not answer ({}); writes are answered 503 until they do",
                    error.getMessage());
        }
        lastProbe = System.nanoTime();
    }

    /** Refuses at once while not connected, or while the brokers fail (but lets a write through now and then). */
    private void refuseUnlessTakingWrites() {
        if (state == State.STOPPED) {
            throw new IllegalStateException("the write path is stopped");
        }
        if (state != State.READY) {
            throw new StorageException((startFailure != null ? startFailure : "connecting to Kafka")
                    + "; nothing was stored, retry shortly");
        }
        String failure = brokerFailure.get();
        if (failure != null && !probeBrokers()) {
            throw new StorageException("the Kafka brokers do not take writes (" + failure
                    + "); nothing was stored, retry shortly");
        }
    }

    /** Writes a record to every partition; completes with each partition's offset of it. */
    private CompletableFuture<Map<Integer, Long>> everywhere(JournalRecord record) {
        refuseUnlessTakingWrites();
        byte[] value = JournalCodec.message(record);
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            CompletableFuture<RecordMetadata> one = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(kafka.getTopic(), partition, MARKER_KEY, value), (metadata, error) -> {
                if (error != null) {
                    failed(error);
                    one.completeExceptionally(new StorageException("the Kafka brokers did not take the deletion ("
                            + error.getMessage() + "); nothing was deleted, retry"));
                } else {
                    one.complete(metadata);
                }
            });
            sent.add(one);
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<Integer, Long> offsets = new TreeMap<>();
            for (CompletableFuture<RecordMetadata> one : sent) {
                RecordMetadata metadata = one.join();
                offsets.put(metadata.partition(), metadata.offset());
            }
            return offsets;
        });
    }

    @Override
    public Deletion deleteUser(String workspaceId, String userId) {
        return deletion(new JournalRecord.DeleteUser(workspaceId, userId));
    }

    @Override
    public Deletion deleteInvitee(String workspaceId, String email) {
        return deletion(new JournalRecord.DeleteInvitee(workspaceId, email));
    }

    /** Journaled once every partition has it; applied (count unknown: -1) once every partition shipped past it. */
    private Deletion deletion(JournalRecord record) {
        CompletableFuture<Map<Integer, Long>> journaled = everywhere(record);
        CompletableFuture<Long> applied = journaled.thenCompose(offsets -> shippedPast(offsets, DELETION_WAIT));
        return new Deletion(journaled.thenApply(offsets -> -1L), applied);
    }

    /** Completes with -1 once every partition's shipping passed its offset, checking every 100 ms. */
    private CompletableFuture<Long> shippedPast(Map<Integer, Long> offsets, Duration timeout) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                try {
                    Map<Integer, Long> shipped = shippedOffsets();
                    boolean all = true;
                    for (Map.Entry<Integer, Long> entry : offsets.entrySet()) {
                        if (shipped.getOrDefault(entry.getKey(), 0L) <= entry.getValue()) {
                            all = false;
                            hurry(entry.getKey());
                        }
                    }
                    if (all) {
                        done.complete(-1L);
                        return;
                    }
                } catch (RuntimeException e) {
                    LOG.debug("checking shipped offsets: {}", e.getMessage());
                }
                if (System.nanoTime() > deadline) {
                    done.completeExceptionally(new TimeoutException("not shipped within " + timeout));
                } else if (!waits.isShutdown()) {
                    waits.schedule(this, 100, TimeUnit.MILLISECONDS);
                }
            }
        };
        waits.execute(check);
        return done;
    }

    private void hurry(int partition) {
        PartitionShipper shipper = shippers.get(partition);
        if (shipper != null) {
            shipper.hurry();
        }
    }

    @Override
    public long expireBefore(Instant cutoff, Duration timeout) {
        try {
            Map<Integer, Long> offsets = everywhere(new JournalRecord.Expire(cutoff))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return shippedPast(offsets, timeout).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new StorageException("retention failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StorageException("retention did not finish within " + timeout.toSeconds() + " s; it goes on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for retention", e);
        }
    }

    /**
     * Read-your-writes across nodes: the partitions' end offsets now, then waits until the group has shipped up to
     * them (the committed offsets, or this node's own shipping, which is fresher).
     */
    @Override
    public boolean awaitAcknowledged(Duration timeout) {
        if (state != State.READY || !probeBrokers()) {
            return false; // reads go on at once while the brokers are known to be down
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Map<Integer, Long> ends = endOffsets(timeout);
            brokerFailure.set(null);
            while (true) {
                Map<Integer, Long> shipped = shippedOffsets();
                boolean all = true;
                for (Map.Entry<Integer, Long> end : ends.entrySet()) {
                    if (shipped.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                        all = false;
                        hurry(end.getKey());
                    }
                }
                if (all) {
                    return true;
                }
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20) > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.debug("read-your-writes check failed: {}", e.getMessage());
            failed(e);
            return false;
        }
    }

    /** False while the brokers are known to be down, except once a second (a probe). */
    private boolean probeBrokers() {
        if (brokerFailure.get() == null) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastProbe < PROBE_NANOS) {
            return false;
        }
        lastProbe = now;
        return true;
    }

    private Map<Integer, Long> endOffsets(Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            latest.put(new TopicPartition(kafka.getTopic(), partition), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(latest).all()
                .get(Math.min(timeout.toMillis(), ADMIN_TIMEOUT.toMillis()), TimeUnit.MILLISECONDS);
        Map<Integer, Long> ends = new HashMap<>();
        answer.forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
        return ends;
    }

    /** Per partition, the offset before which everything is in ClickHouse: the group's, or this node's own. */
    private Map<Integer, Long> shippedOffsets() {
        Map<Integer, Long> shipped = new HashMap<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(kafka.getConsumerGroup())
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            committed.forEach((partition, offset) -> {
                if (offset != null && partition.topic().equals(kafka.getTopic())) {
                    shipped.put(partition.partition(), offset.offset());
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            throw new StorageException("cannot read the group's offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted", e);
        }
        shippers.forEach((partition, shipper) -> shipped.merge(partition, shipper.shippedThrough(), Math::max));
        return shipped;
    }

    @Override
    public long unappliedEvents() {
        long events = 0;
        for (PartitionShipper shipper : shippers.values()) {
            events += shipper.unshipped();
        }
        return events;
    }

    @Override
    public int queuedEvents() {
        return queued.get();
    }

    @Override
    public State state() {
        if (state == State.READY && brokerFailure.get() != null) {
            return State.UNAVAILABLE;
        }
        return state;
    }

    @Override
    public Status status() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kafka_topic", kafka.getTopic());
        details.put("kafka_partitions", partitions);
        Map<String, Object> owned = new TreeMap<>();
        String storeFailure = null;
        String progress = null;
        long indexIds = 0;
        long indexBytes = 0;
        for (Map.Entry<Integer, PartitionShipper> entry : new TreeMap<>(shippers).entrySet()) {
            PartitionShipper shipper = entry.getValue();
            Map<String, Object> described = shipper.describe();
            owned.put(Integer.toString(entry.getKey()), described);
            storeFailure = storeFailure != null ? storeFailure : shipper.storeFailure();
            if (progress == null && !"shipping".equals(described.get("state"))) {
                progress = "partition " + entry.getKey() + ": " + described.get("state");
            }
            indexIds += shipper.indexIds();
            indexBytes += shipper.indexDiskBytes();
        }
        details.put("kafka_owned_partitions", owned);
        if (state == State.READY && probeBrokers()) {
            try {
                Map<Integer, Long> ends = endOffsets(ADMIN_TIMEOUT);
                Map<Integer, Long> shipped = shippedOffsets();
                Map<String, Long> lag = new TreeMap<>();
                ends.forEach((partition, end) -> lag.put(Integer.toString(partition),
                        Math.max(0, end - shipped.getOrDefault(partition, 0L))));
                details.put("kafka_lag", lag);
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                details.put("kafka_failure", "cannot read offsets: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String failure = brokerFailure.get();
        if (failure != null) {
            details.put("kafka_failure", failure);
        }
        State now = state();
        long unshipped = unappliedEvents();
        return new Status(now, now == State.STARTING ? startFailure : now == State.UNAVAILABLE ? failure : progress,
                queued.get(), unshipped, 0, unshipped, -1, -1, storeFailure, indexIds, indexBytes, "kafka", details);
    }

    /** Stops taking writes, waits for the brokers to have what was sent, ships what it can, leaves the group. */
    @Override
    public void close() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        running = false;
        starter.interrupt();
        try {
            producer.close(Duration.ofSeconds(15));
        } catch (RuntimeException e) {
            LOG.warn("closing the Kafka producer: {}", e.getMessage());
        }
        KafkaConsumer<byte[], byte[]> polling = consumer;
        if (polling != null) {
            polling.wakeup();
        }
        Thread thread = consumerThread;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (PartitionShipper shipper : shippers.values()) {
            shipper.stop(false);
        }
        shippers.clear();
        waits.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
