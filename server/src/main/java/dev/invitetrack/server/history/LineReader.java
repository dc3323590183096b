package dev.invitetrack.server.history;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The lines of one input, as bytes, in memory bounded by {@link #MAX_LINE_BYTES} whatever the input's size: a longer
 * line is skipped, and said to be. Gzip'd input (one or more members) is recognised by its magic bytes, not by its
 * name. Counts the input's own bytes (compressed ones for gzip) as they are read. Not thread-safe.
 */
public final class LineReader implements AutoCloseable {
    /** Longest line kept (30 times the largest event the server takes). */
    public static final int MAX_LINE_BYTES = 1 << 20;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private byte[] line = new byte[8 * 1024];
    private int length;
    private boolean tooLong;
    private long number;

    /**
     * Reads {@code raw}, decompressing it when it starts with gzip's magic bytes, adding every byte taken from
     * {@code raw} to {@code rawBytesRead}.
     */
    public LineReader(InputStream raw, AtomicLong rawBytesRead) throws IOException {
        requireNonNull(raw, "raw is null");
        requireNonNull(rawBytesRead, "rawBytesRead is null");
        BufferedInputStream counted = new BufferedInputStream(new Counting(raw, rawBytesRead), BUFFER);
        counted.mark(2);
        boolean gzip = counted.read() == GZIP_MAGIC_1 && counted.read() == GZIP_MAGIC_2;
        counted.reset();
        this.in = gzip ? new GZIPInputStream(counted, BUFFER) : counted;
    }

    /** Moves to the next line; false at the end of the input. */
    public boolean next() throws IOException {
        length = 0;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (any) {
                        number++;
                    }
                    return any;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position);
            if (position < limit) {
                position++; // the newline
                number++;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return true;
            }
        }
    }

    private void append(int from, int to) {
        int count = to - from;
        if (tooLong || count == 0) {
            return;
        }
        if (length + count > MAX_LINE_BYTES) {
            tooLong = true;
            length = 0;
            return;
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, length + count)));
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    /** The line's number, from 1. */
    public long number() {
        return number;
    }

    /** The line's bytes, without its end of line, valid until the next call of {@link #next}; see {@link #length}. */
    public byte[] bytes() {
        return line;
    }

    public int length() {
        return length;
    }

    /** Whether the line was longer than {@link #MAX_LINE_BYTES} (its bytes are then not kept). */
    public boolean tooLong() {
        return tooLong;
    }

    /** Whether the line holds nothing but spaces. */
    public boolean blank() {
        if (tooLong) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
