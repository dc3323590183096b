package dev.invitetrack.server;

import static dev.invitetrack.server.DashboardPage.assertSameValue;
import static dev.invitetrack.server.DashboardPage.assertSameValues;
import static dev.invitetrack.server.DashboardPage.expectedRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard in a real headless Chromium against the real server: every number and row it shows equals the
 * query API's answer for the same view, through filter changes, shared links, CSV downloads, sorting and the
 * sign-in, empty and error states. Screenshots at desktop and phone width land in
 * {@code server/target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    /** The browser's own zone; the dashboard must default to it. */
    static final String BROWSER_ZONE = "Europe/Berlin";
    static final String XSS_USER = "<img src=x onerror=\"document.title='pwned'\">";

    static ApiClient api;
    static HeadlessChromium browser;
    DashboardPage page;

    @BeforeAll
    static void loadKnownInvites() throws Exception {
        api = server.api();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> events = new ArrayList<>();
        // alice: three sends in the last week, the first accepted two hours later (and sent twice: counted once)
        events.add(send("s-a1", "alice", today.minusDays(1), "10:00", "a1@example.com", "Developer"));
        events.add(send("s-a1", "alice", today.minusDays(1), "10:00", "a1@example.com", "Developer"));
        events.add(send("s-a2", "alice", today.minusDays(2), "10:00", "a2@example.com", "Developer"));
        events.add(send("s-a3", "alice", today.minusDays(3), "10:00", "a3@example.com", "Admin"));
        events.add(accept("x-a1", "new-a1", today.minusDays(1), "12:00", "A1@Example.com"));
        // bob: two sends ten days ago, one without a role; one accepted a day later, and that user is active
        events.add(send("s-b1", "bob", today.minusDays(10), "10:00", "b1@example.com", "Viewer"));
        events.add(send("s-b2", "bob", today.minusDays(10), "10:00", "b2@example.com", null));
        events.add(accept("x-b1", "new-b1", today.minusDays(9), "10:00", "b1@example.com"));
        events.add("""
                {"type": "track", "event": "project_created", "user_id": "new-b1", "message_id": "p-b1",
                 "timestamp": "%sT11:00:00Z"}""".formatted(today.minusDays(9)));
        // a user id that is markup: shown as text, never run
        events.add(send("s-x1", XSS_USER, today.minusDays(8), "10:00", "x1@example.com", "Developer"));
        // carol: forty days ago, in the 90-day view and the 30-day view's previous period; two accepted
        for (int i = 1; i <= 4; i++) {
            events.add(send("s-c" + i, "carol", today.minusDays(40), "10:0" + i, "c" + i + "@example.com", "Developer"));
        }
        events.add(accept("x-c1", "new-c1", today.minusDays(40), "11:00", "c1@example.com"));
        events.add(accept("x-c2", "new-c2", today.minusDays(40), "13:00", "c2@example.com"));
        // dave: outside every preset
        events.add(send("s-d1", "dave", today.minusDays(100), "10:00", "d1@example.com", "Admin"));
        ApiClient.Answer answer = api.post("/v1/batch", "demo-write-key", "{\"batch\": [" + String.join(",", events) + "]}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("duplicates").asInt()).as(answer.body()).isEqualTo(1);

        browser = new HeadlessChromium(BROWSER_ZONE);
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshSession() {
        page = new DashboardPage(browser.driver(), server.port());
        page.open("");
        page.script("sessionStorage.clear();");
        browser.driver().manage().window().setSize(HeadlessChromium.DESKTOP);
        browser.consoleErrors(); // drop what earlier tests left
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
        assertThat(browser.driver().getTitle()).as("nothing a user sent ran as script").doesNotContain("pwned");
    }

    @Test
    void signsInOnceAndEveryNumberEqualsTheApi() {
        page.open("").signIn("demo-read-key").awaitLoaded();

        assertThat(page.state()).isEqualTo("ready");
        assertThat(page.select("tz").getFirstSelectedOption().getDomAttribute("value"))
                .as("the time zone defaults to the browser's").isEqualTo(BROWSER_ZONE);
        assertThat(page.url()).contains("range=30d").contains("tz=Europe%2FBerlin");
        LocalDate today = LocalDate.now(ZoneId.of(BROWSER_ZONE));
        assertShowsTheApi(new View(today.minusDays(29), today.plusDays(1), BROWSER_ZONE, null, null), "day", "invites");

        // by hand: 6 sends by 3 inviters in the last 30 days, 2 accepted within 7 days; the 30 days before
        // hold carol's 4 sends, 2 accepted
        assertThat(page.tileValues()).containsEntry("invites_sent", "6").containsEntry("unique_inviters", "3")
                .containsEntry("invites_accepted", "2");
        assertThat(page.tile("invites_sent").findElement(By.className("value")).getText()).isEqualTo("6");
        assertThat(page.tile("acceptance_rate").findElement(By.className("value")).getText()).isEqualTo("33.3%");
        assertThat(page.tile("k_factor").findElement(By.className("value")).getText()).isEqualTo("0.67");
        WebElement sentDelta = page.tile("invites_sent").findElement(By.className("delta"));
        assertThat(sentDelta.getText()).isEqualTo("▲ 50.0%");
        assertThat(sentDelta.getDomAttribute("class")).contains("good");
        WebElement acceptedDelta = page.tile("invites_accepted").findElement(By.className("delta"));
        assertThat(acceptedDelta.getText()).isEqualTo("no change");
        assertThat(page.shownRows("by-user-table")).contains(List.of(XSS_USER, "1", "1", "0", "0.0%"));
        assertThat(page.shownRows("by-role-table")).contains(List.of("(no role)", "1", "1", "0", "0.0%"));
        assertThat(page.shownRows("funnel-table").get(0)).startsWith("Sent", "6");
        assertThat(page.shownRows("funnel-table").get(2)).startsWith("Activated", "1");

        // the key is kept for the session: a reload goes straight to the numbers
        browser.driver().navigate().refresh();
        page.awaitLoaded();
        assertThat(page.visible("sign-in")).isFalse();
        assertThat(page.tileValues()).containsEntry("invites_sent", "6");
    }

    @Test
    void roleRangeIntervalAndTimeZoneFiltersChangeEveryPanelAndTheUrl() {
        page.open("tz=UTC").signIn("demo-read-key").awaitLoaded();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        page.choose("role", "Developer");
        assertThat(page.url()).contains("role=Developer");
        assertThat(page.tileValues()).containsEntry("invites_sent", "3").containsEntry("invites_accepted", "1");
        assertShowsTheApi(new View(today.minusDays(29), today.plusDays(1), "UTC", "Developer", null), "day", "invites");
        assertThat(page.script("return document.querySelector('#by-role-table tr.selected th').textContent"))
                .as("the selected role is highlighted").isEqualTo("Developer");

        page.choose("range", "7d");
        assertThat(page.url()).contains("range=7d");
        assertThat(page.tileValues()).containsEntry("invites_sent", "2");
        assertShowsTheApi(new View(today.minusDays(6), today.plusDays(1), "UTC", "Developer", null), "day", "invites");

        page.choose("role", "");
        page.choose("range", "90d");
        page.choose("interval", "week");
        page.choose("tz", "America/New_York");
        assertThat(page.url()).contains("interval=week").contains("tz=America%2FNew_York");
        LocalDate newYork = LocalDate.now(ZoneId.of("America/New_York"));
        assertThat(page.tileValues()).containsEntry("invites_sent", "10").containsEntry("invites_accepted", "4");
        assertShowsTheApi(new View(newYork.minusDays(89), newYork.plusDays(1), "America/New_York", null, null), "week",
                "invites");

        page.choose("window", "P1D");
        assertThat(page.url()).contains("window=P1D");
        assertShowsTheApi(new View(newYork.minusDays(89), newYork.plusDays(1), "America/New_York", null, "P1D"),
                "week", "invites");

        // a custom range typed into the date fields
        page.choose("range", "custom");
        assertThat(page.visible("from")).isTrue();
        String from = today.minusDays(12).toString();
        String to = today.minusDays(9).toString();
        setDate("from", from);
        setDate("to", to);
        assertThat(page.url()).contains("range=custom").contains("from=" + from).contains("to=" + to);
        assertThat(page.tileValues()).containsEntry("invites_sent", "2");
        assertShowsTheApi(new View(LocalDate.parse(from), today.minusDays(8), "America/New_York", null, "P1D"), "week",
                "invites");

        // the browser's back button returns to the previous view
        page.change(() -> browser.driver().navigate().back());
        assertThat(page.url()).doesNotContain("to=" + to);
    }

    @Test
    void aSharedLinkOpensTheSameViewAfterSignIn() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String from = today.minusDays(45).toString();
        String to = today.toString();
        page.open("range=custom&from=" + from + "&to=" + to + "&role=Developer&interval=week&tz=Asia%2FTokyo"
                + "&order=accepted&sort=accepted")
                .signIn("demo-read-key").awaitLoaded();

        assertThat(page.select("range").getFirstSelectedOption().getDomAttribute("value")).isEqualTo("custom");
        assertThat(page.select("role").getFirstSelectedOption().getDomAttribute("value")).isEqualTo("Developer");
        assertThat(page.select("interval").getFirstSelectedOption().getDomAttribute("value")).isEqualTo("week");
        assertThat(page.select("tz").getFirstSelectedOption().getDomAttribute("value")).isEqualTo("Asia/Tokyo");
        assertThat(page.text("range-label")).contains("Asia/Tokyo").contains("role Developer");
        assertShowsTheApi(new View(LocalDate.parse(from), today.plusDays(1), "Asia/Tokyo", "Developer", null), "week",
                "accepted");
    }

    @Test
    void topInvitersSortByEveryColumn() {
        page.open("tz=UTC&range=90d").signIn("demo-read-key").awaitLoaded();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String view = "from=" + today.minusDays(89) + "&to=" + today.plusDays(1) + "&tz=UTC";

        // ranking by accepted asks the server for the top inviters by accepted
        page.change(() -> page.click(By.cssSelector("th[data-sort=accepted] button")));
        assertThat(page.url()).contains("order=accepted");
        assertSameValues(page.rows("by-user-table"), expectedRows(api.get("/v1/invites/by-user?limit=25&order=accepted&"
                + view, "demo-read-key").json().get("users"), "user_id", "invites", "invitees", "accepted",
                "acceptance_rate"), "by accepted");
        assertThat(page.rows("by-user-table").get(0).get(0)).isEqualTo("carol");
        assertThat(headerSort("accepted")).isEqualTo("descending");

        // the other columns sort the rows shown, and a second click reverses
        page.click(By.cssSelector("th[data-sort=user_id] button"));
        assertThat(column(0)).containsExactly(XSS_USER, "alice", "bob", "carol");
        assertThat(headerSort("user_id")).isEqualTo("ascending");
        assertThat(headerSort("accepted")).isEqualTo("none");
        page.click(By.cssSelector("th[data-sort=user_id] button"));
        assertThat(column(0)).containsExactly("carol", "bob", "alice", XSS_USER);
        page.click(By.cssSelector("th[data-sort=acceptance_rate] button"));
        assertThat(column(4)).containsExactly("0.5", "0.5", "0.3333", "0");
        assertThat(page.url()).contains("sort=acceptance_rate");
    }

    @Test
    void csvDownloadsEqualTheApisCsv() throws Exception {
        page.open("tz=UTC&range=90d&role=Developer").signIn("demo-read-key").awaitLoaded();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String range = "from=" + today.minusDays(89) + "&to=" + today.plusDays(1) + "&tz=UTC";
        Map<String, String> views = Map.of(
                "summary", "/v1/invites/summary?" + range + "&role=Developer&window=P7D",
                "timeseries", "/v1/invites/timeseries?interval=day&" + range + "&role=Developer&window=P7D",
                "by-role", "/v1/invites/by-role?" + range + "&window=P7D",
                "by-user", "/v1/invites/by-user?limit=25&order=invites&" + range + "&role=Developer&window=P7D",
                "funnel", "/v1/invites/funnel?activation=true&" + range + "&role=Developer&window=P7D");
        for (Map.Entry<String, String> view : views.entrySet()) {
            String name = "invitetrack-" + view.getKey() + "-" + today.minusDays(89) + "_" + today + ".csv";
            page.click(By.cssSelector("button.csv[data-view='" + view.getKey() + "']"));
            Path file = browser.awaitDownload(name::equals);
            String expected = api.get(view.getValue() + "&format=csv", "demo-read-key").body();
            assertThat(Files.readString(file)).as(view.getKey()).isEqualTo(expected).contains("\r\n");
        }
    }

    @Test
    void aWrongKeyIsRefusedWithTheReasonAndNotKept() {
        page.open("").signIn("not-a-key");
        page.await(By.id("sign-in"));
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(15))
                .until(d -> !page.text("key-error").isEmpty());
        assertThat(page.text("key-error")).contains("refused").contains("401").contains("unknown API key");
        assertThat(page.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(page.visible("dashboard")).isFalse();

        // a write key is a key of the wrong kind
        page.signIn("demo-write-key");
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(15))
                .until(d -> page.text("key-error").contains("403"));
        assertThat(page.text("key-error")).contains("read key");
        // the browser reports the refused requests themselves; nothing else may have failed
        assertThat(browser.consoleErrors()).allMatch(message -> message.contains("401") || message.contains("403"));
    }

    @Test
    void signOutForgetsTheKey() {
        page.open("").signIn("demo-read-key").awaitLoaded();
        assertThat(page.script("return sessionStorage.getItem('invitetrack.readKey')")).isEqualTo("demo-read-key");
        page.click(By.id("sign-out"));
        assertThat(page.visible("sign-in")).isTrue();
        assertThat(page.script("return sessionStorage.length")).isEqualTo(0L);
        browser.driver().navigate().refresh();
        assertThat(page.await(By.id("sign-in")).isDisplayed()).isTrue();
        assertThat(page.visible("dashboard")).isFalse();
    }

    @Test
    void anEmptyRangeSaysHowToSendAnInvite() {
        page.open("range=custom&from=2001-01-01&to=2001-01-31&tz=UTC").signIn("demo-read-key").awaitLoaded();
        assertThat(page.state()).isEqualTo("empty");
        assertThat(page.visible("empty")).isTrue();
        assertThat(page.text("empty-title")).isEqualTo("No invites in this range");
        assertThat(page.text("empty-curl")).contains("http://127.0.0.1:" + server.port() + "/v1/track")
                .contains("invite_sent").contains("Authorization: Bearer");
        assertThat(page.visible("timeseries-chart")).isFalse();
    }

    @Test
    void aRangeTheApiRefusesShowsItsReason() {
        // hourly buckets over three years are more than the API's 10,000
        page.open("range=custom&from=2020-01-01&to=2023-01-01&interval=hour&tz=UTC").signIn("demo-read-key")
                .awaitLoaded();
        assertThat(page.state()).isEqualTo("error");
        assertThat(page.text("error-message")).contains("interval").contains("Change the filters");
        assertThat(browser.consoleErrors()).allMatch(message -> message.contains("400"));
        page.choose("interval", "month");
        assertThat(page.state()).isEqualTo("empty");
        assertThat(page.visible("error")).isFalse();
    }

    @Test
    void usableWithTheKeyboardAndLabelledForScreenReaders() {
        page.open("tz=UTC");
        WebElement key = page.await(By.id("key"));
        assertThat(browser.driver().switchTo().activeElement()).as("the key field has focus").isEqualTo(key);
        page.change(() -> key.sendKeys("demo-read-key", Keys.ENTER));

        // every form control has a label, every chart a text alternative, every table column a header
        assertThat(page.script("""
                return Array.from(document.querySelectorAll('input, select')).filter(c =>
                    !(c.labels && c.labels.length && c.labels[0].textContent.trim())).map(c => c.id)""")).asList()
                .isEmpty();
        assertThat(page.script("""
                return Array.from(document.querySelectorAll('.chart')).filter(c =>
                    c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label')).map(c => c.id)""")).asList()
                .isEmpty();
        assertThat(page.script("""
                return Array.from(document.querySelectorAll('button')).filter(b =>
                    !b.textContent.trim() && !b.getAttribute('aria-label')).length""")).isEqualTo(0L);

        // the filters are reachable and operable from the keyboard
        browser.driver().findElement(By.id("role")).sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertThat(browser.driver().switchTo().activeElement().getDomAttribute("id")).isEqualTo("range");
        page.change(() -> new Actions(browser.driver()).sendKeys(Keys.ARROW_UP).perform());
        assertThat(page.url()).contains("range=7d");
        assertThat(page.tileValues()).containsEntry("invites_sent", "3");
    }

    @Test
    void readableOnADesktopAndAPhoneWithScreenshots() throws Exception {
        page.open("tz=UTC&range=90d").signIn("demo-read-key").awaitLoaded();
        Path desktop = browser.screenshot("dashboard-desktop-1280", HeadlessChromium.DESKTOP);
        assertThat(Files.size(desktop)).isGreaterThan(20_000);
        assertThat(((Number) page.script("return document.documentElement.scrollWidth")).intValue())
                .isLessThanOrEqualTo(HeadlessChromium.DESKTOP.width);
        assertThat(((Number) page.script("return document.querySelector('#timeseries-chart canvas').width"))
                .intValue()).as("the chart is drawn").isGreaterThan(600);

        browser.driver().manage().window().setSize(HeadlessChromium.PHONE);
        Path phone = browser.screenshot("dashboard-phone-390", HeadlessChromium.PHONE);
        assertThat(Files.size(phone)).isGreaterThan(20_000);
        assertThat(((Number) page.script("return document.documentElement.scrollWidth")).intValue())
                .as("nothing wider than the phone").isLessThanOrEqualTo(HeadlessChromium.PHONE.width);
        assertThat(((Number) page.script("return document.querySelector('#timeseries-chart canvas')"
                + ".getBoundingClientRect().width")).intValue()).isLessThanOrEqualTo(HeadlessChromium.PHONE.width);

        browser.driver().manage().window().setSize(HeadlessChromium.DESKTOP);
        page.script("sessionStorage.clear()");
        browser.driver().navigate().refresh();
        page.await(By.id("sign-in"));
        browser.screenshot("sign-in-desktop-1280", HeadlessChromium.DESKTOP);
    }

    // ------------------------------------------------------------------------------------------------

    private void setDate(String id, String isoDate) {
        page.change(() -> page.script("""
                const input = document.getElementById(arguments[0]);
                input.value = arguments[1];
                input.dispatchEvent(new Event('change', {bubbles: true}));""", id, isoDate));
    }

    private String headerSort(String column) {
        return browser.driver().findElement(By.cssSelector("th[data-sort=" + column + "]"))
                .getDomAttribute("aria-sort");
    }

    private List<String> column(int index) {
        return page.rows("by-user-table").stream().map(row -> row.get(index)).toList();
    }

    /** A view of the dashboard as the API's parameters: whole days [from, to) in a zone, optional role and window. */
    record View(LocalDate from, LocalDate to, String zone, String role, String window) {
        String query() {
            return "from=" + from + "&to=" + to + "&tz=" + URLEncoder.encode(zone, StandardCharsets.UTF_8)
                    + (role == null ? "" : "&role=" + role) + (window == null ? "" : "&window=" + window);
        }

        /** As many days, ending where this one starts. */
        View previous() {
            return new View(from.minusDays(java.time.temporal.ChronoUnit.DAYS.between(from, to)), from, zone, role,
                    window);
        }

        View allRoles() {
            return new View(from, to, zone, null, window);
        }
    }

    /** Every tile, delta, bucket and row on the page equals the API's answer for {@code view}. */
    private void assertShowsTheApi(View view, String interval, String order) {
        String query = view.query();
        JsonNode summary = api.get("/v1/invites/summary?" + query, "demo-read-key").json();
        Map<String, String> tiles = page.tileValues();
        for (String kpi : DashboardPage.KPIS) {
            assertSameValue(tiles.get(kpi), summary.get(kpi).isNull() ? "" : summary.get(kpi).asText(), kpi);
        }
        JsonNode previous = api.get("/v1/invites/summary?" + view.previous().query(), "demo-read-key").json();
        for (String kpi : DashboardPage.KPIS) {
            assertSameValue(page.tile(kpi).findElement(By.className("delta")).getDomAttribute("data-previous"),
                    previous.get(kpi).isNull() ? "" : previous.get(kpi).asText(), kpi + " previous period");
        }

        JsonNode series = api.get("/v1/invites/timeseries?interval=" + interval + "&" + query, "demo-read-key").json();
        assertSameValues(page.rows("timeseries-table"),
                expectedRows(series.get("buckets"), "start", "sent", "accepted", "acceptance_rate"), "timeseries");
        JsonNode byRole = api.get("/v1/invites/by-role?" + view.allRoles().query(), "demo-read-key").json();
        assertSameValues(page.rows("by-role-table"),
                expectedRows(byRole.get("roles"), "role", "invites", "inviters", "accepted", "acceptance_rate"),
                "by-role");
        JsonNode byUser = api.get("/v1/invites/by-user?limit=25&order=" + order + "&" + query, "demo-read-key").json();
        assertSameValues(page.rows("by-user-table"),
                expectedRows(byUser.get("users"), "user_id", "invites", "invitees", "accepted", "acceptance_rate"),
                "by-user");
        JsonNode funnel = api.get("/v1/invites/funnel?activation=true&" + query, "demo-read-key").json();
        assertSameValues(page.rows("funnel-table"), expectedRows(funnel.get("steps"), "step", "count", "conversion",
                "conversion_from_previous", "median_seconds", "p90_seconds"), "funnel");
    }

    private static String send(String messageId, String userId, LocalDate day, String time, String email, String role) {
        String userJson = ApiClient.JSON.valueToTree(userId).toString();
        return """
                {"type": "track", "event": "invite_sent", "user_id": %s, "message_id": "%s",
                 "timestamp": "%sT%s:00Z", "properties": {"invitee_email": "%s"%s}}"""
                .formatted(userJson, messageId, day, time, email,
                        role == null ? "" : ", \"invitee_role\": \"" + role + "\"");
    }

    private static String accept(String messageId, String userId, LocalDate day, String time, String email) {
        return """
                {"type": "track", "event": "invite_accepted", "user_id": "%s", "message_id": "%s",
                 "timestamp": "%sT%s:00Z", "properties": {"invitee_email": "%s"}}"""
                .formatted(userId, messageId, day, time, email);
    }
}
