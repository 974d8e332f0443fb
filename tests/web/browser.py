"""Browser harness for tests/web: headless Debian chromium driven by Selenium, against a real
tcs-server started by tests/e2e/tcs_e2e.py (a free port, the demo template database).

Waits are only for an element or a text, with generous limits (TCS_WEB_TIMEOUT, default 30 s:
the machine may be loaded). A failing scenario saves a screenshot of every open browser in
TCS_WEB_ARTIFACTS (default: the system's temp dir) and prints their paths.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import tcs_e2e  # noqa: E402

TIMEOUT = float(os.environ.get("TCS_WEB_TIMEOUT", "30"))
ARTIFACTS = os.environ.get("TCS_WEB_ARTIFACTS", tempfile.gettempdir())
CHROMEDRIVER = os.environ.get("TCS_CHROMEDRIVER", "/usr/bin/chromedriver")
OPEN = []


def quote(text):
    """An XPath string literal for any text."""
    if "'" not in text:
        return "'%s'" % text
    return "concat('%s')" % "', \"'\", '".join(text.split("'"))


class Browser:
    def __init__(self, name, width=1280, height=900):
        self.name = name
        options = webdriver.ChromeOptions()
        options.add_argument("--headless=new")
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")
        for arg in ["--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                    "--disable-extensions", "--lang=es-CL",
                    "--window-size=%d,%d" % (width, height)]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        if width < 500:  # headless windows are at least 500 px wide: emulate a phone instead
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        OPEN.append(self)

    def get(self, url):
        self.driver.get(url)

    def wait(self, condition, what, timeout=TIMEOUT):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=[StaleElementReferenceException]).until(
                lambda d: condition(d))
        except TimeoutException:
            raise AssertionError("%s: timed out after %g s waiting for %s; page text:\n%s"
                                 % (self.name, timeout, what, self.text()[-2500:]))

    def find(self, css, timeout=TIMEOUT):
        """The first visible element matching a CSS selector, once there."""
        def visible(d):
            for e in d.find_elements(By.CSS_SELECTOR, css):
                if e.is_displayed():
                    return e
            return False
        return self.wait(visible, "element %s" % css, timeout)

    def button(self, label, timeout=TIMEOUT):
        """The visible, enabled button whose text (or aria-label) is `label`."""
        xpath = "//button[normalize-space()=%s or @aria-label=%s]" % (quote(label), quote(label))

        def ready(d):
            for e in d.find_elements(By.XPATH, xpath):
                if e.is_displayed() and e.is_enabled():
                    return e
            return False
        return self.wait(ready, "button %r" % label, timeout)

    def click(self, label):
        self.button(label).click()

    def fill(self, css, value):
        e = self.find(css)
        e.clear()
        e.send_keys(value)
        return e

    def text(self, css="body"):
        try:
            return self.driver.find_element(By.CSS_SELECTOR, css).text
        except Exception:
            return ""

    def wait_text(self, needle, css="body", timeout=TIMEOUT):
        """Waits until `needle` appears in the text of the first element matching `css`."""
        self.wait(lambda d: needle in self.text(css), "text %r in %s" % (needle, css), timeout)

    def screenshot(self, path):
        self.driver.save_screenshot(path)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            if self in OPEN:
                OPEN.remove(self)


def scenario(test):
    """Runs a scenario like tcs_e2e.run, printing its time; on failure saves screenshots."""
    def wrapped():
        start = time.monotonic()
        try:
            test()
        except BaseException:
            for b in OPEN:
                path = os.path.join(ARTIFACTS, "tcs-web-%s-%s.png" % (test.__name__, b.name))
                try:
                    b.screenshot(path)
                    print("screenshot: " + path, file=sys.stderr)
                except Exception as e:  # the browser itself may be gone
                    print("no screenshot of %s: %s" % (b.name, e), file=sys.stderr)
            raise
        finally:
            for b in list(OPEN):
                b.quit()
        print("time: %s %.1f s" % (test.__name__, time.monotonic() - start))
    wrapped.__name__ = test.__name__
    tcs_e2e.run(wrapped)


def open_widget(browser, server, email, password=tcs_e2e.CUSTOMER_PASSWORD):
    browser.get("http://127.0.0.1:%d/" % server.web_port)
    browser.find("#tcsw-launcher").click()
    browser.fill("#tcsw-email", email)
    browser.fill("#tcsw-password", password).send_keys(Keys.RETURN)


def open_console(browser, server, email, code, password=tcs_e2e.EXEC_PASSWORD):
    browser.get("http://127.0.0.1:%d/ejecutivo" % server.web_port)
    browser.fill("#ex-email", email)
    browser.fill("#ex-password", password)
    browser.fill("#ex-totp", code).send_keys(Keys.RETURN)
