package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** When the server goes away under an open dashboard, the page says so and how to recover; it keeps the key. */
class DashboardOutageBrowserTest {
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static HeadlessChromium browser;

    @BeforeAll
    static void openBrowser() throws Exception {
        browser = new HeadlessChromium("UTC");
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aServerThatIsDownIsNamedWithARetry() throws Exception {
        DashboardPage page = new DashboardPage(browser.driver(), server.port());
        page.open("range=7d").signIn("demo-read-key").awaitLoaded();
        assertThat(page.state()).isEqualTo("empty");

        int port = server.port();
        server.stop();
        page.change(() -> page.select("range").selectByValue("30d"));

        assertThat(page.state()).isEqualTo("error");
        assertThat(page.visible("error")).isTrue();
        assertThat(page.text("error-message")).contains("Cannot reach the invitetrack server at http://127.0.0.1:"
                + port).contains("running");
        assertThat(page.visible("retry")).isTrue();
        assertThat(page.visible("empty")).as("nothing from before the outage passes for this view").isFalse();
        assertThat(page.script("return sessionStorage.getItem('invitetrack.readKey')"))
                .as("an outage is not a reason to forget the key").isEqualTo("demo-read-key");
        browser.screenshot("server-down-desktop-1280", HeadlessChromium.DESKTOP);

        // retrying while it is still down says the same, without a script error
        page.change(() -> page.click(By.id("retry")));
        assertThat(page.state()).isEqualTo("error");
        assertThat(browser.consoleErrors()).allMatch(message -> message.contains("ERR_CONNECTION_REFUSED"));
    }
}
