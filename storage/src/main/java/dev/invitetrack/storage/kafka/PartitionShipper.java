package dev.invitetrack.storage.kafka;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.JournalCodec;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import dev.invitetrack.storage.write.Applier;
import dev.invitetrack.storage.write.RejectedRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of the topic while this node owns it: its id index, the records consumed and not yet shipped, and
 * the applier that ships them to ClickHouse in bulk.
 *
 * <p>An id's value in the index is the position (offset + 1) of the first record that carried it. A record is new
 * when its id is absent or was first seen at this very record, so reading the same records again (after a crash, a
 * rebalance, or on another node with another copy of the index) decides the same way: a shipment's events are a
 * function of its offset range, and its deduplication token, made from the partition and that range, lets
 * ClickHouse drop a shipment it already has.
 *
 * <p>When the partition is assigned, a thread of its own opens the index and brings it up to where ClickHouse stands
 * (reading the topic from the index's last position, or from the start when the index is missing), while the
 * consumer keeps the partition paused. The consumer thread then seeks to ClickHouse's position and ships from
 * there; a shipment ClickHouse may have cut short is shipped again first with exactly its bounds.
 */
final class PartitionShipper {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionShipper.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** What the node's shippers share. */
    record Context(EventStore store, Path indexDirectory, long indexCacheBytes, Properties catchUpConsumer,
            int maxEventsPerShipment, long maxBytesPerShipment, Duration shipInterval, RejectedRecords rejected,
            MetricRegistry metrics) {}

    private final TopicPartition partition;
    private final String journalId;
    private final Context context;
    private final Thread catchUpThread;
    private volatile boolean stopping;
    private volatile @Nullable String progress = "waiting for ClickHouse's position";
    private volatile @Nullable String failure;
    /** Set by the catch-up thread once the index is ready; read by the consumer thread. */
    private volatile @Nullable AppliedPosition storePosition;
    private volatile @Nullable IdIndex index;
    private volatile @Nullable PartitionLog log;
    private volatile @Nullable Applier applier;
    private volatile int maxUnshipped = Integer.MAX_VALUE;
    private volatile long caughtUpIds;
    private volatile long catchUpMillis = -1;
    private long lastCommitted = -1;
    private long lastFlush = System.nanoTime();
    private boolean paused;

    PartitionShipper(TopicPartition partition, String journalId, Context context) {
        this.partition = requireNonNull(partition, "partition is null");
        this.journalId = requireNonNull(journalId, "journalId is null");
        this.context = requireNonNull(context, "context is null");
        this.catchUpThread = new Thread(this::catchUp, "kafka-index-catch-up-" + partition.partition());
        this.catchUpThread.setDaemon(true);
    }

    void startCatchUp() {
        catchUpThread.start();
    }

    TopicPartition partition() {
        return partition;
    }

    /** Whether the index is caught up and the consumer may seek to {@link #resumeOffset} and resume. */
    boolean readyToResume() {
        return storePosition != null && log == null && !stopping;
    }

    /** Whether the consumer sought to the partition's position once (its index is caught up). */
    boolean resumedOnce() {
        return log != null;
    }

    /** The offset to read from: the first record of ClickHouse's last (possibly cut short) shipment, or after it. */
    long resumeOffset() {
        AppliedPosition at = requireNonNull(storePosition, "not caught up");
        // Position p is offset p - 1; the store holds every position up to applied.
        return at.applied();
    }

    /** Called by the consumer thread after it sought to {@link #resumeOffset}. */
    void resumed() {
        AppliedPosition at = requireNonNull(storePosition, "not caught up");
        log = new PartitionLog(journalId, at.applied());
        progress = null;
    }

    /**
     * Indexes consumed records and queues the new events and the deletions for shipping; starts the applier once
     * the records of a shipment ClickHouse may have cut short are all here.
     */
    void accept(List<ConsumerRecord<byte[], byte[]>> records, long endOffset) {
        PartitionLog current = requireNonNull(log, "not resumed");
        for (JournalEntry entry : index(records)) {
            current.add(entry);
        }
        current.consumed(records.get(records.size() - 1).offset() + 1);
        startApplierWhenComplete(endOffset);
    }

    /** Starts the applier once every record of ClickHouse's last shipment is consumed (or the partition has no more). */
    void startApplierWhenComplete(long endOffset) {
        PartitionLog current = log;
        AppliedPosition at = storePosition;
        if (applier != null || current == null || at == null) {
            return;
        }
        if (current.consumedThrough() < at.inFlightThrough() && current.consumedThrough() < endOffset) {
            return;
        }
        Applier started = new Applier(new ShippedEventsStore(context.store(), context.metrics()), current,
                context.maxEventsPerShipment(), context.maxBytesPerShipment(), context.shipInterval(),
                Math.max(1, maxUnshipped / 2), current::events, context.rejected(), context.metrics());
        started.start(at);
        applier = started;
    }

    /**
     * Indexes records: returns the entries to ship (new events, deletions, retention runs) and adds the new ids,
     * with the position of the record that first carried each, to the index.
     */
    private List<JournalEntry> index(List<ConsumerRecord<byte[], byte[]>> records) {
        IdIndex current = requireNonNull(index, "no index");
        List<JournalRecord> decoded = new ArrayList<>(records.size());
        List<byte[]> keys = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JournalRecord journalRecord = record.value() == null ? null : JournalCodec.fromMessage(record.value());
            if (journalRecord == null) {
                LOG.warn("partition {} offset {}: not an invitetrack record; skipped", partition, record.offset());
            } else if (journalRecord instanceof JournalRecord.Events events) {
                for (StoredEvent row : events.rows()) {
                    keys.add(IdIndex.key(row.workspaceId(), row.messageId()));
                }
            }
            decoded.add(journalRecord);
        }
        long[] known = current.positionsOf(keys);
        Map<ByteBuffer, Long> firstInBatch = new HashMap<>();
        List<JournalEntry> entries = new ArrayList<>();
        List<byte[]> addKeys = new ArrayList<>();
        List<StoredEvent> addRows = new ArrayList<>();
        List<Long> addPositions = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < records.size(); i++) {
            long position = records.get(i).offset() + 1;
            JournalRecord record = decoded.get(i);
            if (record instanceof JournalRecord.Events events) {
                List<StoredEvent> fresh = new ArrayList<>(events.rows().size());
                for (StoredEvent row : events.rows()) {
                    byte[] key = keys.get(k);
                    ByteBuffer wrapped = ByteBuffer.wrap(key);
                    long first = firstInBatch.getOrDefault(wrapped, known[k]);
                    k++;
                    if (first == -1) {
                        firstInBatch.put(wrapped, position);
                        addKeys.add(key);
                        addRows.add(row);
                        addPositions.add(position);
                        fresh.add(row);
                    } else if (first == position) {
                        fresh.add(row); // read again: this record is where the id was first seen
                    }
                }
                if (!fresh.isEmpty()) {
                    entries.add(new JournalEntry(position, new JournalRecord.Events(fresh)));
                }
            } else if (record != null) {
                entries.add(new JournalEntry(position, record));
                if (record instanceof JournalRecord.Expire expire) {
                    addToIndex(current, addKeys, addRows, addPositions, position);
                    current.removeExpired(expire.cutoff(), position);
                }
            }
        }
        addToIndex(current, addKeys, addRows, addPositions, records.get(records.size() - 1).offset() + 1);
        caughtUpIds += addKeys.size();
        return entries;
    }

    private void addToIndex(IdIndex current, List<byte[]> keys, List<StoredEvent> rows, List<Long> positions,
            long through) {
        long[] at = new long[positions.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = positions.get(i);
        }
        current.addAt(keys, rows, at, journalId, through);
        keys.clear();
        rows.clear();
        positions.clear();
    }

    /** Opens the index and brings it up to ClickHouse's position in the partition, from the topic. */
    private void catchUp() {
        long started = System.nanoTime();
        try {
            AppliedPosition at = storePositionWithRetries();
            if (at == null) {
                return;
            }
            progress = "opening the id index";
            IdIndex opened = openIndex();
            index = opened;
            long from = opened.position().journalId().equals(journalId) ? opened.position().position() : 0;
            long to = at.applied(); // offsets below it are in ClickHouse
            if (from < to) {
                readIntoIndex(opened, from, to);
            }
            catchUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (from < to) {
                LOG.info("{}: id index caught up from offset {} to {} ({} ids) in {} ms", partition, from, to,
                        caughtUpIds, catchUpMillis);
            }
            progress = "resuming at offset " + at.applied();
            storePosition = at;
        } catch (RuntimeException e) {
            failure = "the id index of " + partition + " could not catch up: " + e.getMessage();
            LOG.error("{}; the partition waits until it is assigned again", failure, e);
        }
    }

    private @Nullable AppliedPosition storePositionWithRetries() {
        while (!stopping) {
            try {
                return context.store().appliedPosition(journalId);
            } catch (RuntimeException e) {
                failure = "waiting for ClickHouse: " + e.getMessage();
                sleepQuietly(1_000);
            }
        }
        return null;
    }

    private IdIndex openIndex() {
        Path directory = context.indexDirectory();
        try {
            IdIndex opened = IdIndex.open(directory, context.indexCacheBytes());
            if (opened.position().position() == 0 || opened.position().journalId().equals(journalId)) {
                return opened;
            }
            LOG.warn("{}: the id index in {} belongs to {}; building a new one", partition, directory,
                    opened.position().journalId());
            opened.close();
        } catch (IdIndex.UnusableException e) {
            LOG.warn("{}: {}; building a new one from the topic", partition, e.getMessage());
        }
        IdIndex fresh = IdIndex.createForRebuild(directory, context.indexCacheBytes());
        fresh.finishRebuild();
        return fresh;
    }

    /** Reads offsets [from, to) of the partition into the index, with a consumer of its own (no group). */
    private void readIntoIndex(IdIndex opened, long from, long to) {
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(context.catchUpConsumer())) {
            reader.assign(List.of(partition));
            long start = Math.max(from, reader.beginningOffsets(List.of(partition)).get(partition));
            reader.seek(partition, start);
            long next = start;
            while (next < to && !stopping) {
                ConsumerRecords<byte[], byte[]> polled = reader.poll(POLL);
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
                for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                    if (record.offset() < to) {
                        records.add(record);
                    }
                }
                if (!records.isEmpty()) {
                    index(records);
                    next = records.get(records.size() - 1).offset() + 1;
                    progress = "catching up the id index: offset " + next + " of " + to;
                } else {
                    next = Math.max(next, reader.position(partition));
                }
            }
        }
        opened.flush();
    }

    /** Flushes the index to its files as often as configured (it keeps no log: the topic is the truth). */
    void flushIndexEvery(Duration interval) {
        IdIndex current = index;
        if (current != null && log != null && System.nanoTime() - lastFlush >= interval.toNanos()) {
            current.flush();
            lastFlush = System.nanoTime();
        }
    }

    /** The offset to commit (everything before it is in ClickHouse or was a repeat), or -1 when nothing is new. */
    long offsetToCommit() {
        PartitionLog current = log;
        if (current == null) {
            return -1;
        }
        long through = current.shippedThrough(); // a position: the next offset to read
        return through > lastCommitted ? through : -1;
    }

    void committed(long offset) {
        lastCommitted = Math.max(lastCommitted, offset);
    }

    /** Events consumed and not shipped yet. */
    long unshipped() {
        PartitionLog current = log;
        return current == null ? 0 : current.events();
    }

    void maxUnshipped(int events) {
        maxUnshipped = events;
    }

    /** Whether the consumer should pause the partition (too much unshipped) or may resume it. */
    boolean shouldPause() {
        long held = unshipped();
        if (paused) {
            paused = held > maxUnshipped / 2;
        } else {
            paused = held >= maxUnshipped;
        }
        return paused;
    }

    /** A query waits for this partition: the next shipment leaves now. */
    void hurry() {
        Applier current = applier;
        if (current != null) {
            current.hurry(Duration.ofMillis(500));
        }
    }

    /** The last position shipped or skipped as a repeat (0 before the partition resumed). */
    long shippedThrough() {
        PartitionLog current = log;
        return current == null ? 0 : current.shippedThrough();
    }

    /** What the health check shows for the partition. */
    Map<String, Object> describe() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        IdIndex current = index;
        Applier shipping = applier;
        out.put("state", failure != null && storePosition == null ? "failed" : progress == null ? "shipping"
                : progress);
        out.put("index_ids", current == null ? 0 : current.estimatedIds());
        out.put("index_disk_bytes", current == null ? 0 : current.diskBytes());
        out.put("index_catch_up_ms", catchUpMillis);
        out.put("unshipped_events", unshipped());
        out.put("shipped_events", shipping == null ? 0 : shipping.appliedEvents());
        out.put("shipped_through_offset", shippedThrough());
        if (shipping != null && shipping.lastFailure() != null) {
            out.put("store_failure", shipping.lastFailure());
        } else if (failure != null && storePosition == null) {
            out.put("failure", failure);
        }
        return out;
    }

    @Nullable String storeFailure() {
        Applier shipping = applier;
        return shipping == null ? null : shipping.lastFailure();
    }

    long indexIds() {
        IdIndex current = index;
        return current == null ? 0 : current.estimatedIds();
    }

    long indexDiskBytes() {
        IdIndex current = index;
        return current == null ? 0 : current.diskBytes();
    }

    /**
     * Stops: ships what can be shipped within a while when {@code drain}, stops the applier (its write in progress
     * finishes), flushes and closes the index. Returns the offset to commit, or -1.
     */
    long stop(boolean drain) {
        stopping = true;
        try {
            catchUpThread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Applier shipping = applier;
        PartitionLog current = log;
        if (shipping != null && current != null) {
            if (drain && shipping.lastFailure() == null) {
                shipping.awaitApplied(current.lastPosition(), Duration.ofSeconds(10));
            }
            shipping.close();
        }
        long offset = current == null ? -1 : current.shippedThrough();
        IdIndex opened = index;
        if (opened != null) {
            try {
                opened.flush();
            } catch (RuntimeException e) {
                LOG.warn("{}: last index flush failed ({}); it catches up from the topic next time", partition,
                        e.getMessage());
            }
            opened.close();
        }
        return offset;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
