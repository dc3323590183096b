package dev.invitetrack.storage.journal;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal in numbered segment files on the node's disk ({@code 00000000000000000001.journal}, named after
 * the position of their first record), fsync'd at every append. The newest records are also kept in memory, so
 * that a consumer keeping up reads them without touching the disk; one that fell behind (a store that was down,
 * a restart) reads the segments.
 *
 * <p>At open, each segment is checked record by record. A last record cut short by a crash during its append
 * (it was never acknowledged) is cut off. Damage anywhere else is acknowledged data that cannot be read, and
 * the journal refuses to open, saying which file, rather than skip it.
 *
 * <p>An append that fails (a full disk, an I/O error) is undone by cutting the segment back to where it
 * started, so that no record the client was refused is read later in this run. Should that fail too, the
 * journal refuses further appends until a restart, which reads the record as the one that was never answered.
 */
public final class LocalJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(LocalJournal.class);
    private static final String SUFFIX = ".journal";
    private static final String ID_FILE = "journal.id";
    private static final String LOCK_FILE = "journal.lock";
    /**
     * A fully released segment smaller than this (or than a quarter of a segment) is kept for more appends rather
     * than rolled at once.
     */
    private static final long MIN_ROLL_BYTES = 1024 * 1024;
    private static final int READ_BUFFER_BYTES = 1024 * 1024;

    private final Path directory;
    private final long segmentBytes;
    private final int maxTailEvents;
    private final String id;
    /** Held while open: a second process (or node) on the same directory would interleave its appends. */
    private final FileChannel lockChannel;
    private final FileLock lockHeld;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    /** Oldest first; the last one is the one appends go to. Guarded by {@link #lock}. */
    private final List<Segment> segments = new ArrayList<>();
    /** The newest records, consecutive, for consumers that keep up. Guarded by {@link #lock}. */
    private final ArrayDeque<JournalEntry> tail = new ArrayDeque<>();
    private long tailEvents;
    private long lastPosition;
    /** Everything up to here is applied everywhere; the active segment is rolled once it holds only such records. */
    private long released;
    private long events;
    private long bytes;
    /** Written by the appending thread only; replaced under the lock when a segment is rolled. */
    private FileChannel active;
    private volatile boolean broken;
    /** Where the last read from disk ended, so that a consumer reading on continues there. */
    private final Object cursorLock = new Object();
    private @Nullable Cursor cursor;

    private static final class Segment {
        final long first;
        final Path path;
        long last;
        long bytes;
        long events;

        Segment(long first, Path path) {
            this.first = first;
            this.path = path;
            this.last = first - 1;
        }

        boolean holdsRecords() {
            return last >= first;
        }
    }

    /** A consumer's place on disk: the next record of {@code segment} starts at {@code offset}. */
    private record Cursor(long segmentFirst, long offset, long nextPosition) {}

    /**
     * Opens the journal in {@code directory}, creating it if needed.
     *
     * @param segmentBytes the size at which a segment is closed and a new one started
     * @param maxTailEvents how many of the newest events are also kept in memory
     */
    public LocalJournal(Path directory, long segmentBytes, int maxTailEvents) {
        this.directory = requireNonNull(directory, "directory is null");
        this.segmentBytes = segmentBytes;
        this.maxTailEvents = maxTailEvents;
        try {
            Files.createDirectories(directory);
            this.lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + directory + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new StorageException("the journal in " + directory + " is in use by another process: each node"
                        + " needs a data directory of its own");
            }
            this.lockHeld = lock;
            this.id = readOrCreateId(directory.resolve(ID_FILE));
            List<Path> files;
            try (Stream<Path> list = Files.list(directory)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
            }
            for (int i = 0; i < files.size(); i++) {
                Segment segment = recover(files.get(i), i == files.size() - 1,
                        segments.isEmpty() ? -1 : segments.get(segments.size() - 1).last + 1);
                segments.add(segment);
                events += segment.events;
                bytes += segment.bytes;
            }
            if (segments.isEmpty()) {
                segments.add(create(1));
            }
            Segment last = segments.get(segments.size() - 1);
            lastPosition = last.last;
            active = FileChannel.open(last.path, StandardOpenOption.WRITE);
            active.position(last.bytes);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lockChannel); // releases the lock too
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open the journal in " + directory + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        if (events > 0) {
            LOG.info("journal {}: {} events in records {} to {} ({} segments, {} bytes)", directory, events,
                    firstPosition(), lastPosition, segments.size(), bytes);
        }
    }

    private static String readOrCreateId(Path file) throws IOException {
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        Path temporary = file.resolveSibling(ID_FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(file.getParent());
        return id;
    }

    /** Reads a segment after a restart: counts its records and cuts a torn last record off. */
    private Segment recover(Path path, boolean last, long expectedFirst) throws IOException {
        long first = Long.parseLong(path.getFileName().toString().replace(SUFFIX, ""));
        if (expectedFirst >= 0 && first != expectedFirst) {
            throw new StorageException("journal segment " + path + " starts at record " + first + " but the one"
                    + " before it ends at " + (expectedFirst - 1) + ": a segment is missing; restore it, or move the"
                    + " journal aside to start without it");
        }
        Segment segment = new Segment(first, path);
        long size = Files.size(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(channel, 0, size);
            while (true) {
                RecordReader.Raw raw = reader.next();
                if (raw == null) {
                    break;
                }
                long position = ByteBuffer.wrap(raw.payload(), 1, 8).getLong();
                if (position != segment.last + 1) {
                    reader.fail();
                    break;
                }
                segment.last = position;
                segment.events += eventsOf(raw.payload());
                segment.bytes = reader.offset();
            }
        }
        if (segment.bytes < size) {
            if (!last) {
                throw new StorageException("journal segment " + path + " is damaged at byte " + segment.bytes
                        + " (of " + size + "): the records after it were acknowledged and cannot be read. Restore the"
                        + " file, or move the journal aside to start without them");
            }
            LOG.warn("journal segment {} ends with an incomplete record (a crash while appending it, before it was"
                    + " acknowledged); cutting it at byte {}", path, segment.bytes);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(segment.bytes);
                channel.force(true);
            }
        }
        return segment;
    }

    /** The number of events of an intact payload, without decoding them. */
    private static long eventsOf(byte[] payload) {
        return payload[0] == 1 ? ByteBuffer.wrap(payload, 9, 4).getInt() : 0;
    }

    private Segment create(long first) throws IOException {
        Path path = directory.resolve(String.format("%020d%s", first, SUFFIX));
        Files.newByteChannel(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        syncDirectory(directory);
        return new Segment(first, path);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long append(JournalRecord record) {
        if (broken) {
            throw new StorageException("the journal in " + directory + " could not undo a failed append and takes no"
                    + " more until the server restarts");
        }
        long position = lastPosition + 1;
        ByteBuffer framed = JournalCodec.encode(position, record);
        int length = framed.remaining();
        Segment segment = segmentForAppend();
        long start = segment.bytes;
        try {
            while (framed.hasRemaining()) {
                active.write(framed);
            }
            active.force(false);
        } catch (IOException e) {
            undo(segment, start);
            throw new StorageException("cannot write the journal in " + directory + ": " + e.getMessage(), e);
        }
        JournalEntry entry = new JournalEntry(position, record);
        lock.lock();
        try {
            segment.last = position;
            segment.bytes += length;
            segment.events += record.events();
            events += record.events();
            bytes += length;
            lastPosition = position;
            tail.addLast(entry);
            tailEvents += Math.max(1, record.events());
            while (tailEvents > maxTailEvents && tail.size() > 1) {
                tailEvents -= Math.max(1, tail.removeFirst().record().events());
            }
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        return position;
    }

    /** The segment to append to, after rolling a full one. */
    private Segment segmentForAppend() {
        lock.lock();
        try {
            Segment last = segments.get(segments.size() - 1);
            boolean full = last.bytes >= segmentBytes;
            boolean allReleased = last.last <= released && last.bytes >= Math.min(MIN_ROLL_BYTES, segmentBytes / 4);
            if (last.holdsRecords() && (full || allReleased)) {
                return roll();
            }
            return last;
        } catch (IOException e) {
            throw new StorageException("cannot start a journal segment in " + directory + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, on the appending thread: closes the active segment and starts the next one. */
    private Segment roll() throws IOException {
        Segment next = create(lastPosition + 1);
        FileChannel channel = FileChannel.open(next.path, StandardOpenOption.WRITE);
        active.close();
        active = channel;
        segments.add(next);
        return next;
    }

    /** Cuts a failed append off; when even that fails, no more appends in this run. */
    private void undo(Segment segment, long start) {
        try {
            active.truncate(start);
            active.position(start);
            active.force(false);
        } catch (IOException | RuntimeException e) {
            broken = true;
            LOG.error("journal {}: a failed append could not be undone ({}); refusing appends until restart",
                    segment.path, e.getMessage());
        }
    }

    @Override
    public long lastPosition() {
        lock.lock();
        try {
            return lastPosition;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long firstPosition() {
        lock.lock();
        try {
            return segments.get(0).first;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<JournalEntry> read(long from, int maxEvents) {
        Segment segment;
        long segmentBytesNow;
        long upTo;
        lock.lock();
        try {
            if (from < segments.get(0).first) {
                throw new IllegalArgumentException("record " + from + " was released; the journal starts at "
                        + segments.get(0).first);
            }
            if (from > lastPosition) {
                return List.of();
            }
            if (!tail.isEmpty() && from >= tail.getFirst().position()) {
                return fromTail(from, maxEvents);
            }
            segment = segmentOf(from);
            segmentBytesNow = segment.bytes;
            upTo = Math.min(segment.last, tail.isEmpty() ? lastPosition : tail.getFirst().position() - 1);
        } finally {
            lock.unlock();
        }
        return fromDisk(segment, segmentBytesNow, from, upTo, maxEvents);
    }

    /** Under the lock. */
    private List<JournalEntry> fromTail(long from, int maxEvents) {
        List<JournalEntry> out = new ArrayList<>();
        long skip = from - tail.getFirst().position();
        int events = 0;
        Iterator<JournalEntry> it = tail.iterator();
        while (it.hasNext()) {
            JournalEntry entry = it.next();
            if (skip-- > 0) {
                continue;
            }
            if (!out.isEmpty() && events + entry.record().events() > maxEvents) {
                break;
            }
            out.add(entry);
            events += entry.record().events();
        }
        return out;
    }

    /** Under the lock: the segment holding {@code position}. */
    private Segment segmentOf(long position) {
        int low = 0;
        int high = segments.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (segments.get(middle).first <= position) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return segments.get(low);
    }

    private List<JournalEntry> fromDisk(Segment segment, long length, long from, long upTo, int maxEvents) {
        synchronized (cursorLock) {
            long offset = 0;
            long next = segment.first;
            if (cursor != null && cursor.segmentFirst() == segment.first && cursor.nextPosition() <= from) {
                offset = cursor.offset();
                next = cursor.nextPosition();
            }
            List<JournalEntry> out = new ArrayList<>();
            int events = 0;
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
                RecordReader reader = new RecordReader(channel, offset, length);
                while (next <= upTo) {
                    long before = reader.offset();
                    RecordReader.Raw raw = reader.next();
                    if (raw == null) {
                        throw new StorageException("journal segment " + segment.path + " cannot be read at byte "
                                + before + " although it was intact when written");
                    }
                    if (next >= from) {
                        JournalEntry entry = JournalCodec.decode(raw.payload());
                        if (entry == null || entry.position() != next) {
                            throw new StorageException("journal segment " + segment.path + " holds an unreadable record"
                                    + " at byte " + before);
                        }
                        if (!out.isEmpty() && events + entry.record().events() > maxEvents) {
                            cursor = new Cursor(segment.first, before, next);
                            return out;
                        }
                        out.add(entry);
                        events += entry.record().events();
                    }
                    next++;
                }
                cursor = new Cursor(segment.first, reader.offset(), next);
                return out;
            } catch (IOException e) {
                throw new StorageException("cannot read the journal segment " + segment.path + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean awaitAfter(long position, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            long left;
            while (lastPosition <= position && (left = deadline - System.nanoTime()) > 0) {
                appended.awaitNanos(left);
            }
            return lastPosition > position;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void readThrough(long position) {
        lock.lock();
        try {
            while (tail.size() > 1 && tail.getFirst().position() <= position) {
                tailEvents -= Math.max(1, tail.removeFirst().record().events());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(long position) {
        lock.lock();
        try {
            released = Math.max(released, position);
            // The segment appends go to is rolled by the next append (on the appending thread), then dropped here.
            while (segments.size() > 1 && segments.get(0).last <= position) {
                Segment released = segments.remove(0);
                events -= released.events;
                bytes -= released.bytes;
                Files.deleteIfExists(released.path);
            }
            syncDirectory(directory);
            while (!tail.isEmpty() && tail.getFirst().position() <= position && tail.size() > 1) {
                tailEvents -= Math.max(1, tail.removeFirst().record().events());
            }
        } catch (IOException e) {
            LOG.warn("journal {}: could not drop released segments: {}", directory, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long eventsFrom(long position) {
        Segment partial;
        long total = 0;
        lock.lock();
        try {
            partial = null;
            for (Segment segment : segments) {
                if (segment.first >= position) {
                    total += segment.events;
                } else if (segment.last >= position) {
                    partial = segment;
                }
            }
            if (partial == null) {
                return total;
            }
        } finally {
            lock.unlock();
        }
        // The segment holding the position: count its records from there.
        long from = position;
        while (true) {
            List<JournalEntry> entries = read(from, 100_000);
            if (entries.isEmpty() || entries.get(0).position() > partial.last) {
                return total;
            }
            for (JournalEntry entry : entries) {
                if (entry.position() <= partial.last) {
                    total += entry.record().events();
                }
            }
            from = entries.get(entries.size() - 1).position() + 1;
            if (from > partial.last) {
                return total;
            }
        }
    }

    @Override
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long events() {
        lock.lock();
        try {
            return events;
        } finally {
            lock.unlock();
        }
    }

    /** The number of segment files (for tests and health). */
    public int segmentCount() {
        lock.lock();
        try {
            return segments.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            active.close();
            lockHeld.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("closing the journal {} failed: {}", directory, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", channel, e.getMessage());
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("directory fsync not supported here: {}", e.getMessage());
        }
    }

    /** Reads framed records from a channel, through a buffer, from an offset up to a length. */
    private static final class RecordReader {
        record Raw(byte[] payload) {}

        private final FileChannel channel;
        private final long length;
        private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
        private long bufferStart;
        private long offset;

        RecordReader(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.offset = offset;
            this.length = length;
            this.bufferStart = offset;
            buffer.limit(0);
        }

        long offset() {
            return offset;
        }

        /** Marks the record just read as not valid: the offset goes back to where it started. */
        void fail() {
            offset = lastStart;
        }

        private long lastStart;

        /** The next intact record, or null at the end or at a torn or damaged one (offset stays before it). */
        @Nullable Raw next() throws IOException {
            lastStart = offset;
            if (length - offset < JournalCodec.HEADER_BYTES) {
                return null;
            }
            ByteBuffer header = ByteBuffer.wrap(readBytes(JournalCodec.HEADER_BYTES));
            int payloadLength = JournalCodec.payloadLength(header);
            if (payloadLength < 0 || length - offset - JournalCodec.HEADER_BYTES < payloadLength) {
                return null;
            }
            long headerAt = offset;
            offset += JournalCodec.HEADER_BYTES;
            byte[] payload = readBytes(payloadLength);
            if (payload.length < 1 + 8 || !JournalCodec.intact(header, payload)) {
                offset = headerAt;
                return null;
            }
            offset += payloadLength;
            return new Raw(payload);
        }

        /** {@code count} bytes at the offset (which it does not move). */
        private byte[] readBytes(int count) throws IOException {
            byte[] out = new byte[count];
            int copied = 0;
            long at = offset;
            while (copied < count) {
                if (at < bufferStart || at >= bufferStart + buffer.limit()) {
                    buffer.clear();
                    bufferStart = at;
                    int read = channel.read(buffer, at);
                    buffer.flip();
                    if (read <= 0) {
                        throw new IOException("unexpected end of file at byte " + at);
                    }
                }
                int inBuffer = (int) (at - bufferStart);
                int n = Math.min(count - copied, buffer.limit() - inBuffer);
                buffer.get(inBuffer, out, copied, n);
                copied += n;
                at += n;
            }
            return out;
        }
    }
}
