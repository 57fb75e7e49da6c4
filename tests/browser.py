"""Browser fixtures for the page tests: the app under uvicorn on loopback, Debian's Chromium driven by
Playwright, axe-core from core/web/node_modules run on every page visited, and screenshots.

Screenshots go to ``test-output/screenshots/<backend>/<test>/`` (git-ignored). Chromium is Debian's
``/usr/bin/chromium`` (``./dev test`` installs it); Playwright never downloads a browser here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.app import create_app
from core.config import default_config
from core.web import AXE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (./dev test does this)")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run ./dev test (or: cd core/web && npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def config():
    """The demo deployment as shipped (with BTI Agder's guide and arenas, one of which allows anonymous
    discussion). A page-test module opts in by importing this fixture."""
    return default_config()


@pytest.fixture
def site(world, serve_app) -> str:
    """The whole app (API, login, pages) on the test's database, over real HTTP."""
    return serve_app(lambda base_url: create_app(world.platform, public_url=base_url))


@dataclass
class Shots:
    folder: Path
    count: int = 0
    checked: list[str] = field(default_factory=list)


@pytest.fixture
def shots(request, backend: str) -> Shots:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder = OUTPUT / backend / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return Shots(folder)


DRAFTS = "/static/web/drafts.js"


class Person:
    """One person's browser (own cookies): logs in through the realm's persona page, visits pages,
    and checks each page it lands on with axe-core and a screenshot."""

    def __init__(
        self,
        browser,
        base: str,
        shots: Shots,
        *,
        javascript: bool = True,
        width: int = 1200,
        height: int = 900,
    ):
        self.base, self.shots, self.javascript = base, shots, javascript
        self.context = browser.new_context(
            base_url=base,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            is_mobile=width < 600,  # a phone: the meta viewport applies, as on the device
            has_touch=width < 600,
            locale="nb-NO",
            reduced_motion="reduce",  # no sliding <details>: a click lands where the button is
        )
        self.page = self.context.new_page()
        self.last_status = 0
        self.page.on("response", self._remember)
        self.refused: list[str] = []  # what the pages' Content-Security-Policy blocked
        self.page.on("console", self._csp)

    def _csp(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def _remember(self, response) -> None:
        if response.request.resource_type == "document":
            self.last_status = response.status

    def login(self, person_id: str, next: str = "/saker") -> None:
        self.page.goto(f"/login?next={next}")
        self.check("innlogging")
        with self.page.expect_navigation():
            self.page.click(f'button[name="person"][value="{person_id}"]')
        self.page.wait_for_load_state()

    def goto(self, path: str, name: str) -> int:
        self.page.goto(path)
        self.check(name)
        return self.last_status

    def submit(self, button: str, name: str, *, within=None) -> int:
        """Click a submit button (by its text) and check the page that comes back."""
        scope = within or self.page
        try:
            with self.page.expect_navigation():
                scope.get_by_role("button", name=button, exact=True).click()
        except PlaywrightTimeout:
            self.page.screenshot(path=str(self.shots.folder / f"{self.shots.count + 1:02d}-{name}-FEIL.png"))
            invalid = self.page.evaluate(
                "[...document.querySelectorAll(':invalid')].map(e => e.id || e.name || e.tagName)"
            )
            raise AssertionError(
                f"«{button}» on {self.page.url} did not load a page; fields the browser holds back: {invalid}"
            ) from None
        self.check(name)
        return self.last_status

    def check(self, name: str) -> None:
        self.shots.count += 1
        path = self.shots.folder / f"{self.shots.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.checked.append(self.page.url)
        # every page works without JavaScript: forms and links only, and one script of our own that keeps
        # what was typed when the network drops (core/web/static/drafts.js)
        scripts = self.page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
        assert set(scripts) <= {DRAFTS}, f"{self.page.url} carries a script: {scripts}"
        assert not self.refused, f"the page broke its own Content-Security-Policy: {self.refused}"
        if self.javascript:
            astray = self.page.evaluate(LABEL_BESIDE_BOX)
            assert not astray, f"labels pushed under their box on {self.page.url}: {astray}"
            violations = axe(self.page)
            assert not violations, f"axe-core: WCAG 2.1 A/AA violations on {self.page.url}:\n" + "\n".join(
                violations
            )

    def text(self) -> str:
        return (
            self.page.inner_text("main") if self.page.query_selector("main") else self.page.inner_text("body")
        )

    def close(self) -> None:
        self.context.close()


# A check box or radio button whose label has wrapped onto the next line reads as belonging to the
# option below it: each visible box must share a line with its own label.
LABEL_BESIDE_BOX = """() => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
  .filter(box => box.labels.length && box.getClientRects().length)
  .filter(box => { const b = box.getBoundingClientRect(), l = box.labels[0].getBoundingClientRect();
                   return l.top >= b.bottom || l.bottom <= b.top; })
  .map(box => box.id)"""


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe(page) -> list[str]:
    """WCAG 2.1 A and AA violations axe-core finds on the page, one line per element."""
    page.evaluate(_axe_source())  # evaluated by the browser's debugger protocol: the page's CSP stays on
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"- {v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node.get('failureSummary', '')}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


@pytest.fixture
def people(chromium, site: str, shots: Shots) -> Iterator:
    """Factory: ``people(person_id, javascript=True, width=1200, height=900)`` a logged-in browser for
    that person (a width under 600 is a phone: mobile viewport and touch)."""
    opened: list[Person] = []

    def open_(
        person_id: str, *, javascript: bool = True, width: int = 1200, height: int = 900, next: str = "/saker"
    ) -> Person:
        person = Person(chromium, site, shots, javascript=javascript, width=width, height=height)
        opened.append(person)
        person.login(person_id, next=next)
        return person

    yield open_
    for person in opened:
        person.close()
