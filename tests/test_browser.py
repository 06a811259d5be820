"""The built site as a reader sees it: every page opened in headless Chromium.

Run by `make site` after the build (marker `site`). The pages are served over HTTP from
_build/html on localhost, opened with Playwright driving Debian's Chromium (no browser is
downloaded), and checked for what a reader would notice: JavaScript errors, math left
untypeset, images that do not load, dead links, missing navigation, sliders that do nothing,
launch and download links, folded solutions, layout that overflows a phone screen.
Screenshots of the intro and of every notebook page are written to _build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from notebook_tools import ROOT, paired_notebooks

pytestmark = pytest.mark.site

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
NOTEBOOKS = [str(md.relative_to(ROOT).with_suffix("")) for md in paired_notebooks()]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def toc_pages() -> list[str]:
    def files(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["file"]] if "file" in node else []
            return own + [f for k in ("parts", "chapters", "sections")
                          for f in files(node.get(k, []))]
        if isinstance(node, list):
            return [f for item in node for f in files(item)]
        return []

    return [TOC["root"], *files(TOC)]


PAGES = toc_pages()


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no Chromium found: install Debian's `chromium` package (make site does)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make site` (or `make book`) first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page loaded in a fresh browser tab, with the errors it logged."""

    def __init__(self, browser: object, url: str, *, width: int = 1280, height: int = 900):
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.goto(url, wait_until="load")
        # Sphinx loads MathJax only on pages with math; where it does, wait for typesetting
        self.page.wait_for_function("() => !document.querySelector('script[src*=mathjax]')"
                                    " || Boolean(window.MathJax && MathJax.startup"
                                    " && MathJax.startup.promise)", timeout=30_000)
        self.page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def visits(browser: object, site_url: str) -> Iterator[dict[str, Visit]]:
    opened = {doc: Visit(browser, urljoin(site_url, f"{doc}.html")) for doc in PAGES}
    yield opened
    for visit in opened.values():
        visit.close()


@pytest.mark.parametrize("doc", PAGES)
def test_page_loads_without_javascript_errors(visits: dict[str, Visit], doc: str) -> None:
    assert visits[doc].errors == []


@pytest.mark.parametrize("doc", PAGES)
def test_page_has_a_title_and_a_heading(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    assert page.title().endswith(CONFIG["title"]) and len(page.title()) > len(CONFIG["title"])
    assert page.locator("article h1").count() == 1


@pytest.mark.parametrize("doc", PAGES)
def test_all_math_is_typeset(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    untypeset = page.evaluate("""() => Array.from(document.querySelectorAll('.math'))
        .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent)""")
    assert untypeset == [], "math MathJax did not typeset"
    errors = page.evaluate("() => Array.from(document.querySelectorAll('mjx-merror'))"
                           ".map(el => el.getAttribute('data-mjx-error') || el.textContent)")
    assert errors == [], "TeX errors (an undefined macro?)"
    text = page.evaluate("""() => { const a = document.querySelector('article').cloneNode(true);
        a.querySelectorAll('pre, code, mjx-container, script, style').forEach(e => e.remove());
        return a.innerText; }""")
    raw = re.findall(r"\$[^$\n]{1,80}\$|\\\(|\\\[|\\begin\{", text)
    assert raw == [], "raw TeX left in the text"


@pytest.mark.parametrize("doc", PAGES)
def test_every_image_loads(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy images too
    broken = page.evaluate("""() => Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.currentSrc.slice(0, 80))""")
    assert broken == []


def _anchor_ids(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_every_internal_link_and_cross_reference_resolves(visits: dict[str, Visit],
                                                          site_url: str) -> None:
    ids: dict[Path, set[str]] = {}
    dead = []
    for doc, visit in visits.items():
        hrefs = visit.page.evaluate("() => Array.from(document.querySelectorAll('a[href]'))"
                                    ".map(a => a.href)")
        for href in set(hrefs):
            if not href.startswith(site_url):
                continue  # external (GitHub, Colab): not reachable from here
            parts = urlsplit(href)
            target = HTML / unquote(parts.path.removeprefix(urlsplit(site_url).path))
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                dead.append((doc, href))
            elif parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = _anchor_ids(target)
                if unquote(parts.fragment) not in ids[target]:
                    dead.append((doc, href))
    assert dead == []


def test_cross_references_between_pages_work(visits: dict[str, Visit]) -> None:
    """The Part 1 index cites the convergence theorem of the gradient-descent chapter."""
    links = visits["book/01-optimization/index"].page.locator(
        'a[href*="gradient-descent.html#thm-gd-convergence"]')
    assert links.count() >= 1
    assert re.search(r"Theorem 1\.\d+", links.first.inner_text())


def test_citations_link_to_the_bibliography(visits: dict[str, Visit]) -> None:
    page = visits["book/01-optimization/gradient-descent"].page
    cites = page.locator('a[href*="bibliography.html#"]')
    assert cites.count() >= 5
    assert "Cauchy" in cites.first.inner_text()


@pytest.mark.parametrize("doc", PAGES)
def test_navigation_shows_the_six_parts_in_order(visits: dict[str, Visit], doc: str) -> None:
    captions = visits[doc].page.locator("nav.bd-docs-nav p.caption").all_inner_texts()
    parts = [c.strip() for c in captions if c.strip().startswith("Part")]
    assert parts == [f"Part {i}" for i in range(1, 7)]


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_notebook_page_links_colab_and_its_ipynb(visits: dict[str, Visit], doc: str,
                                                 site_url: str) -> None:
    page = visits[doc].page
    owner_repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    colab = page.locator(f'a[href^="https://colab.research.google.com/github/{owner_repo}/"]')
    assert colab.count() == 1
    assert colab.get_attribute("href").endswith(f"/{doc}.ipynb")
    download = page.locator(f'a[href$="_sources/{doc}.ipynb"]')
    assert download.count() == 1
    response = page.request.get(urljoin(site_url, f"_sources/{doc}.ipynb"))
    assert response.ok
    notebook = response.json()
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert any("image/png" in o.get("data", {}) for o in outputs), "downloaded without outputs"


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_notebook_page_says_how_it_was_made(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    intro = page.locator("article").inner_text()[:4000]
    assert re.search(r"Run time\..*CPU", intro, re.S) and "GPU" in intro
    first_output = page.locator("div.cell_output").first.inner_text()
    assert re.search(r"lecturelib · device \w+ .* · torch [\d.]+ · profile (quick|full)",
                     first_output)


def explorer_pages() -> list[str]:
    """The pages whose source calls lecturelib.explore (decided before anything is built)."""
    return [doc for doc in NOTEBOOKS
            if "explore(" in (ROOT / f"{doc}.md").read_text(encoding="utf-8")]


@pytest.mark.parametrize("doc", explorer_pages())
def test_static_explorer_responds_without_a_kernel(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    assert page.locator(".lecturelib-explorer").count() >= 1, "no static explorer on the page"
    for explorer in page.locator(".lecturelib-explorer").all():
        image = explorer.locator("img.lx-frame")
        for i, slider in enumerate(explorer.locator('input[type="range"]').all()):
            label = explorer.locator("output.lx-value").nth(i)
            before_src, before_label = image.get_attribute("src"), label.inner_text()
            slider.focus()
            key = "ArrowLeft" if slider.input_value() == slider.get_attribute("max") else \
                "ArrowRight"
            page.keyboard.press(key)
            assert image.get_attribute("src") != before_src, "the picture did not change"
            assert label.inner_text() != before_label, "the value shown did not change"
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_solutions_are_folded_until_opened(visits: dict[str, Visit], doc: str) -> None:
    page = visits[doc].page
    solutions = page.locator("div.solution")
    assert solutions.count() >= 2, "every chapter has at least two exercises with solutions"
    body = solutions.first.locator("section#solution-content")
    assert not body.is_visible()
    solutions.first.locator("button.toggle-button").click()  # the title also holds a link
    body.wait_for(state="visible", timeout=5000)


@pytest.fixture(scope="module")
def phone_visits(browser: object, site_url: str) -> Iterator[dict[str, Visit]]:
    opened = {doc: Visit(browser, urljoin(site_url, f"{doc}.html"), width=390, height=844)
              for doc in PAGES}
    yield opened
    for visit in opened.values():
        visit.close()


@pytest.mark.parametrize("doc", PAGES)
def test_no_horizontal_overflow_on_a_phone(phone_visits: dict[str, Visit], doc: str) -> None:
    visit = phone_visits[doc]
    overflow = visit.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"
    assert visit.errors == []


@pytest.mark.parametrize("doc", PAGES)
def test_inline_formulas_fit_a_phone_screen(phone_visits: dict[str, Visit], doc: str) -> None:
    """MathJax cannot break a formula across lines: a long one belongs in display math."""
    wide = phone_visits[doc].page.evaluate("""() =>
        !(window.MathJax && MathJax.startup.document) ? [] :
        MathJax.startup.document.getMathItemsWithin(document.body)
        .filter(m => !m.display && !m.typesetRoot.closest('table'))
        .filter(m => m.typesetRoot.getBoundingClientRect().width > 300).map(m => m.math)""")
    assert wide == [], "inline formulas too wide for a phone: make them display math"


def test_screenshots(visits: dict[str, Visit], phone_visits: dict[str, Visit]) -> None:
    """Full-page screenshots for a person to look at, desktop and phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for doc in [TOC["root"], *NOTEBOOKS]:
        for name, visit in (("desktop", visits[doc]), ("phone", phone_visits[doc])):
            path = SCREENSHOTS / f"{doc.replace('/', '__')}.{name}.jpg"
            visit.page.evaluate("() => window.scrollTo(0, 0)")
            visit.page.screenshot(path=str(path), full_page=True, type="jpeg", quality=80)
            assert path.stat().st_size > 10_000
    print(f"\nscreenshots written to {SCREENSHOTS}")
