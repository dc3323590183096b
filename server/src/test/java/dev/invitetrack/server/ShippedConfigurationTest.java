package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.config.KafkaStorageConfig;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file users start with parses, validates and has the documented defaults. */
class ShippedConfigurationTest {
    private final YamlConfigurationFactory<InvitetrackConfiguration> factory = new YamlConfigurationFactory<>(
            InvitetrackConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    @Test
    void theShippedH2ConfigurationHasTheDocumentedDefaults() throws Exception {
        // Variables unset in the test environment fall back to their defaults.
        InvitetrackConfiguration config = factory.build(new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                Path.of("..", "config", "invitetrack.yml").toString());

        assertThat(config.getStorage()).isInstanceOf(H2StorageConfig.class);
        if (System.getenv("INVITETRACK_DATA_DIR") == null) {
            assertThat(((H2StorageConfig) config.getStorage()).getDataDirectory()).isEqualTo("./data");
        }
        if (System.getenv("INVITETRACK_H2_CHECKPOINT_INTERVAL") == null) {
            // What H2 took is durable in the journal; H2 writes its pages at most this often.
            assertThat(((H2StorageConfig) config.getStorage()).getCheckpointInterval().toMilliseconds())
                    .isEqualTo(5_000);
        }
        if (System.getenv("INVITETRACK_JOURNAL_MAX_SIZE") == null) {
            assertThat(config.getStorage().getJournal().getMaxSize().toBytes()).isEqualTo(1L << 30);
        }
        assertThat(config.getStorage().getIdIndex().getWindow()).as("ids are kept for ever").isNull();
        if (System.getenv("INVITETRACK_H2_CACHE_MB") == null) {
            // As the README's configuration table says; a larger cache slowed ingest (H2StorageConfig).
            assertThat(((H2StorageConfig) config.getStorage()).getCacheSizeMegabytes()).isEqualTo(64);
        }
        assertThat(config.getWorkspaces()).hasSize(1);
        assertThat(config.getWorkspaces().get(0).getId()).isEqualTo("demo");
        assertThat(config.getWorkspaces().get(0).getWriteKeys()).containsExactly("demo-write-key");
        assertThat(config.getWorkspaces().get(0).getReadKeys()).containsExactly("demo-read-key");
        DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
        if (System.getenv("INVITETRACK_PORT") == null) {
            assertThat(((HttpConnectorFactory) server.getApplicationConnectors().get(0)).getPort()).isEqualTo(8080);
        }
        if (System.getenv("INVITETRACK_ADMIN_PORT") == null) {
            assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getPort()).isEqualTo(8081);
        }
    }

    @Test
    void theShippedClickHouseConfigurationParsesWithItsDefaults() throws Exception {
        InvitetrackConfiguration config = factory.build(new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                Path.of("..", "config", "clickhouse.yml").toString());

        assertThat(config.getStorage()).isInstanceOf(ClickHouseStorageConfig.class);
        ClickHouseStorageConfig storage = (ClickHouseStorageConfig) config.getStorage();
        if (System.getenv("CLICKHOUSE_URL") == null) {
            assertThat(storage.getUrl()).isEqualTo("http://127.0.0.1:8123");
        }
        if (System.getenv("CLICKHOUSE_PASSWORD") == null) {
            assertThat(storage.getPassword()).isEmpty();
        }
        assertThat(config.getWorkspaces().get(0).getId()).isEqualTo("demo");
        // Requests wait for an fsync of the journal, not for ClickHouse; the applier ships in few large INSERTs.
        assertThat(storage.getShipInterval().toMilliseconds()).isEqualTo(1000);
        assertThat(storage.isSharedByNodes()).as("one node per server: its id index knows every id").isFalse();
        if (System.getenv("INVITETRACK_MIN_COMMIT_INTERVAL") == null) {
            assertThat(config.getIngest().getMinCommitInterval().toMilliseconds()).isZero();
        }
        // Under load a commit gathers as many requests as the one before it, a few milliseconds at most.
        assertThat(config.getIngest().getMaxCommitDelay().toMilliseconds()).isEqualTo(2);
        assertThat(storage.getCluster()).isNull();
        assertThat(storage.repairsMatches()).as("one node per server needs no repair").isFalse();
        if (System.getenv("INVITETRACK_KEYS_FILE") == null) {
            assertThat(config.getKeysFile()).isEqualTo("./data/keys.json");
        }
        if (System.getenv("INVITETRACK_DATA_DIR") == null && System.getenv("INVITETRACK_JOURNAL_DIR") == null) {
            assertThat(storage.getJournal().path(storage.dataPath())).isEqualTo(Path.of("data", "journal")
                    .toAbsolutePath());
            assertThat(storage.getIdIndex().path(storage.dataPath())).isEqualTo(Path.of("data", "id-index")
                    .toAbsolutePath());
        }
        assertThat(storage.getIdIndex().getWindow()).as("ids are kept for ever").isNull();
    }

    @Test
    void theShippedClusterConfigurationNamesTheClusterAndRunsSchemaChangesOnCluster() throws Exception {
        InvitetrackConfiguration config = factory.build(new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                Path.of("..", "config", "clickhouse-cluster.yml").toString());

        ClickHouseStorageConfig storage = (ClickHouseStorageConfig) config.getStorage();
        assertThat(storage.getCluster()).isNotNull();
        if (System.getenv("CLICKHOUSE_CLUSTER") == null) {
            assertThat(storage.getCluster().getName()).isEqualTo("invitetrack");
        }
        if (System.getenv("CLICKHOUSE_CLUSTER_NODE_URLS") == null) {
            assertThat(storage.getCluster().getNodeUrls()).isEmpty();
        }
        assertThat(storage.getCluster().getReplicaPath()).isEqualTo("/clickhouse/tables/{shard}/{database}/{table}");
        assertThat(storage.getCluster().getReplicaName()).isEqualTo("{replica}");
        assertThat(storage.repairsMatches()).isTrue();
        assertThat(storage.describe()).endsWith("(cluster " + storage.getCluster().getName() + ")");
    }

    @Test
    void theShippedKafkaConfigurationParsesWithTheDocumentedDefaults() throws Exception {
        InvitetrackConfiguration config = factory.build(new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                Path.of("..", "config", "kafka.yml").toString());

        assertThat(config.getStorage()).isInstanceOf(KafkaStorageConfig.class);
        KafkaStorageConfig kafka = (KafkaStorageConfig) config.getStorage();
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null) {
            assertThat(kafka.getKafka().getBootstrapServers()).isEqualTo("127.0.0.1:9092");
        }
        if (System.getenv("INVITETRACK_DATA_DIR") == null) {
            // Not ./data: a node that fed another store there would bring that store's journal and index along.
            assertThat(kafka.getDataDirectory()).isEqualTo("./data/node-kafka");
        }
        assertThat(kafka.getKafka().getTopic()).isEqualTo("invitetrack-events");
        assertThat(kafka.getKafka().getRetention().toDays()).isEqualTo(7);
        assertThat(kafka.getKafka().getProduceTimeout().toSeconds()).isEqualTo(10);
        // Every id goes to one partition, so shipments need not look for ids other nodes stored; a send and its
        // acceptance too, so no match needs repairing.
        assertThat(kafka.isSharedByNodes()).isFalse();
        assertThat(kafka.repairsMatches()).isFalse();
        assertThat(kafka.getKafka().minInsyncReplicas()).isEqualTo(
                kafka.getKafka().getReplicationFactor() >= 3 ? 2 : 1);
    }

    @Test
    void aConfigurationWithoutWorkspacesOrWithAShortKeyIsRefusedWithTheField(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("none.yml");
        Files.writeString(none, "storage:\n  type: h2\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), none.toString()))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("workspaces");

        Path shortKey = dir.resolve("short.yml");
        Files.writeString(shortKey, "workspaces:\n  - id: a\n    writeKeys: [short]\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), shortKey.toString()))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("writeKeys");
    }

    @Test
    void theTestConfigurationIsValidToo() throws Exception {
        InvitetrackConfiguration config = factory.build(new ResourceConfigurationSourceProvider(),
                "invitetrack-test.yml");
        assertThat(config.getWorkspaces()).hasSize(6);
        assertThat(config.getWorkspaces().get(5).getRateLimit().getBurst()).isEqualTo(3);
        assertThat(config.getRetention().getMaxAge()).as("no retention unless configured").isNull();
    }
}
