import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Which way to write a commit of invite events into ClickHouse: clickhouse-jdbc PreparedStatement batches
 * (what ClickHouseEventStore does) or client-v2's insert of a JSONEachRow stream. Same rows, same table,
 * warmed up, median of the measured rounds. Run by bench/clickhouse-insert.sh.
 */
public class InsertPaths {
    static final int ROWS_PER_INSERT = 20_000;
    static final int WARMUP = 5;
    static final int ROUNDS = 10;

    record Row(String ws, String name, Instant ts, String id, String user, Instant received, String email,
            String role, String properties) {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties credentials = new Properties();
        credentials.setProperty("user", "default");
        credentials.setProperty("password", "");
        try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + url, credentials);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS bench.events");
            s.execute("""
                    CREATE TABLE bench.events (
                        workspace_id LowCardinality(String), event_name LowCardinality(String),
                        ts DateTime64(3, 'UTC'), message_id String, user_id String, anonymous_id String,
                        received_at DateTime64(3, 'UTC'), sent_at Nullable(DateTime64(3, 'UTC')),
                        invitee_email String, invitee_role LowCardinality(String), inviter_user_id String,
                        properties String, context String)
                    ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(ts)
                    ORDER BY (workspace_id, event_name, ts, message_id)""");
        }
        System.out.printf("rows per INSERT: %,d; warm-up %d, measured %d rounds each%n", ROWS_PER_INSERT, WARMUP,
                ROUNDS);
        long jdbc = median(jdbcRounds(url, credentials));
        long json = median(clientV2Rounds(url));
        System.out.printf("clickhouse-jdbc PreparedStatement batch: %,d rows/s%n", jdbc);
        System.out.printf("client-v2 insert, JSONEachRow stream:    %,d rows/s%n", json);
    }

    static List<Row> rows(int round) {
        List<Row> rows = new ArrayList<>(ROWS_PER_INSERT);
        Instant base = Instant.parse("2024-06-01T00:00:00Z");
        for (int i = 0; i < ROWS_PER_INSERT; i++) {
            rows.add(new Row("demo", "invite_sent", base.plusMillis(i * 1000L + round), "r" + round + "-" + i,
                    "user-" + (i % 500), base.plusMillis(i * 1000L + round + 5), "invitee-" + round + "-" + i
                            + "@example.com", i % 3 == 0 ? "Admin" : "Member",
                    "{\"invitee_email\":\"invitee@example.com\",\"invitee_first_name\":\"Mark\",\"source\":\"onboarding\"}"));
        }
        return rows;
    }

    static long[] jdbcRounds(String url, Properties credentials) throws Exception {
        long[] rates = new long[ROUNDS];
        try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + url + "/bench", credentials)) {
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                List<Row> rows = rows(round);
                long start = System.nanoTime();
                try (PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO events (workspace_id, event_name, ts, message_id, user_id, anonymous_id,
                            received_at, sent_at, invitee_email, invitee_role, inviter_user_id, properties, context)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    for (Row r : rows) {
                        insert.setString(1, r.ws());
                        insert.setString(2, r.name());
                        insert.setObject(3, r.ts());
                        insert.setString(4, r.id());
                        insert.setString(5, r.user());
                        insert.setString(6, "");
                        insert.setObject(7, r.received());
                        insert.setNull(8, Types.TIMESTAMP);
                        insert.setString(9, r.email());
                        insert.setString(10, r.role());
                        insert.setString(11, "");
                        insert.setString(12, r.properties());
                        insert.setString(13, "{}");
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                if (round >= WARMUP) {
                    rates[round - WARMUP] = ROWS_PER_INSERT * 1_000_000_000L / (System.nanoTime() - start);
                }
            }
        }
        return rates;
    }

    static long[] clientV2Rounds(String url) throws Exception {
        long[] rates = new long[ROUNDS];
        ObjectMapper mapper = new ObjectMapper();
        try (Client client = new Client.Builder().addEndpoint(url).setUsername("default").setPassword("")
                .setDefaultDatabase("bench").build()) {
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                List<Row> rows = rows(100 + round);
                long start = System.nanoTime();
                ByteArrayOutputStream out = new ByteArrayOutputStream(ROWS_PER_INSERT * 400);
                for (Row r : rows) {
                    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
                        g.writeStartObject();
                        g.writeStringField("workspace_id", r.ws());
                        g.writeStringField("event_name", r.name());
                        g.writeNumberField("ts", r.ts().toEpochMilli());
                        g.writeStringField("message_id", r.id());
                        g.writeStringField("user_id", r.user());
                        g.writeStringField("anonymous_id", "");
                        g.writeNumberField("received_at", r.received().toEpochMilli());
                        g.writeNullField("sent_at");
                        g.writeStringField("invitee_email", r.email());
                        g.writeStringField("invitee_role", r.role());
                        g.writeStringField("inviter_user_id", "");
                        g.writeStringField("properties", r.properties());
                        g.writeStringField("context", "{}");
                        g.writeEndObject();
                    }
                    out.write('\n');
                }
                InsertSettings settings = new InsertSettings().serverSetting("date_time_input_format", "best_effort");
                client.insert("events", new ByteArrayInputStream(out.toByteArray()), ClickHouseFormat.JSONEachRow,
                        settings).get().close();
                if (round >= WARMUP) {
                    rates[round - WARMUP] = ROWS_PER_INSERT * 1_000_000_000L / (System.nanoTime() - start);
                }
            }
        }
        return rates;
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
