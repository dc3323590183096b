package dev.invitetrack.storage.index;

import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids this node has stored, per workspace, in a local RocksDB: one look-up per commit decides which of its
 * events are new, without asking the store. Exact: the key is the workspace and the message id themselves (no
 * hash), so no repeat is counted twice and no new event is refused.
 *
 * <p>It keeps no log of its own (RocksDB's write-ahead log is off): the journal is the truth. With every batch of
 * ids it records the journal position they come from, in the same atomic write, and after a crash it holds what
 * it held at its last flush, position included; the journal after that position is replayed into it. Bloom
 * filters (10 bits a key) answer most look-ups of new ids without reading a block.
 *
 * <p>Each id keeps the event's time (for retention), when it was received (for the {@code window}) and the
 * journal position it came from (so that a retention run frees only ids acknowledged before it).
 *
 * <p>One thread writes ids (the group-commit writer, or a rebuild); any thread may look up, flush, or remove
 * expired ids.
 */
public final class IdIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdIndex.class);
    /** Meta keys start with 0: no id key does (workspace ids are never empty and never hold a 0 byte). */
    private static final byte[] POSITION_KEY = "\0position".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIRY_KEY = "\0expiry".getBytes(StandardCharsets.US_ASCII);
    /** Present while a rebuild runs: an index found with it was cut short and is rebuilt again. */
    static final String REBUILD_MARKER = "REBUILDING";

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    private final Cache cache;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private volatile Position position;

    /** Where the index stands in a journal: the journal's id and the last position whose ids it holds. */
    public record Position(String journalId, long position) {
        public static final Position NONE = new Position("", 0);
    }

    /** A retention run that had started removing ids when the index was last flushed. */
    public record PendingExpiry(Instant cutoff, long position) {}

    /** The index cannot be used as it is: damaged, or a rebuild of it was cut short. */
    public static final class UnusableException extends RuntimeException {
        UnusableException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    private IdIndex(Path directory, RocksDB db, Options options, Cache cache) {
        this.directory = directory;
        this.db = db;
        this.options = options;
        this.cache = cache;
        this.writeOptions = new WriteOptions().setDisableWAL(true);
        this.readOptions = new ReadOptions().setVerifyChecksums(false);
        this.position = readPosition();
    }

    /**
     * Opens the index in {@code directory}, creating an empty one when there is none.
     *
     * @throws UnusableException when it is damaged or a rebuild of it did not finish
     */
    public static IdIndex open(Path directory, long cacheBytes) {
        if (Files.exists(directory.resolve(REBUILD_MARKER))) {
            throw new UnusableException("a rebuild of the id index in " + directory + " did not finish", null);
        }
        return openDirectory(directory, cacheBytes);
    }

    /**
     * An empty index in {@code directory} (whatever was there is deleted), marked as being rebuilt until
     * {@link #finishRebuild}: a crash before then leaves an index that {@link #open} refuses, so it is rebuilt again.
     */
    public static IdIndex createForRebuild(Path directory, long cacheBytes) {
        delete(directory);
        markRebuilding(directory);
        return openDirectory(directory, cacheBytes);
    }

    private static IdIndex openDirectory(Path directory, long cacheBytes) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the id index directory " + directory, e);
        }
        Cache cache = new LRUCache(cacheBytes);
        // Filters and index blocks stay in memory outside the cache (about 1.3 bytes an id), so a look-up of a new id
        // never waits for a filter evicted by data blocks; 4 KiB LZ4 blocks make a look-up of a stored id read and
        // decompress little. Against 16 KiB blocks, ZSTD at the bottom and filters in the cache, at 10M ids on one
        // core: commits of new ids 51k -> 177k ids/s, look-ups of repeats 25k -> 103k ids/s (bench/id-index.sh).
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setFilterPolicy(new BloomFilter(10))
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(false)
                .setBlockSize(4 * 1024);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(32L * 1024 * 1024)
                .setMaxWriteBufferNumber(3)
                // a look-up of a new id misses the memtable without searching it
                .setMemtablePrefixBloomSizeRatio(0.1)
                .setMemtableWholeKeyFiltering(true)
                .setLevelCompactionDynamicLevelBytes(true)
                .setMaxBackgroundJobs(2)
                .setAvoidFlushDuringShutdown(false)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxLogFileSize(4L * 1024 * 1024);
        try {
            return new IdIndex(directory, RocksDB.open(options, directory.toString()), options, cache);
        } catch (RocksDBException e) {
            options.close();
            cache.close();
            String message = String.valueOf(e.getMessage());
            if (message.contains("LOCK")) {
                // Held by another process: not this process's to rebuild.
                throw new StorageException("cannot open the id index in " + directory + ": " + message, e);
            }
            throw new UnusableException("the id index in " + directory + " is damaged: " + message, e);
        }
    }

    /** Whether {@code directory} holds an index (or the remains of one). */
    public static boolean exists(Path directory) {
        return Files.exists(directory.resolve("CURRENT")) || Files.exists(directory.resolve(REBUILD_MARKER));
    }

    /** Deletes an index directory and everything in it. */
    public static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /** The key of an id: the workspace, a 0 byte, the message id, in UTF-8. */
    public static byte[] key(String workspaceId, String messageId) {
        byte[] workspace = workspaceId.getBytes(StandardCharsets.UTF_8);
        byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[workspace.length + 1 + id.length];
        System.arraycopy(workspace, 0, key, 0, workspace.length);
        System.arraycopy(id, 0, key, workspace.length + 1, id.length);
        return key;
    }

    public Path directory() {
        return directory;
    }

    /** The journal position the index has caught up to, as of now (not necessarily flushed). */
    public Position position() {
        return position;
    }

    /** For each key, whether the index holds it. */
    public boolean[] contains(List<byte[]> keys) {
        boolean[] found = new boolean[keys.size()];
        if (keys.isEmpty()) {
            return found;
        }
        try {
            List<byte[]> values = db.multiGetAsList(readOptions, keys);
            for (int i = 0; i < found.length; i++) {
                found[i] = values.get(i) != null;
            }
            return found;
        } catch (RocksDBException e) {
            throw new StorageException("id index look-up failed: " + e.getMessage(), e);
        }
    }

    /**
     * For each key, the journal position of the event that holds its id (the first occurrence, with a Kafka
     * partition as the journal), 0 for an id read from the store, -1 when the index does not hold it.
     */
    public long[] positionsOf(List<byte[]> keys) {
        long[] positions = new long[keys.size()];
        if (keys.isEmpty()) {
            return positions;
        }
        try {
            List<byte[]> values = db.multiGetAsList(readOptions, keys);
            for (int i = 0; i < positions.length; i++) {
                byte[] value = values.get(i);
                positions[i] = value == null ? -1 : positionOf(value);
            }
            return positions;
        } catch (RocksDBException e) {
            throw new StorageException("id index look-up failed: " + e.getMessage(), e);
        }
    }

    private static long positionOf(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        readVarLong(buffer);
        readVarLong(buffer);
        return readVarLong(buffer);
    }

    /**
     * Adds ids each with its own journal position ({@code keys[i]} is {@code rows[i]}'s key, first seen at
     * {@code positions[i]}) and records that the index holds everything up to {@code journalPosition}, in one
     * atomic write.
     */
    public void addAt(List<byte[]> keys, List<StoredEvent> rows, long[] positions, String journalId,
            long journalPosition) {
        writeBatch(batch -> {
            for (int i = 0; i < keys.size(); i++) {
                StoredEvent row = rows.get(i);
                batch.put(keys.get(i), value(row.timestamp(), row.receivedAt(), positions[i]));
            }
            batch.put(POSITION_KEY, positionValue(journalId, journalPosition));
        });
        position = new Position(journalId, journalPosition);
    }

    /**
     * Adds the ids of journaled events ({@code keys[i]} is {@code rows[i]}'s key) and records that the index holds
     * everything up to {@code journalPosition}, in one atomic write.
     */
    public void add(List<byte[]> keys, List<StoredEvent> rows, String journalId, long journalPosition) {
        writeBatch(batch -> {
            for (int i = 0; i < keys.size(); i++) {
                StoredEvent row = rows.get(i);
                batch.put(keys.get(i), value(row.timestamp(), row.receivedAt(), journalPosition));
            }
            batch.put(POSITION_KEY, positionValue(journalId, journalPosition));
        });
        position = new Position(journalId, journalPosition);
    }

    /** Adds ids read from the store (a rebuild): they come from before any journal position the index records. */
    public void addStored(List<byte[]> keys, List<Instant> timestamps, List<Instant> received) {
        writeBatch(batch -> {
            for (int i = 0; i < keys.size(); i++) {
                batch.put(keys.get(i), value(timestamps.get(i), received.get(i), 0));
            }
        });
    }

    /** Records a position whose record holds no ids (a deletion). */
    public void advance(String journalId, long journalPosition) {
        writeBatch(batch -> batch.put(POSITION_KEY, positionValue(journalId, journalPosition)));
        position = new Position(journalId, journalPosition);
    }

    /**
     * Records a retention run at {@code journalPosition} (atomically with the position itself), whose ids are
     * removed next by {@link #removeExpired}; an index flushed before that removal finished still knows to run it.
     */
    public void beginExpiry(Instant cutoff, String journalId, long journalPosition) {
        writeBatch(batch -> {
            batch.put(POSITION_KEY, positionValue(journalId, journalPosition));
            batch.put(EXPIRY_KEY, ByteBuffer.allocate(16).putLong(cutoff.toEpochMilli()).putLong(journalPosition).array());
        });
        position = new Position(journalId, journalPosition);
    }

    /** A retention run whose removal had not finished, if any. */
    public @Nullable PendingExpiry pendingExpiry() {
        try {
            byte[] value = db.get(EXPIRY_KEY);
            if (value == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return new PendingExpiry(Instant.ofEpochMilli(buffer.getLong()), buffer.getLong());
        } catch (RocksDBException e) {
            throw new StorageException("id index read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Retention: removes the ids of events older than {@code cutoff} that were acknowledged before the retention
     * run at {@code journalPosition} (an old event sent again after it stays until the next run), then clears the
     * pending run.
     *
     * @return how many ids were removed
     */
    public long removeExpired(Instant cutoff, long journalPosition) {
        long cutoffMillis = cutoff.toEpochMilli();
        long removed = removeWhere(value -> {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            long timestamp = readVarLong(buffer);
            readVarLong(buffer);
            long position = readVarLong(buffer);
            return timestamp < cutoffMillis && position < journalPosition;
        });
        try {
            PendingExpiry pending = pendingExpiry();
            if (pending != null && pending.position() == journalPosition) {
                db.delete(writeOptions, EXPIRY_KEY);
            }
        } catch (RocksDBException e) {
            throw new StorageException("id index write failed: " + e.getMessage(), e);
        }
        return removed;
    }

    /**
     * The window: removes the ids received before {@code cutoff}; a repeat of one of them is new again.
     *
     * @return how many ids were removed
     */
    public long removeReceivedBefore(Instant cutoff) {
        long cutoffMillis = cutoff.toEpochMilli();
        return removeWhere(value -> {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            long timestamp = readVarLong(buffer);
            long received = timestamp + zigzagDecode(readVarLong(buffer));
            return received < cutoffMillis;
        });
    }

    private interface ValueTest {
        boolean matches(byte[] value);
    }

    private long removeWhere(ValueTest test) {
        long removed = 0;
        try (ReadOptions scan = new ReadOptions().setFillCache(false);
                RocksIterator it = db.newIterator(scan)) {
            WriteBatch batch = new WriteBatch();
            try {
                // Id keys sort after the meta keys (which start with 0).
                it.seek(new byte[] {1});
                for (; it.isValid(); it.next()) {
                    if (test.matches(it.value())) {
                        batch.delete(it.key());
                        removed++;
                        if (batch.count() >= 10_000) {
                            write(batch);
                            batch.close();
                            batch = new WriteBatch();
                        }
                    }
                }
                it.status();
                write(batch);
            } finally {
                batch.close();
            }
        } catch (RocksDBException e) {
            throw new StorageException("id index scan failed: " + e.getMessage(), e);
        }
        return removed;
    }

    /**
     * Writes what the index holds in memory to its files and returns the position that is now durable: a crash
     * after it replays the journal only from there.
     */
    public Position flush() {
        Position durable = position;
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw new StorageException("id index flush failed: " + e.getMessage(), e);
        }
        return durable;
    }

    /** About how many ids the index holds (RocksDB's estimate). */
    public long estimatedIds() {
        return property("rocksdb.estimate-num-keys");
    }

    /** Bytes of the index's files on disk. */
    public long diskBytes() {
        return property("rocksdb.total-sst-files-size");
    }

    /** Bytes of memory the index uses outside the Java heap: memtables, block cache, pinned filters. */
    public long memoryBytes() {
        return property("rocksdb.cur-size-all-mem-tables") + cache.getUsage() + property("rocksdb.estimate-table-readers-mem");
    }

    private long property(String name) {
        try {
            return db.getLongProperty(name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Writes and waits out any background compaction (for benchmarks that measure the settled size). */
    public void compact() {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new StorageException("id index compaction failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("id index {}: last flush failed ({}); the journal is replayed into it at the next start", directory,
                    e.getMessage());
        }
        writeOptions.close();
        readOptions.close();
        db.close();
        options.close();
        cache.close();
    }

    /** Fills a batch. */
    private interface BatchWork {
        void fill(WriteBatch batch) throws RocksDBException;
    }

    /** One atomic write of what {@code work} puts in a batch. */
    private void writeBatch(BatchWork work) {
        try (WriteBatch batch = new WriteBatch()) {
            work.fill(batch);
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StorageException("id index write failed: " + e.getMessage(), e);
        }
    }

    private void write(WriteBatch batch) {
        try {
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StorageException("id index write failed: " + e.getMessage(), e);
        }
    }

    private Position readPosition() {
        try {
            byte[] value = db.get(POSITION_KEY);
            if (value == null) {
                return Position.NONE;
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            long journalPosition = buffer.getLong();
            return new Position(new String(value, 8, value.length - 8, StandardCharsets.UTF_8), journalPosition);
        } catch (RocksDBException e) {
            throw new StorageException("id index read failed: " + e.getMessage(), e);
        }
    }

    private static byte[] positionValue(String journalId, long journalPosition) {
        byte[] id = journalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + id.length).putLong(journalPosition).put(id).array();
    }

    /** An id's value: the event's time, when it was received (from that time) and its journal position, as varints. */
    static byte[] value(Instant timestamp, Instant receivedAt, long journalPosition) {
        long time = timestamp.toEpochMilli();
        ByteBuffer buffer = ByteBuffer.allocate(30);
        writeVarLong(buffer, time);
        writeVarLong(buffer, zigzagEncode(receivedAt.toEpochMilli() - time));
        writeVarLong(buffer, journalPosition);
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    private static void writeVarLong(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    private static long readVarLong(ByteBuffer in) {
        long value = 0;
        int shift = 0;
        byte b;
        do {
            b = in.get();
            value |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    private static long zigzagEncode(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long zigzagDecode(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    /** For tests: the raw value of a key, decoded as (time, received, position), or null. */
    long @Nullable [] read(byte[] key) {
        try {
            byte[] value = db.get(key);
            if (value == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            long time = readVarLong(buffer);
            long received = time + zigzagDecode(readVarLong(buffer));
            return new long[] {time, received, readVarLong(buffer)};
        } catch (RocksDBException e) {
            throw new StorageException("id index read failed: " + e.getMessage(), e);
        }
    }

    /** Marks the directory as being rebuilt (see {@link #REBUILD_MARKER}). */
    private static void markRebuilding(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(REBUILD_MARKER), "a rebuild of this index is running or was cut short\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + directory + " as being rebuilt", e);
        }
    }

    /** Clears the rebuild marker: the index is complete. */
    public void finishRebuild() {
        try {
            flush();
            Files.deleteIfExists(directory.resolve(REBUILD_MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the rebuild marker in " + directory, e);
        }
    }

    /** Ids in key order (for tests). */
    List<String> ids() {
        List<String> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {1}); it.isValid(); it.next()) {
                out.add(new String(it.key(), StandardCharsets.UTF_8).replace('\0', '/'));
            }
        }
        return out;
    }
}
