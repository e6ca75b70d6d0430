package dev.tern.console;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * Headless Chromium driven through the system's chromedriver (Debian's chromium and
 * chromium-driver): nothing is downloaded, Selenium Manager is not asked. Waits are bounded;
 * JavaScript errors and Content-Security-Policy violations in the browser's log fail the test.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CHROMEDRIVER = System.getProperty("console.chromedriver", "/usr/bin/chromedriver");
    static final String CHROMIUM = System.getProperty("console.chromium", "/usr/bin/chromium");

    /**
     * Where screenshots go: docs/console with -Dconsole.screenshots=docs/console (the pictures of
     * docs/console.md), else under target so that a test run leaves the source tree alone.
     */
    static final Path SCREENSHOTS = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));

    final ChromeDriver driver;
    private final String base;

    ConsoleBrowser(String base) {
        this.base = base;
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--force-device-scale-factor=1", "--lang=en-US", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--force-prefers-reduced-motion");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        size(1280, 800);
    }

    /** The window's inner size (the page's viewport) set to width × height. */
    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        // The window's frame takes some of it: grow the window until the viewport is the size asked.
        Number innerW = (Number) js("return window.innerWidth");
        Number innerH = (Number) js("return window.innerHeight");
        driver.manage().window().setSize(new Dimension(2 * width - innerW.intValue(), 2 * height - innerH.intValue()));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Loads the console anew at a page (a hash route such as "#/domains"); waits until its script ran. */
    void open(String hash) {
        driver.get("about:blank");
        driver.get(base + "/" + hash);
        waitUntil(d -> "true".equals(js("return document.body.dataset.ready || ''")));
    }

    /** Goes to another page of the console without reloading it. */
    void go(String hash) {
        js("location.hash = arguments[0]", hash);
    }

    void login(String name, String password) {
        open("#/login");
        type(By.name("name"), name);
        type(By.name("password"), password);
        click(By.cssSelector("form.login-form button[type=submit]"));
        waitFor(By.cssSelector("#who-name"));
        waitUntil(d -> name.equals(text(By.id("who-name"))));
    }

    WebElement waitFor(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the condition gives true or non-null; the page may redraw meanwhile. */
    <T> T waitUntil(Function<org.openqa.selenium.WebDriver, T> condition) {
        return waiting().until(condition::apply);
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** GETs an API path with the browser's session; answers the JSON body as Java values. */
    @SuppressWarnings("unchecked")
    Map<String, Object> api(String path) {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.json()).then(done, e => done({error: String(e)}));",
                path);
    }

    /** Waits until the element's text contains the given text; answers its text. */
    String waitForText(By by, String text) {
        waitUntil(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
        return text(by);
    }

    /** Waits until the page's heading is exactly this text. */
    void waitForHeading(String heading) {
        waitUntil(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#view h1"));
            return !found.isEmpty() && found.get(0).getText().equals(heading);
        });
    }

    String text(By by) {
        return driver.findElement(by).getText();
    }

    void type(By by, String text) {
        WebElement e = waitFor(by);
        e.clear();
        e.sendKeys(text);
    }

    void click(By by) {
        waiting().until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /** Presses the confirming button of the console's confirmation dialog. */
    void confirm() {
        click(By.cssSelector("dialog.confirm button[value=yes]"));
        waitUntil(d -> d.findElements(By.cssSelector("dialog.confirm")).isEmpty());
    }

    /** The page's alert text once there is one. */
    String alert() {
        return waitFor(By.cssSelector("#alerts .alert")).getText();
    }

    /** The element that has the keyboard focus. */
    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Makes the page see prefers-color-scheme: dark (true) or the system's choice (false). */
    void dark(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                dark ? List.of(Map.of("name", "prefers-color-scheme", "value", "dark")) : List.of()));
    }

    /** Saves a screenshot of the top of the page as NAME.png. */
    Path screenshot(String name) {
        js("window.scrollTo(0, 0)");
        return shoot(name);
    }

    /** Saves a screenshot as NAME.png with the element at the top of the window. */
    Path screenshot(String name, By at) {
        js("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -16)", driver.findElement(at));
        return shoot(name);
    }

    private Path shoot(String name) {
        // The caret would make pictures differ for nothing.
        js("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the page logged as errors, apart from the failed requests whose error answers the console
     * shows (the browser logs every 4xx as a failed resource load).
     */
    List<String> scriptErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource"))
                .toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
