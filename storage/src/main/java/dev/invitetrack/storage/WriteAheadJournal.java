package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, fsync'd log of event batches on local disk, in numbered segment files
 * ({@code 00000000000000000001.journal}, ...). Each record is one commit's rows: its length, a CRC32C of
 * its bytes, then the rows. {@link #append} returns only after the record is on disk, so a batch it took
 * survives a crash of the process or the machine. A record cut short by a crash during its append (it was
 * never acknowledged) fails its length or checksum and is dropped, with everything after it in that
 * segment, when the journal is opened.
 *
 * <p>Not thread-safe: {@link JournaledEventStore} and {@link CheckpointedEventStore} serialize access.
 */
final class WriteAheadJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadJournal.class);
    private static final String SUFFIX = ".journal";
    private static final int HEADER_BYTES = 8;

    private final Path directory;
    private final long maxSegmentBytes;
    private final List<Segment> segments = new ArrayList<>();
    private @Nullable FileChannel open;
    private long bytes;
    private long events;

    /** A segment file and the events and bytes its valid records hold. */
    record Segment(long number, Path path, long bytes, long events) {}

    /** One record read back: its rows. */
    record Entry(List<StoredEvent> rows) {}

    WriteAheadJournal(Path directory, long maxSegmentBytes) {
        this.directory = requireNonNull(directory, "directory is null");
        this.maxSegmentBytes = maxSegmentBytes;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path path : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                    segments.add(recover(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + directory, e);
        }
        segments.removeIf(segment -> {
            if (segment.events() == 0) {
                deleteQuietly(segment.path());
                return true;
            }
            return false;
        });
        for (Segment segment : segments) {
            bytes += segment.bytes();
            events += segment.events();
        }
        if (events > 0) {
            LOG.info("journal {} holds {} events in {} segments, to be written to storage", directory, events,
                    segments.size());
        }
    }

    /** Reads a segment after a restart; cuts it at the first torn or corrupt record. */
    private static Segment recover(Path path) throws IOException {
        long number = Long.parseLong(path.getFileName().toString().replace(SUFFIX, ""));
        long valid = 0;
        long events = 0;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(path))) {
            while (true) {
                byte[] payload = readRecord(in);
                if (payload == null) {
                    break;
                }
                valid += HEADER_BYTES + payload.length;
                events += decode(payload).size();
            }
        }
        if (valid < Files.size(path)) {
            LOG.warn("journal segment {} ends with an incomplete record (a crash while appending it, before it"
                    + " was acknowledged); cutting it at byte {}", path, valid);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(valid);
                channel.force(true);
            }
        }
        return new Segment(number, path, valid, events);
    }

    /** The segments, oldest first. */
    List<Segment> segments() {
        return List.copyOf(segments);
    }

    boolean isEmpty() {
        return events == 0;
    }

    long events() {
        return events;
    }

    long bytes() {
        return bytes;
    }

    /** Appends one batch and forces it to disk. */
    void append(List<StoredEvent> rows) {
        byte[] payload = encode(rows);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try {
            FileChannel channel = openSegment();
            while (record.hasRemaining()) {
                channel.write(record);
            }
            channel.force(false);
        } catch (IOException e) {
            // The segment may now end in a torn record, where a restart cuts it: later records go to a new one.
            closeOpen();
            throw new StorageException("cannot write the journal in " + directory + ": " + e.getMessage(), e);
        }
        Segment last = segments.remove(segments.size() - 1);
        segments.add(new Segment(last.number(), last.path(), last.bytes() + record.limit(), last.events() + rows.size()));
        bytes += record.limit();
        events += rows.size();
    }

    private FileChannel openSegment() throws IOException {
        if (open != null && segments.get(segments.size() - 1).bytes() >= maxSegmentBytes) {
            closeOpen();
        }
        if (open == null) {
            long number = segments.isEmpty() ? 1 : segments.get(segments.size() - 1).number() + 1;
            Path path = directory.resolve(String.format("%020d%s", number, SUFFIX));
            open = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            segments.add(new Segment(number, path, 0, 0));
            syncDirectory();
        }
        return open;
    }

    /**
     * The oldest segment, closed first if appends still go to it, so that its contents no longer change;
     * null when the journal is empty.
     */
    @Nullable Segment oldest() {
        if (segments.isEmpty()) {
            return null;
        }
        if (segments.size() == 1 && open != null) {
            closeOpen();
        }
        return segments.get(0);
    }

    /** Closes the segment appends go to, if any: every segment is then closed. Returns them, oldest first. */
    List<Segment> seal() {
        closeOpen();
        return List.copyOf(segments);
    }

    /** The records of a closed segment, in order. */
    static List<Entry> read(Segment segment) {
        List<Entry> entries = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(segment.path()))) {
            byte[] payload;
            while ((payload = readRecord(in)) != null) {
                entries.add(new Entry(decode(payload)));
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the journal segment " + segment.path() + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** Forgets a segment whose records are all in storage. */
    void remove(Segment segment) {
        if (segments.isEmpty() || segments.get(0).number() != segment.number()) {
            throw new IllegalStateException("only the oldest closed segment can be removed");
        }
        segments.remove(0);
        bytes -= segment.bytes();
        events -= segment.events();
        deleteQuietly(segment.path());
        syncDirectory();
    }

    /** Moves a segment storage keeps refusing aside, kept for an operator, and forgets it. */
    Path quarantine(Segment segment) {
        Path target = directory.resolve("rejected").resolve(segment.path().getFileName());
        try {
            Files.createDirectories(target.getParent());
            Files.move(segment.path(), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + segment.path() + " aside", e);
        }
        segments.remove(0);
        bytes -= segment.bytes();
        events -= segment.events();
        syncDirectory();
        return target;
    }

    private void closeOpen() {
        try {
            if (open != null) {
                open.close();
            }
        } catch (IOException e) {
            LOG.warn("closing a journal segment failed: {}", e.getMessage());
        }
        open = null;
    }

    /** Makes creations and deletions of segment files durable too. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("directory fsync not supported here: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closeOpen();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", path, e.getMessage());
        }
    }

    /** The next record's payload, or null at the end or at a torn or corrupt record. */
    private static byte @Nullable [] readRecord(DataInputStream in) throws IOException {
        int length;
        int checksum;
        try {
            length = in.readInt();
            checksum = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 0 || length > 256 * 1024 * 1024) {
            return null;
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue() == checksum ? payload : null;
    }

    static byte[] encode(List<StoredEvent> rows) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(rows.size() * 512);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(rows.size());
            for (StoredEvent row : rows) {
                writeString(out, row.workspaceId());
                writeString(out, row.messageId());
                writeString(out, row.eventName());
                writeString(out, row.userId());
                writeString(out, row.anonymousId());
                writeInstant(out, row.timestamp());
                writeInstant(out, row.receivedAt());
                writeInstant(out, row.sentAt());
                writeString(out, row.inviteeEmail());
                writeString(out, row.inviteeRole());
                writeString(out, row.inviterUserId());
                writeString(out, row.propertiesJson());
                writeString(out, row.contextJson());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static List<StoredEvent> decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int count = in.readInt();
            List<StoredEvent> rows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                rows.add(new StoredEvent(readString(in), readString(in), readString(in), readString(in),
                        readString(in), readInstant(in), readInstant(in), readInstant(in), readString(in),
                        readString(in), readString(in), readString(in), readString(in)));
            }
            return rows;
        }
    }

    private static void writeString(DataOutputStream out, @Nullable String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static @Nullable String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writeInstant(DataOutputStream out, @Nullable Instant value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value.getEpochSecond());
            out.writeInt(value.getNano());
        }
    }

    private static @Nullable Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
}
