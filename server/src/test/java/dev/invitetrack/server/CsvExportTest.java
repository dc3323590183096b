package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every aggregate as CSV: header row, the JSON's columns, RFC 4180 quoting, formulas neutralised. */
class CsvExportTest {
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        api = server.api();
        String batch = """
                {"batch": [
                  {"event": "invite_sent", "user_id": "=HYPERLINK(\\"http://evil\\")", "message_id": "c1",
                   "timestamp": "2024-06-03T10:00:00Z",
                   "properties": {"invitee_email": "a@example.com", "invitee_role": "Admin, Billing"}},
                  {"event": "invite_sent", "user_id": "bob", "message_id": "c2", "timestamp": "2024-06-04T10:00:00Z",
                   "properties": {"invitee_email": "b@example.com"}},
                  {"event": "invite_accepted", "user_id": "new-a", "message_id": "c3",
                   "timestamp": "2024-06-03T12:00:00Z", "properties": {"invitee_email": "A@Example.com"}}
                ]}""";
        assertThat(api.post("/v1/batch", "demo-write-key", batch).status()).isEqualTo(200);
    }


    @Test
    void byRoleAsCsvHasTheJsonColumnsAndQuotesCommas() {
        ApiClient.Answer csv = api.get("/v1/invites/by-role?from=2024-06-01&to=2024-07-01&format=csv",
                "demo-read-key");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().get("content-type").get(0)).startsWith("text/csv");
        assertThat(csv.headers().get("content-disposition").get(0)).contains("invitetrack-invites-by-role.csv");
        assertThat(csv.body()).isEqualTo("role,invites,inviters,accepted,acceptance_rate\r\n"
                + "\"Admin, Billing\",1,1,1,1.0\r\n"
                + ",1,1,0,0.0\r\n");
    }

    @Test
    void acceptTextCsvWorksLikeFormatCsvAndFormulasAreNeutralised() {
        ApiClient.Answer csv = api.send(HttpRequest.newBuilder(URI.create(api.uri(
                        "/v1/invites/by-user?from=2024-06-01&to=2024-07-01")))
                .header("Authorization", "Bearer demo-read-key")
                .header("Accept", "text/csv")
                .GET());
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().split("\r\n")).containsExactly(
                "user_id,invites,invitees,accepted,acceptance_rate",
                "\"'=HYPERLINK(\"\"http://evil\"\")\",1,1,1,1.0",
                "bob,1,1,0,0.0");
    }

    /** SQL and HTML in values are data: stored verbatim, given back exactly in JSON, never executed. */
    @Test
    void valuesThatLookLikeSqlOrHtmlAreStoredVerbatimAndComeBackEscaped() {
        String sql = "x'); DROP TABLE events; --";
        String html = "<script>alert(\"hi\")</script>";
        String batch = """
                {"batch": [
                  {"event": "invite_sent", "user_id": %s, "message_id": "h1", "timestamp": "2024-08-03T10:00:00Z",
                   "properties": {"invitee_email": "h1@example.com", "invitee_role": %s}}
                ]}""".formatted(ApiClient.JSON.valueToTree(sql), ApiClient.JSON.valueToTree(html));
        assertThat(api.post("/v1/batch", "demo-write-key", batch).status()).isEqualTo(200);
        var byUser = api.get("/v1/invites/by-user?from=2024-08-01&to=2024-09-01", "demo-read-key");
        assertThat(byUser.json().get("users").get(0).get("user_id").asText()).isEqualTo(sql);
        var byRole = api.get("/v1/invites/by-role?from=2024-08-01&to=2024-09-01", "demo-read-key");
        assertThat(byRole.json().get("roles").get(0).get("role").asText()).isEqualTo(html);
        assertThat(byRole.body()).contains("alert(\\\"hi\\\")"); // the quotes JSON-escaped
        // The store still answers: nothing was dropped.
        assertThat(api.get("/v1/events/names?from=2024-08-01&to=2024-09-01", "demo-read-key").status())
                .isEqualTo(200);
    }

    @Test
    void summaryTimeseriesAndFunnelAsCsv() {
        String summary = api.get("/v1/invites/summary?from=2024-06-01&to=2024-07-01&format=csv", "demo-read-key")
                .body();
        assertThat(summary).startsWith("invites_sent,unique_inviters,unique_invitees,invites_accepted,"
                + "acceptance_rate,invites_per_inviter,k_factor,median_time_to_accept_seconds\r\n");
        assertThat(summary).endsWith("\r\n2,2,2,1,0.5,1.0,0.5,7200.0\r\n");
        String series = api.get("/v1/invites/timeseries?from=2024-06-03&to=2024-06-05&format=csv",
                "demo-read-key").body();
        assertThat(series).isEqualTo("start,sent,accepted,acceptance_rate\r\n"
                + "2024-06-03T00:00:00Z,1,1,1.0\r\n2024-06-04T00:00:00Z,1,0,0.0\r\n");
        String funnel = api.get("/v1/invites/funnel?from=2024-06-01&to=2024-07-01&format=csv", "demo-read-key")
                .body();
        assertThat(funnel).isEqualTo("step,count,conversion,conversion_from_previous,median_seconds,p90_seconds\r\n"
                + "sent,2,1.0,1.0,,\r\naccepted,1,0.5,0.5,7200.0,7200.0\r\n");
        ApiClient.Answer json = api.get("/v1/invites/summary?from=2024-06-01&to=2024-07-01&format=json",
                "demo-read-key");
        assertThat(json.json().get("invites_sent").asLong()).isEqualTo(2);
    }
}
