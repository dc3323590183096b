package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * ClickHouse over its HTTP interface: a server of the user's (self-hosted, a cluster node, ClickHouse
 * Cloud) or the local one of {@code scripts/clickhouse-local.sh}. The database is created if missing.
 */
public class ClickHouseStorageConfig extends NodeLocalStorageConfig {
    @NotEmpty
    @Pattern(regexp = "https?://.+", message = "must be an http:// or https:// URL of ClickHouse's HTTP interface")
    private String url = "http://127.0.0.1:8123";

    @NotEmpty
    private String user = "default";

    @NotNull
    private String password = "";

    @NotEmpty
    @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,63}", message = "must be a plain identifier (letters, digits, _)")
    private String database = "invitetrack";

    @Min(1)
    @Max(64)
    private int maxConnections = 16;

    /**
     * The least time between two shipments of the journal to ClickHouse, each a few large INSERTs: ClickHouse
     * writes a part per INSERT (and runs the matching views on it), so a node sends about one large shipment a second
     * however many requests it takes: at 200 ms, ClickHouse took 0.5-0.6 of a core at 6,000 events/s, at 1 s 0.2. A
     * query waiting for what was acknowledged before it makes the next shipment leave at once.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    private Duration shipInterval = Duration.seconds(1);

    /** Absent: one server. Present: a sharded cluster (local tables, Distributed tables over them). */
    @Valid
    private @Nullable ClickHouseClusterConfig cluster;

    /**
     * Whether several invitetrack nodes write to this ClickHouse (each with its own journal and id index). Then
     * every shipment's ids are also looked up among the ids any node stored ({@code seen_message_ids}), so that a
     * repeat sent to another node than its original is still stored once. Unset: true with a cluster, false for
     * one server (set it when several nodes share one server).
     */
    private @Nullable Boolean sharedByNodes;

    /**
     * Whether each write's invitees are matched again shortly after it: needed when several invitetrack nodes
     * write at once, where a send and its acceptance stored at the same instant by two nodes could each miss
     * the other. Unset: as {@code sharedByNodes}.
     */
    private @Nullable Boolean matchRepair;

    public ClickHouseStorageConfig() {}

    public ClickHouseStorageConfig(String url, String user, String password, String database) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    @JsonProperty
    public String getUrl() {
        return url;
    }

    @JsonProperty
    public void setUrl(String url) {
        this.url = url;
    }

    @JsonProperty
    public String getUser() {
        return user;
    }

    @JsonProperty
    public void setUser(String user) {
        this.user = user;
    }

    @JsonProperty
    public String getPassword() {
        return password;
    }

    @JsonProperty
    public void setPassword(String password) {
        this.password = password;
    }

    @JsonProperty
    public String getDatabase() {
        return database;
    }

    @JsonProperty
    public void setDatabase(String database) {
        this.database = database;
    }

    @JsonProperty
    public int getMaxConnections() {
        return maxConnections;
    }

    @JsonProperty
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    @JsonProperty
    public Duration getShipInterval() {
        return shipInterval;
    }

    @JsonProperty
    public void setShipInterval(Duration shipInterval) {
        this.shipInterval = shipInterval;
    }

    @JsonProperty
    public @Nullable Boolean getSharedByNodes() {
        return sharedByNodes;
    }

    @JsonProperty
    public void setSharedByNodes(@Nullable Boolean sharedByNodes) {
        this.sharedByNodes = sharedByNodes;
    }

    /** {@link #getSharedByNodes()} with its default applied. */
    public boolean isSharedByNodes() {
        return sharedByNodes != null ? sharedByNodes : cluster != null;
    }

    @JsonProperty
    public @Nullable ClickHouseClusterConfig getCluster() {
        return cluster;
    }

    @JsonProperty
    public void setCluster(@Nullable ClickHouseClusterConfig cluster) {
        this.cluster = cluster;
    }

    @JsonProperty
    public @Nullable Boolean getMatchRepair() {
        return matchRepair;
    }

    @JsonProperty
    public void setMatchRepair(@Nullable Boolean matchRepair) {
        this.matchRepair = matchRepair;
    }

    /** {@link #getMatchRepair()} with its default applied. */
    public boolean repairsMatches() {
        return matchRepair != null ? matchRepair : isSharedByNodes();
    }

    @Override
    public String describe() {
        // Never the password; the URL without any user info it might carry.
        URI uri = URI.create(url);
        return "clickhouse:" + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + "/" + database + (cluster == null ? "" : " (cluster " + cluster.getName() + ")");
    }
}
