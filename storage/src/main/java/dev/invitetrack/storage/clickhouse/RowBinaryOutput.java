package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Values in ClickHouse's RowBinary format, written straight into a stream through one fixed buffer: what a
 * shipment costs on the heap does not grow with its size. Only the types the events tables use: String (also
 * LowCardinality(String), the same on the wire), DateTime64(3) and its Nullable form.
 *
 * @see <a href="https://clickhouse.com/docs/interfaces/formats/RowBinary">RowBinary</a>
 */
final class RowBinaryOutput {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int used;

    RowBinaryOutput(OutputStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    /** A String: its UTF-8 length as an unsigned LEB128 number, then its bytes. */
    void string(String value) throws IOException {
        int length = value.length();
        // Most values are ASCII: encoded here without a byte[] per value; others through String's own encoder.
        if (length <= BUFFER_BYTES / 4 && isAscii(value, length)) {
            varint(length);
            room(length);
            for (int i = 0; i < length; i++) {
                buffer[used++] = (byte) value.charAt(i);
            }
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        varint(bytes.length);
        bytes(bytes);
    }

    /** A DateTime64(3): milliseconds since the epoch as a little-endian Int64 (truncated, as H2 stores it). */
    void dateTime64(Instant value) throws IOException {
        int64(value.toEpochMilli());
    }

    /** A Nullable(DateTime64(3)): 1 for null, or 0 and the value. */
    void nullableDateTime64(@Nullable Instant value) throws IOException {
        room(1);
        if (value == null) {
            buffer[used++] = 1;
            return;
        }
        buffer[used++] = 0;
        dateTime64(value);
    }

    void flush() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
        out.flush();
    }

    private void int64(long value) throws IOException {
        room(8);
        for (int i = 0; i < 8; i++) {
            buffer[used++] = (byte) (value >>> (8 * i));
        }
    }

    private void varint(int value) throws IOException {
        room(5);
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            buffer[used++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        buffer[used++] = (byte) rest;
    }

    private void bytes(byte[] bytes) throws IOException {
        if (bytes.length > BUFFER_BYTES - used) {
            out.write(buffer, 0, used);
            used = 0;
            if (bytes.length > BUFFER_BYTES) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    private void room(int bytes) throws IOException {
        if (BUFFER_BYTES - used < bytes) {
            out.write(buffer, 0, used);
            used = 0;
        }
    }

    private static boolean isAscii(String value, int length) {
        for (int i = 0; i < length; i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
