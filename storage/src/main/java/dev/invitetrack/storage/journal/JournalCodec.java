package dev.invitetrack.storage.journal;

import dev.invitetrack.storage.StoredEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one journal record on disk: a header of its payload's length and CRC32C, then the payload, a
 * type byte, the position and the record's fields. A record cut short by a crash, or damaged, fails its length
 * or checksum and reads as the end of the segment.
 */
public final class JournalCodec {
    static final int HEADER_BYTES = 8;
    /** No record is larger: a commit's events are at most a few megabytes. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    private static final byte EVENTS = 1;
    private static final byte DELETE_USER = 2;
    private static final byte DELETE_INVITEE = 3;
    private static final byte EXPIRE = 4;

    private JournalCodec() {}

    /** The framed record (header and payload), ready to write. */
    static ByteBuffer encode(long position, JournalRecord record) {
        Writer out = new Writer(record instanceof JournalRecord.Events e ? 64 + e.rows().size() * 512 : 256);
        out.skip(HEADER_BYTES);
        if (record instanceof JournalRecord.Events events) {
            out.putByte(EVENTS).putLong(position).putInt(events.rows().size());
            for (StoredEvent row : events.rows()) {
                out.putString(row.workspaceId()).putString(row.messageId()).putString(row.eventName())
                        .putString(row.userId()).putString(row.anonymousId()).putInstant(row.timestamp())
                        .putInstant(row.receivedAt()).putInstant(row.sentAt()).putString(row.inviteeEmail())
                        .putString(row.inviteeRole()).putString(row.inviterUserId())
                        .putString(row.propertiesJson()).putString(row.contextJson());
            }
        } else if (record instanceof JournalRecord.DeleteUser delete) {
            out.putByte(DELETE_USER).putLong(position).putString(delete.workspaceId()).putString(delete.userId());
        } else if (record instanceof JournalRecord.DeleteInvitee delete) {
            out.putByte(DELETE_INVITEE).putLong(position).putString(delete.workspaceId()).putString(delete.email());
        } else if (record instanceof JournalRecord.Expire expire) {
            out.putByte(EXPIRE).putLong(position).putInstant(expire.cutoff());
        } else {
            throw new IllegalArgumentException("unknown journal record " + record.getClass().getSimpleName());
        }
        ByteBuffer buffer = out.buffer();
        int payloadLength = buffer.position() - HEADER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), HEADER_BYTES, payloadLength);
        buffer.putInt(0, payloadLength).putInt(4, (int) crc.getValue());
        return buffer.flip();
    }

    /**
     * A record as the value of one Kafka message: the payload alone (Kafka frames and checksums its messages, and
     * the offset is its position).
     */
    public static byte[] message(JournalRecord record) {
        ByteBuffer framed = encode(1, record);
        byte[] payload = new byte[framed.remaining() - HEADER_BYTES];
        framed.position(HEADER_BYTES).get(payload);
        return payload;
    }

    /** The record of a Kafka message's value; null when it is not one this version reads. */
    public static @Nullable JournalRecord fromMessage(byte[] payload) {
        JournalEntry entry = decode(payload);
        return entry == null ? null : entry.record();
    }

    /** The payload's length from a header, or -1 when the header cannot start a valid record. */
    static int payloadLength(ByteBuffer header) {
        int length = header.getInt(header.position());
        return length < 0 || length > MAX_PAYLOAD_BYTES ? -1 : length;
    }

    /** Whether the payload after the header matches the header's checksum. */
    static boolean intact(ByteBuffer header, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue() == header.getInt(header.position() + 4);
    }

    /** Decodes a payload whose checksum matched; null when its content is not a record of this version. */
    static @Nullable JournalEntry decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            byte type = in.get();
            long position = in.getLong();
            JournalRecord record = switch (type) {
                case EVENTS -> {
                    int count = in.getInt();
                    List<StoredEvent> rows = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        rows.add(new StoredEvent(string(in), string(in), string(in), string(in), string(in),
                                instant(in), instant(in), instant(in), string(in), string(in), string(in),
                                string(in), string(in)));
                    }
                    yield new JournalRecord.Events(rows);
                }
                case DELETE_USER -> new JournalRecord.DeleteUser(string(in), string(in));
                case DELETE_INVITEE -> new JournalRecord.DeleteInvitee(string(in), string(in));
                case EXPIRE -> new JournalRecord.Expire(instant(in));
                default -> null;
            };
            return record == null || in.hasRemaining() ? null : new JournalEntry(position, record);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static @Nullable String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    private static @Nullable Instant instant(ByteBuffer in) {
        return in.get() == 0 ? null : Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    /** A growing heap buffer. */
    private static final class Writer {
        private ByteBuffer buffer;

        Writer(int capacity) {
            buffer = ByteBuffer.allocate(capacity);
        }

        ByteBuffer buffer() {
            return buffer;
        }

        void skip(int bytes) {
            room(bytes);
            buffer.position(buffer.position() + bytes);
        }

        Writer putByte(byte value) {
            room(1);
            buffer.put(value);
            return this;
        }

        Writer putInt(int value) {
            room(4);
            buffer.putInt(value);
            return this;
        }

        Writer putLong(long value) {
            room(8);
            buffer.putLong(value);
            return this;
        }

        Writer putString(@Nullable String value) {
            if (value == null) {
                return putInt(-1);
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            putInt(bytes.length);
            room(bytes.length);
            buffer.put(bytes);
            return this;
        }

        Writer putInstant(@Nullable Instant value) {
            if (value == null) {
                return putByte((byte) 0);
            }
            putByte((byte) 1);
            putLong(value.getEpochSecond());
            return putInt(value.getNano());
        }

        private void room(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                buffer.flip();
                larger.put(buffer);
                buffer = larger;
            }
        }
    }
}
