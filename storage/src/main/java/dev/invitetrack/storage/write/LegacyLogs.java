package dev.invitetrack.storage.write;

import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of earlier versions, which may hold acknowledged events a store does not have yet: H2's redo log
 * ({@code <dataDirectory>/h2-redo}) and the ClickHouse journal of the same directory as today's, in the format
 * before journal ids (segments of length, CRC32C and rows). They are set aside at start, before today's journal
 * opens, and their events go through the write path once the id index is ready, before any new request: the index
 * drops what the store already holds, the rest is journaled. A start cut short meanwhile does it again (the index
 * drops what the first attempt journaled).
 */
final class LegacyLogs {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyLogs.class);
    private static final String SUFFIX = ".journal";
    private static final String SET_ASIDE = "legacy";

    private LegacyLogs() {}

    /**
     * Moves the segments of an earlier version's journal in {@code journalDirectory} (one without a journal id) into
     * its {@code legacy} folder, so that today's journal starts empty beside them.
     */
    static void setAside(Path journalDirectory) {
        if (!Files.isDirectory(journalDirectory) || Files.exists(journalDirectory.resolve("journal.id"))) {
            return;
        }
        List<Path> segments = segments(journalDirectory);
        if (segments.isEmpty()) {
            return;
        }
        Path target = journalDirectory.resolve(SET_ASIDE);
        try {
            Files.createDirectories(target);
            for (Path segment : segments) {
                Files.move(segment, target.resolve(segment.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the journal of an earlier version in " + journalDirectory
                    + " aside", e);
        }
        LOG.info("journal {}: {} segments of an earlier version set aside; their events are written once the id"
                + " index is ready", journalDirectory, segments.size());
    }

    /** The directories whose segments are to be imported: today's journal's {@code legacy} folder, and more. */
    static List<Path> pending(Path journalDirectory, List<Path> others) {
        List<Path> out = new ArrayList<>();
        for (Path directory : concat(journalDirectory.resolve(SET_ASIDE), others)) {
            if (Files.isDirectory(directory) && !segments(directory).isEmpty()) {
                out.add(directory);
            }
        }
        return out;
    }

    /** Commits each segment's events through {@code commit}, oldest first, then deletes the directory's segments. */
    static long importInto(Path directory, IndexedJournal commit) {
        long events = 0;
        long fresh = 0;
        for (Path segment : segments(directory)) {
            for (List<StoredEvent> rows : read(segment)) {
                boolean[] stored = commit.commit(rows);
                events += rows.size();
                for (boolean each : stored) {
                    fresh += each ? 1 : 0;
                }
            }
        }
        LOG.info("{}: {} events of an earlier version's log, {} of them not in the store yet and journaled now",
                directory, events, fresh);
        for (Path segment : segments(directory)) {
            try {
                Files.delete(segment);
            } catch (IOException e) {
                LOG.warn("cannot delete {} ({}): it is imported again at the next start, which changes nothing",
                        segment, e.getMessage());
            }
        }
        return fresh;
    }

    private static List<Path> concat(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<Path> segments(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /** A segment's records, each a list of rows; a torn or damaged record ends the segment (it was never answered). */
    static List<List<StoredEvent>> read(Path segment) {
        List<List<StoredEvent>> records = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(segment))) {
            byte[] payload;
            while ((payload = readRecord(in)) != null) {
                records.add(decode(payload));
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + segment + ", a log of an earlier version: " + e.getMessage(),
                    e);
        }
        return records;
    }

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

    private static List<StoredEvent> decode(byte[] payload) throws IOException {
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

    private static @Nullable String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static @Nullable Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
}
