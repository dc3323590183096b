import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * First load of the dashboard in headless Chromium: from the start of navigation to the page's controls
 * (DOMContentLoaded), to the KPI tiles, and to every panel drawn. Each run is a new browser with an empty
 * cache; the key is entered once per browser, as a user would, then the timed load is a fresh navigation.
 * Usage: java -cp CLASSPATH DashboardLoad.java BASE_URL READ_KEY RUNS [QUERY]
 */
public class DashboardLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int runs = Integer.parseInt(args[2]);
        String query = args.length > 3 ? args[3] : "range=30d&tz=UTC";
        List<Double> domReady = new ArrayList<>();
        List<Double> summary = new ArrayList<>();
        List<Double> ready = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path profile = Files.createTempDirectory("dashboard-load-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--user-data-dir=" + profile, "--window-size=1280,900", "--disable-dev-shm-usage");
            ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
            try {
                // sign in on a page that asks for nothing, so the timed load below is the first with a key
                driver.get(base + "/dashboard/favicon.svg");
                driver.executeScript("sessionStorage.setItem('invitetrack.readKey', arguments[0])", key);
                driver.get(base + "/dashboard/?" + query);
                new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> ((ChromeDriver) d).executeScript(
                        "return performance.getEntriesByName('invitetrack:ready').length > 0"));
                @SuppressWarnings("unchecked")
                Map<String, Object> times = (Map<String, Object>) driver.executeScript("""
                        const nav = performance.getEntriesByType('navigation')[0];
                        return {dom: nav.domContentLoadedEventEnd,
                                summary: performance.getEntriesByName('invitetrack:summary')[0].startTime,
                                ready: performance.getEntriesByName('invitetrack:ready')[0].startTime,
                                state: document.getElementById('dashboard').dataset.state};""");
                if (!"ready".equals(times.get("state"))) {
                    throw new IllegalStateException("the dashboard ended in state " + times.get("state"));
                }
                domReady.add(((Number) times.get("dom")).doubleValue());
                summary.add(((Number) times.get("summary")).doubleValue());
                ready.add(((Number) times.get("ready")).doubleValue());
                System.err.printf("run %d: controls %.0f ms, tiles %.0f ms, every panel %.0f ms%n", run + 1,
                        domReady.get(run), summary.get(run), ready.get(run));
            } finally {
                driver.quit();
                try (var paths = Files.walk(profile)) {
                    paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        System.out.printf("controls usable (DOMContentLoaded)\t%.0f%n", median(domReady));
        System.out.printf("KPI tiles shown\t%.0f%n", median(summary));
        System.out.printf("every panel shown\t%.0f%n", median(ready));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
