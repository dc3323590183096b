package dev.invitetrack.server.history;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * What an import has done so far: counts, and the first lines (in input order, whatever order the answers come in)
 * that were rejected or drew a warning, at most {@link #LISTED} of each kind, so that memory stays bounded however
 * many there are. Thread-safe.
 */
public final class ImportTally {
    /** How many rejected lines, and how many warnings, are kept to be listed. */
    public static final int LISTED = 20;

    /** A line of an input and what the import or the server said of it. */
    public record Note(int input, String inputName, long line, String reason) {
        public Note {
            requireNonNull(inputName, "inputName is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public String toString() {
            return inputName + ":" + line + ": " + reason;
        }
    }

    private static final Comparator<Note> INPUT_ORDER =
            Comparator.comparingInt(Note::input).thenComparingLong(Note::line).thenComparing(Note::reason);

    final LongAdder read = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder repeats = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder warned = new LongAdder();
    private final TreeSet<Note> rejections = new TreeSet<>(INPUT_ORDER);
    private final TreeSet<Note> warnings = new TreeSet<>(INPUT_ORDER);

    void reject(Note note) {
        rejected.increment();
        keep(rejections, note);
    }

    void warn(Note note) {
        warned.increment();
        keep(warnings, note);
    }

    private synchronized void keep(TreeSet<Note> notes, Note note) {
        notes.add(note);
        if (notes.size() > LISTED) {
            notes.pollLast();
        }
    }

    public long read() {
        return read.sum();
    }

    public long stored() {
        return stored.sum();
    }

    public long repeats() {
        return repeats.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long warned() {
        return warned.sum();
    }

    /** Lines read and answered: stored, repeated or rejected. */
    public long done() {
        return stored() + repeats() + rejected();
    }

    /** The first {@link #LISTED} rejected lines, in input order. */
    public synchronized List<Note> firstRejections() {
        return new ArrayList<>(rejections);
    }

    /** The first {@link #LISTED} lines with a warning, in input order. */
    public synchronized List<Note> firstWarnings() {
        return new ArrayList<>(warnings);
    }
}
