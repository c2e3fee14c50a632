package dev.herald.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.contacts.WebhookSecrets;
import dev.herald.testing.FaultyReceiver;
import dev.herald.testing.TestApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver) against a real Herald: sign in, the
 * overview's numbers move while a burst drains, a dead unit is redriven from the page and delivered, an organization's
 * key cannot see another organization's contacts, a wrong key is told so. Screenshots go to {@code target/}. Without
 * chromium the test is skipped, unless {@code HERALD_REQUIRE_BROWSER=1} (CI), where that is a failure.
 */
@Tag("slow")
class ConsoleBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    static TestApp app;
    WebDriver browser;

    @BeforeAll
    static void start() {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (!present && "1".equals(System.getenv("HERALD_REQUIRE_BROWSER"))) {
            throw new AssertionError("chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "chromium not installed; .ci/run installs it");
        app = TestApp.start(Map.of("delivery.allow-private-targets", "true", "work.poll-interval", "100ms",
                "delivery.circuit-failures", "1000"));
        app.herald.pipeline().startConsumers();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    @BeforeEach
    void open() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        if (browser != null) browser.quit();
    }

    void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    void signIn(String key) {
        browser.get(app.baseUrl() + "/console/sign-in");
        browser.findElement(By.id("key")).sendKeys(key);
        browser.findElement(By.id("sign-in")).click();
    }


    static UUID org(String name) {
        return app.herald.organizations().create(name + " " + UUID.randomUUID(), null, true, null).id();
    }

    static void incidents(UUID org, int n) {
        UUID location = UUID.randomUUID();
        app.sql("INSERT INTO locations (id, organization_id, lat, lon) VALUES (?, ?, 50, 8)", location, org);
        app.sql("INSERT INTO incidents (id, organization_id, location_id, kind, severity) "
                + "SELECT gen_random_uuid(), ?, ?, 'power', 3 FROM generate_series(1, ?)", org, location, n);
    }

    long shown(String id) {
        String t = browser.findElement(By.id(id)).getText().trim();
        return t.matches("\\d+") ? Long.parseLong(t) : -1;
    }

    @Test
    void theOverviewsNumbersMoveWhileABurstDrains() throws Exception {
        UUID org = org("Console burst");
        String key = app.herald.keys().create(org, "console").secret();
        String secret = WebhookSecrets.generate();
        try (FaultyReceiver receiver = new FaultyReceiver(secret)) {
            app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", receiver.url(), "secret", secret));
            signIn(key);
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> shown("delivered") == 0);
            assertThat(browser.getTitle()).startsWith("Overview");
            incidents(org, 400);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> shown("delivered") > 0);
            long first = shown("delivered");
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> shown("delivered") == 400);
            assertThat(first).as("the page updated while the burst drained, not only at the end").isLessThan(400);
            assertThat(browser.findElements(By.cssSelector("#steps tbody tr"))).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#chart polyline"))).hasSize(2);
            screenshot("console-overview.png");
            assertThat(receiver.invalidSignatures.get()).isZero();
        }
    }

    @Test
    void aDeadUnitIsRedrivenFromThePageAndDelivered() throws Exception {
        UUID org = org("Console dead");
        String key = app.herald.keys().create(org, "console").secret();
        app.patch("/organizations/" + org, key, Map.of("retry_schedule", List.of("0s"))); // one attempt: a failure is dead
        String secret = WebhookSecrets.generate();
        try (FaultyReceiver receiver = new FaultyReceiver(secret)) {
            receiver.status = 500;
            app.post("/organizations/" + org + "/contacts", key, Map.of("channel", "webhook", "target", receiver.url(), "secret", secret));
            incidents(org, 1);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests.get() >= 1
                    && app.get("/deliveries?status=failed", key).body().path("items").size() == 1);
            receiver.status = 200;
            signIn(key);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> browser.getTitle().startsWith("Overview"));
            browser.get(app.baseUrl() + "/console/dead?organization_id=" + org);
            assertThat(browser.findElements(By.cssSelector("table.deliveries tbody tr"))).hasSize(1);
            screenshot("console-dead-letter.png");
            // The delivery's attempts and its work unit's step waterfall, from the row's link.
            browser.get(browser.findElement(By.linkText("attempts")).getAttribute("href"));
            assertThat(browser.findElements(By.cssSelector("#attempts tbody tr"))).hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#waterfall tbody tr"))).hasSize(6);
            browser.get(app.baseUrl() + "/console/dead?organization_id=" + org);
            browser.findElement(By.cssSelector("table.deliveries tbody tr form button")).click();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("message")).isEmpty());
            assertThat(browser.findElement(By.id("message")).getText()).startsWith("redriven");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.accepted.isEmpty());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    app.get("/deliveries?status=sent", key).body().path("items").size() == 1);
        }
    }

    @Test
    void anOrganizationsKeyCannotSeeAnotherOrganizationsContacts() throws Exception {
        UUID mine = org("Console mine");
        UUID theirs = org("Console theirs");
        String myKey = app.herald.keys().create(mine, "console").secret();
        String theirKey = app.herald.keys().create(theirs, "console").secret();
        String theirContact = app.post("/organizations/" + theirs + "/contacts", theirKey, Map.of("channel", "email", "target", "t@example.com"))
                .body().path("id").asText();
        signIn(myKey);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> browser.getTitle().startsWith("Overview"));
        browser.get(app.baseUrl() + "/console/contacts?organization_id=" + theirs);
        assertThat(browser.findElement(By.id("error")).getText()).contains("No such organization");
        assertThat(browser.getPageSource()).doesNotContain(theirContact).doesNotContain("t@example.com");
        browser.get(app.baseUrl() + "/console/contacts");
        assertThat(browser.getTitle()).startsWith("Contacts");
        assertThat(browser.getPageSource()).doesNotContain(theirContact);
    }

    @Test
    void aWrongKeyIsToldSoAndGetsNoCookie() {
        signIn("hk_wrong-key");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("error")).isEmpty());
        assertThat(browser.findElement(By.id("error")).getText()).contains("not valid");
        assertThat(browser.manage().getCookieNamed(ConsoleRoutes.COOKIE)).isNull();
    }
}
