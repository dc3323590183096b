package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.clickhouse.client.api.Client;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;

/**
 * A shipment to a sharded cluster, written straight into each shard's local tables, every shard at once: the rows
 * of a shard are computed on the node ({@link ShardRouting}), so no server has to receive the whole shipment and
 * forward its parts, as an INSERT through the Distributed table does. Each shard's INSERT carries the shipment's
 * token with the shard's number: a shipment written again after a crash sends every shard the same rows under the
 * same token, and each shard keeps them once. The events of every shard first, their ids last, as on one server.
 */
final class ShardedShipper implements AutoCloseable {
    private final ShardRouting routing;
    /** The servers of each shard (its replicas), in the cluster's order. */
    private final List<List<Client>> shards;
    private final ExecutorService pool;

    ShardedShipper(ShardRouting routing, List<List<Client>> shards) {
        this.routing = requireNonNull(routing, "routing is null");
        this.shards = List.copyOf(shards);
        if (shards.size() != routing.shards()) {
            throw new IllegalArgumentException(
                    "servers of " + shards.size() + " shards for a cluster of " + routing.shards());
        }
        this.pool = Executors.newFixedThreadPool(shards.size(), runnable -> {
            Thread thread = new Thread(runnable, "clickhouse-shard-shipper");
            thread.setDaemon(true);
            return thread;
        });
    }

    void insertEvents(List<StoredEvent> rows, String token) {
        inEveryShard(rows, ShardRouting::eventKey, (client, shardRows, shardToken) ->
                ClickHouseRows.insertEvents(client, "events_local", shardRows, shardToken), token);
    }

    void insertIds(List<StoredEvent> rows, String token) {
        inEveryShard(rows, ShardRouting::idKey, (client, shardRows, shardToken) ->
                ClickHouseRows.insertIds(client, "seen_message_ids_local", shardRows, shardToken), token);
    }

    private interface ShardInsert {
        void insert(Client client, List<StoredEvent> rows, String token);
    }

    private void inEveryShard(List<StoredEvent> rows, ToLongFunction<StoredEvent> key, ShardInsert insert,
            String token) {
        List<Future<?>> inserts = new ArrayList<>();
        for (Map.Entry<Integer, List<StoredEvent>> shard : routing.split(rows, key).entrySet()) {
            String shardToken = token + "-" + (shard.getKey() + 1);
            inserts.add(pool.submit(() -> insertIntoAReplica(shards.get(shard.getKey()), shard.getValue(),
                    shardToken, insert)));
        }
        StorageException failure = null;
        for (Future<?> done : inserts) {
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while shipping to the shards", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (failure == null) {
                    failure = cause instanceof StorageException storage ? storage
                            : new StorageException(cause.getMessage(), cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The first replica of the shard that takes the rows; a replicated table passes them on to the others. */
    private static void insertIntoAReplica(List<Client> replicas, List<StoredEvent> rows, String token,
            ShardInsert insert) {
        StorageException last = null;
        for (Client replica : replicas) {
            try {
                insert.insert(replica, rows, token);
                return;
            } catch (StorageException e) {
                last = e;
            }
        }
        throw requireNonNull(last, "a shard without servers");
    }

    @Override
    public void close() {
        pool.shutdownNow();
        shards.forEach(replicas -> replicas.forEach(Client::close));
    }
}
