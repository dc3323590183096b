import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

/**
 * Fills the events table of an invitetrack H2 database (the server created its schema) with N invite events of
 * five workspaces, message ids random UUIDs, in chunks of a million rows per transaction.
 * Usage: java -cp server/target/invitetrack.jar bench/startup/FillH2.java DATA_DIRECTORY N
 */
public class FillH2 {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:h2:file:" + args[0] + "/invitetrack;CACHE_SIZE=262144";
        long total = Long.parseLong(args[1]);
        long base = System.currentTimeMillis() - 365L * 86_400_000;
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO events (workspace_id, message_id, event_name, user_id, ts, received_at, invitee_email,
                                        invitee_role, properties, context)
                    SELECT 'bench-' || (1 + MOD(X, 5)), CAST(RANDOM_UUID() AS VARCHAR), 'invite_sent',
                           'user-' || MOD(X, 10000), ? + X, ? + X, 'invitee-' || X || '@example.com', 'Developer',
                           '{"invitee_first_name":"Mark","invitee_last_name":"Wood"}', '{}'
                      FROM SYSTEM_RANGE(?, ?)""")) {
                for (long from = 1; from <= total; from += 1_000_000) {
                    insert.setLong(1, base);
                    insert.setLong(2, base);
                    insert.setLong(3, from);
                    insert.setLong(4, Math.min(total, from + 999_999));
                    insert.executeUpdate();
                    connection.commit();
                    System.err.printf("%d of %d rows%n", Math.min(total, from + 999_999), total);
                }
            }
        }
    }
}
