package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.invitetrack.storage.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Which shard of a cluster a row belongs to, computed on the node exactly as the {@code Distributed} tables'
 * sharding keys ({@link ShardedCluster#SHARDING_KEYS}) compute it in ClickHouse, so that a shipment can go straight
 * to each shard's local tables and still land where an INSERT through the Distributed table would put it: the
 * invite events of an invitee together (the matching views need them on one shard), a repeat beside its original.
 *
 * <p>ClickHouse's {@code sipHash64} is SipHash-2-4 with a zero key; of several arguments, each is hashed on its own
 * (a number as its 8 little-endian bytes) and the hashes are folded left, two at a time, by hashing their 16
 * little-endian bytes. A Distributed table sends a row to the shard of slot {@code key % total weight}, the slots
 * being the shards in the cluster's order, each repeated as often as its weight.
 */
final class ShardRouting {
    private static final HashFunction SIP_HASH = Hashing.sipHash24(0, 0);
    private static final String INVITE_SENT = "invite_sent";
    private static final String INVITE_ACCEPTED = "invite_accepted";

    /** Shard indexes (0-based, in the cluster's order), one per slot. */
    private final int[] slots;

    /** @param weights the weight of each shard, in the cluster's order */
    ShardRouting(List<Integer> weights) {
        requireNonNull(weights, "weights is null");
        List<Integer> slotList = new ArrayList<>();
        for (int shard = 0; shard < weights.size(); shard++) {
            for (int i = 0; i < weights.get(shard); i++) {
                slotList.add(shard);
            }
        }
        if (slotList.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs a shard of weight above 0");
        }
        this.slots = slotList.stream().mapToInt(Integer::intValue).toArray();
    }

    int shards() {
        return slots[slots.length - 1] + 1;
    }

    /** The shard (0-based) of a sharding key's value. */
    int shardOf(long key) {
        return slots[(int) Long.remainderUnsigned(key, slots.length)];
    }

    /** The rows of each shard that has any, in their order: rows keyed by {@code key}. */
    Map<Integer, List<StoredEvent>> split(List<StoredEvent> rows, ToLongFunction<StoredEvent> key) {
        Map<Integer, List<StoredEvent>> byShard = new LinkedHashMap<>();
        for (StoredEvent row : rows) {
            byShard.computeIfAbsent(shardOf(key.applyAsLong(row)), shard -> new ArrayList<>()).add(row);
        }
        return byShard;
    }

    /** The events table's key: {@code if(invite event, sipHash64(workspace_id, sipHash64(invitee_email)), ...)}. */
    static long eventKey(StoredEvent row) {
        if (row.eventName().equals(INVITE_SENT) || row.eventName().equals(INVITE_ACCEPTED)) {
            String email = row.inviteeEmail() == null ? "" : row.inviteeEmail();
            return combine(sipHash64(row.workspaceId()), sipHash64(sipHash64(email)));
        }
        return idKey(row);
    }

    /** The id tables' key: {@code sipHash64(workspace_id, message_id)}. */
    static long idKey(StoredEvent row) {
        return combine(sipHash64(row.workspaceId()), sipHash64(row.messageId()));
    }

    static long sipHash64(String value) {
        return SIP_HASH.hashString(value, StandardCharsets.UTF_8).asLong();
    }

    /** The hash of a UInt64 argument: its 8 little-endian bytes. */
    static long sipHash64(long value) {
        return SIP_HASH.hashLong(value).asLong();
    }

    /** Two arguments' hashes folded into one: the hash of their 16 little-endian bytes. */
    static long combine(long first, long second) {
        return SIP_HASH.newHasher(16).putLong(first).putLong(second).hash().asLong();
    }
}
