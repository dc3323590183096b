package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.Journal;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit of the write path, on the group-commit writer's thread: the commit's ids are looked up in the id
 * index at once, only the new events are appended to the journal (one fsync for the whole commit), and their ids
 * go into the index. The index is written only after the append is durable, so an id in it always belongs to an
 * acknowledged event; an event whose append failed is not in the index, and its retry is new.
 *
 * <p>Should the index fail to take a commit's ids after the append (its disk full, say), the commit is still
 * acknowledged (it is in the journal) and the index is marked behind: before the next commit it catches up from
 * the journal, as it does at a start, and commits are refused until it has.
 *
 * <p>Not thread-safe: one writer thread (or a rebuild, before the writer starts).
 */
final class IndexedJournal {
    private static final Logger LOG = LoggerFactory.getLogger(IndexedJournal.class);
    private static final int REPLAY_BATCH_EVENTS = 20_000;

    private final Journal journal;
    private final IdIndex index;
    private boolean indexBehind;

    IndexedJournal(Journal journal, IdIndex index) {
        this.journal = requireNonNull(journal, "journal is null");
        this.index = requireNonNull(index, "index is null");
    }

    /**
     * Appends the new events among {@code rows} and says, per row, whether it was new: not in the index, and not
     * an earlier row of the same commit.
     *
     * @throws StorageException when nothing was appended (the journal could not take it, or the index is behind
     *     and could not catch up)
     */
    boolean[] commit(List<StoredEvent> rows) {
        catchUpIfBehind();
        boolean[] fresh = new boolean[rows.size()];
        List<byte[]> keys = new ArrayList<>(rows.size());
        List<Integer> candidates = new ArrayList<>(rows.size());
        Set<ByteBuffer> inCommit = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            byte[] key = IdIndex.key(rows.get(i).workspaceId(), rows.get(i).messageId());
            if (inCommit.add(ByteBuffer.wrap(key))) {
                keys.add(key);
                candidates.add(i);
            }
        }
        boolean[] stored = index.contains(keys);
        List<StoredEvent> append = new ArrayList<>(candidates.size());
        List<byte[]> appendKeys = new ArrayList<>(candidates.size());
        for (int c = 0; c < candidates.size(); c++) {
            if (!stored[c]) {
                fresh[candidates.get(c)] = true;
                append.add(rows.get(candidates.get(c)));
                appendKeys.add(keys.get(c));
            }
        }
        if (append.isEmpty()) {
            return fresh;
        }
        long position = journal.append(new JournalRecord.Events(append));
        try {
            index.add(appendKeys, append, journal.id(), position);
        } catch (RuntimeException e) {
            indexBehind = true;
            LOG.warn("the id index could not take record {} ({}); it catches up from the journal before the next"
                    + " commit", position, e.getMessage());
        }
        return fresh;
    }

    /** Appends a deletion or a retention run; returns its position. */
    long append(JournalRecord record) {
        catchUpIfBehind();
        long position = journal.append(record);
        try {
            if (record instanceof JournalRecord.Expire expire) {
                index.beginExpiry(expire.cutoff(), journal.id(), position);
            } else {
                index.advance(journal.id(), position);
            }
        } catch (RuntimeException e) {
            indexBehind = true;
            LOG.warn("the id index could not record {} ({}); it catches up from the journal before the next commit",
                    position, e.getMessage());
        }
        return position;
    }

    private void catchUpIfBehind() {
        if (!indexBehind) {
            return;
        }
        try {
            catchUp();
            indexBehind = false;
        } catch (RuntimeException e) {
            throw new StorageException("the id index is behind the journal and cannot catch up (" + e.getMessage()
                    + "); nothing was stored, retry shortly", e);
        }
    }

    /**
     * Replays the journal records after the index's position into it: after a crash, after a failure, or after a
     * rebuild from the store. Retention runs among them remove their ids again.
     *
     * @return how many records were replayed
     */
    long catchUp() {
        IdIndex.Position at = index.position();
        long from = at.journalId().equals(journal.id()) ? at.position() + 1 : journal.firstPosition();
        return replay(from);
    }

    /** Replays the records from {@code from} to the journal's end into the index. */
    long replay(long from) {
        long records = 0;
        long next = Math.max(from, journal.firstPosition());
        while (next <= journal.lastPosition()) {
            List<JournalEntry> entries = journal.read(next, REPLAY_BATCH_EVENTS);
            for (JournalEntry entry : entries) {
                apply(entry);
                records++;
            }
            next = entries.get(entries.size() - 1).position() + 1;
        }
        return records;
    }

    private void apply(JournalEntry entry) {
        JournalRecord record = entry.record();
        if (record instanceof JournalRecord.Events events) {
            List<byte[]> keys = new ArrayList<>(events.rows().size());
            for (StoredEvent row : events.rows()) {
                keys.add(IdIndex.key(row.workspaceId(), row.messageId()));
            }
            index.add(keys, events.rows(), journal.id(), entry.position());
        } else if (record instanceof JournalRecord.Expire expire) {
            index.beginExpiry(expire.cutoff(), journal.id(), entry.position());
            index.removeExpired(expire.cutoff(), entry.position());
        } else {
            index.advance(journal.id(), entry.position());
        }
    }

    /** Removes the ids of a retention run (off the writer's thread: ids added meanwhile come after it). */
    long removeExpired(Instant cutoff, long position) {
        return index.removeExpired(cutoff, position);
    }
}
