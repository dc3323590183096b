package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * A sharded ClickHouse cluster (a {@code <remote_servers>} entry of the servers' configuration). The schema
 * becomes local tables on every server plus {@code Distributed} tables over them, created with
 * {@code ON CLUSTER}; inserts and queries go through the Distributed tables of whichever server {@code url}
 * names (a load balancer over the servers, or any one of them).
 */
public class ClickHouseClusterConfig {
    @NotEmpty
    @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,63}", message = "must be a plain identifier (letters, digits, _)")
    private String name = "";

    /** Shards with several replicas: Replicated*MergeTree engines at {@link #replicaPath}. Needs Keeper. */
    private boolean replicated = false;

    /** Keeper path of a replicated table; {shard} and {replica} are the servers' macros. */
    @NotEmpty
    @Pattern(regexp = "[^'\\\\]+", message = "must not contain quotes or backslashes")
    private String replicaPath = "/clickhouse/tables/{shard}/{database}/{table}";

    @NotEmpty
    @Pattern(regexp = "[^'\\\\]+", message = "must not contain quotes or backslashes")
    private String replicaName = "{replica}";

    /**
     * Every server of the cluster, by HTTP URL. When given, schema changes and deletions are sent to each of
     * them in turn instead of once with {@code ON CLUSTER}, which needs Keeper: for clusters without it.
     */
    @NotNull
    private List<@Pattern(regexp = "https?://.+", message = "must be an http:// or https:// URL") String> nodeUrls =
            List.of();

    @JsonProperty
    public String getName() {
        return name;
    }

    @JsonProperty
    public void setName(String name) {
        this.name = name;
    }

    @JsonProperty
    public boolean isReplicated() {
        return replicated;
    }

    @JsonProperty
    public void setReplicated(boolean replicated) {
        this.replicated = replicated;
    }

    @JsonProperty
    public String getReplicaPath() {
        return replicaPath;
    }

    @JsonProperty
    public void setReplicaPath(String replicaPath) {
        this.replicaPath = replicaPath;
    }

    @JsonProperty
    public String getReplicaName() {
        return replicaName;
    }

    @JsonProperty
    public void setReplicaName(String replicaName) {
        this.replicaName = replicaName;
    }

    @JsonProperty
    public List<String> getNodeUrls() {
        return nodeUrls;
    }

    @JsonProperty
    public void setNodeUrls(List<String> nodeUrls) {
        this.nodeUrls = List.copyOf(nodeUrls);
    }
}
