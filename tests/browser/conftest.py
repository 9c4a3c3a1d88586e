"""Browser journeys: Debian's Chromium driven by Playwright against a real ``ckan run``.

No browser is downloaded: Playwright launches /usr/bin/chromium (the Makefile installs the
Debian package). Screenshots of every step go to test-artifacts/journeys/.
"""
from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, WebProcess

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Dongchang-2026-test"  # every journey's people log in with it
ARTIFACTS = ROOT / "test-artifacts" / "journeys"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def web():
    server = WebProcess().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Person:
    """One person's browser session, with screenshots named after the journey's steps."""

    def __init__(self, browser, web, prefix: str, name: str, folder: Path,
                 steps: Iterator[int] | None = None):
        self.context = browser.new_context(locale="zh-CN" if prefix == "" else "en-US")
        self.page = self.context.new_page()
        self.web, self.prefix, self.name, self.folder = web, prefix, name, folder
        # one numbering for everyone in a journey, so the screenshots sort in the story's order
        self.steps = steps or itertools.count(1)
        self.broken: list[str] = []  # the site's scripts, styles and XHRs that failed
        self.page.on("response", self._note_broken)
        # Script errors and Content-Security-Policy refusals (Chromium reports both on the
        # console) count as broken too: a blocked inline script fails silently otherwise.
        self.page.on("console", self._note_console_error)
        self.page.on("pageerror", lambda error: self.broken.append(f"script error: {error}"))

    def _note_broken(self, response) -> None:
        """A failed sub-request is invisible yet can stop the page's JavaScript; remember it.

        Pages themselves (navigations) are left out: a test asserts on their status directly.
        """
        if response.status >= 400 and response.url.startswith(self.web.url) \
                and not response.request.is_navigation_request():
            self.broken.append(f"{response.status} {response.request.method} {response.url}")

    def _note_console_error(self, message) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.broken.append(f"console: {message.text}")

    def url(self, path: str) -> str:
        return f"{self.web.url}{self.prefix}{path}"

    def goto(self, path: str):
        self.page.goto(self.url(path))
        return self.page

    def home(self):
        """Where every journey starts: the portal's home page, the only address typed."""
        return self.goto("/")

    def click(self, target, label: str = ""):
        """Follow a link or press a button as the person would, and wait for the next page;
        ``target``: a selector or a Playwright locator (its first match is clicked)."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        with self.page.expect_navigation():
            locator.first.click()
        if label:
            self.shot(label)
        return self.page

    def submit(self, selector: str, confirm: bool = False):
        """Press a form's button and wait for the next page; ``confirm``: the button asks
        first (CKAN's confirm-action dialog), and the person confirms."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
            if confirm:
                self.page.locator("#ckan-confirm-yes").click()
        return self.page

    def find(self, query: str, title: str, label: str = ""):
        """Home page, its search box, then the entry titled ``title`` in the results."""
        page = self.home()
        page.fill("#dongchang-home-q", query)
        with page.expect_navigation():
            page.press("#dongchang-home-q", "Enter")
        return self.click(page.locator(".dataset-list a", has_text=title), label)

    def open_workbench(self, label: str = "workbench"):
        """Home page, then the header's 工作台 (Workbench) link."""
        self.home()
        return self.click("a.dongchang-nav-workbench", label)

    def login(self, username: str, password: str = PASSWORD):
        """From the home page through the header's login link, as a person signs in."""
        self.home()
        self.click("a[href$='/user/login']")
        self.page.fill("#field-login", username)
        self.page.fill("#field-password", password)
        with self.page.expect_navigation():
            self.page.press("#field-password", "Enter")
        assert self.page.locator(f"a[href*='/user/{username}']").count() > 0, "login failed"
        self.shot("logged-in")

    def shot(self, label: str) -> Path:
        step = next(self.steps)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{step:02d}-{self.name}-{re.sub(r'[^a-z0-9-]', '', label)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def people(browser, web, request):
    made = []
    folder = ARTIFACTS / request.node.name.replace("/", "_")
    shutil.rmtree(folder, ignore_errors=True)  # this run's screenshots only, step by step
    steps = itertools.count(1)

    def person(name: str, prefix: str) -> Person:
        made.append(Person(browser, web, prefix, name, folder, steps))
        return made[-1]

    yield person
    broken = {one.name: one.broken for one in made if one.broken}
    for one in made:
        one.close()
    assert not broken, f"failed sub-requests, script errors or CSP refusals: {broken}"
