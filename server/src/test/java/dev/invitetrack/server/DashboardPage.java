package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What a test reads from and does on the dashboard, by the page's own labels and data attributes. */
final class DashboardPage {
    static final List<String> KPIS = List.of("invites_sent", "unique_inviters", "invites_accepted",
            "acceptance_rate", "k_factor", "median_time_to_accept_seconds");

    private final WebDriver driver;
    private final String base;

    DashboardPage(WebDriver driver, int port) {
        this.driver = driver;
        this.base = "http://127.0.0.1:" + port;
    }

    DashboardPage open(String query) {
        driver.get(base + "/dashboard/" + (query.isEmpty() ? "" : "?" + query));
        return this;
    }

    DashboardPage signIn(String key) {
        WebElement input = await(By.id("key"));
        input.clear();
        input.sendKeys(key);
        driver.findElement(By.cssSelector("#key-form button[type=submit]")).click();
        return this;
    }

    /** Waits until every panel shows the answer to the view that {@code change} asked for. */
    DashboardPage change(Runnable change) {
        String before = dashboardAttribute("data-generation");
        change.run();
        new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage("the dashboard did not finish loading")
                .until(d -> {
                    String generation = dashboardAttribute("data-generation");
                    String state = dashboardAttribute("data-state");
                    return generation != null && !generation.equals(before)
                            && ("ready".equals(state) || "empty".equals(state) || "error".equals(state));
                });
        return this;
    }

    DashboardPage awaitLoaded() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage("the dashboard did not finish loading")
                .until(d -> List.of("ready", "empty", "error").contains(String.valueOf(dashboardAttribute("data-state"))));
        return this;
    }

    String state() {
        return dashboardAttribute("data-state");
    }

    private String dashboardAttribute(String name) {
        return driver.findElement(By.id("dashboard")).getDomAttribute(name);
    }

    WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            WebElement element = d.findElement(by);
            return element.isDisplayed() ? element : null;
        });
    }

    boolean visible(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    Select select(String id) {
        return new Select(driver.findElement(By.id(id)));
    }

    void choose(String id, String value) {
        change(() -> select(id).selectByValue(value));
    }

    void click(By by) {
        driver.findElement(by).click();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The raw value (data-value) of each KPI tile, as the API gave it. */
    Map<String, String> tileValues() {
        Map<String, String> values = new TreeMap<>();
        for (String kpi : KPIS) {
            values.put(kpi, tile(kpi).findElement(By.className("value")).getDomAttribute("data-value"));
        }
        return values;
    }

    WebElement tile(String kpi) {
        return driver.findElement(By.cssSelector("[data-kpi='" + kpi + "']"));
    }

    /** The raw cell values (data-value) of a table's rows, in the order shown. */
    List<List<String>> rows(String tableId) {
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) script("""
                return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr')).map(tr =>
                    Array.from(tr.children).map(cell => cell.dataset.value));""", tableId);
        return rows;
    }

    /** The text shown in a table's cells (what a person reads). */
    List<List<String>> shownRows(String tableId) {
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) script("""
                return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr')).map(tr =>
                    Array.from(tr.children).map(cell => cell.textContent));""", tableId);
        return rows;
    }

    /** The API's rows as the page should show them: the named fields in column order, null as "". */
    static List<List<String>> expectedRows(JsonNode array, String... fields) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : array) {
            List<String> cells = new ArrayList<>();
            for (String field : fields) {
                cells.add(row.get(field).isNull() ? "" : row.get(field).asText());
            }
            rows.add(cells);
        }
        return rows;
    }

    /** Equal as the same numbers (JavaScript writes 1.0 as "1") or as the same text. */
    static void assertSameValues(List<List<String>> shown, List<List<String>> expected, String what) {
        assertThat(shown).as(what + ": row count").hasSameSizeAs(expected);
        for (int row = 0; row < expected.size(); row++) {
            assertThat(shown.get(row)).as(what + " row " + row).hasSameSizeAs(expected.get(row));
            for (int column = 0; column < expected.get(row).size(); column++) {
                assertSameValue(shown.get(row).get(column), expected.get(row).get(column),
                        what + " row " + row + " column " + column + " " + shown.get(row));
            }
        }
    }

    static void assertSameValue(String shown, String expected, String what) {
        BigDecimal left = number(shown);
        BigDecimal right = number(expected);
        if (left != null && right != null) {
            assertThat(left.compareTo(right)).as(what + ": " + shown + " vs " + expected).isZero();
        } else {
            assertThat(shown).as(what).isEqualTo(expected);
        }
    }

    private static BigDecimal number(String text) {
        if (text == null || text.isEmpty() || !text.matches("-?[0-9.]+([eE][-+]?[0-9]+)?")) {
            return null;
        }
        return new BigDecimal(text);
    }
}
