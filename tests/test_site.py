"""Checks of the built site (_build/html), run by `make site` right after the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from notebook_tools import ROOT, paired_notebooks

pytestmark = pytest.mark.site

HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
NOTEBOOKS = [md.relative_to(ROOT).with_suffix("") for md in paired_notebooks()]


@pytest.fixture(scope="module", autouse=True)
def _built() -> None:
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make site` (or `make book`) first")


def page(docname: Path | str) -> str:
    return (HTML / f"{docname}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", NOTEBOOKS, ids=[d.name for d in NOTEBOOKS])
def test_notebook_page_has_outputs_figures_and_no_errors(doc: Path) -> None:
    html = page(doc)
    assert "lecturelib · device" in html, "the setup line is missing"
    assert "Traceback" not in html and "CheckFailed" not in html
    assert html.count(": checked") >= 1
    figures = re.findall(r'<img [^>]*src="(\.\./\.\./_images/[^"]+\.png)"', html)
    assert figures, "no figure on the page"
    for src in figures:
        assert (HTML / doc.parent / src).resolve().exists(), f"missing image {src}"


@pytest.mark.parametrize("doc", NOTEBOOKS, ids=[d.name for d in NOTEBOOKS])
def test_notebook_page_links_colab_and_the_ipynb(doc: Path) -> None:
    html = page(doc)
    owner_repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    colab = (f"https://colab.research.google.com/github/{owner_repo}/blob/"
             f"{CONFIG['repository']['branch']}/{doc}.ipynb")
    assert colab in html
    assert f"_sources/{doc}.ipynb" in html
    assert (HTML / "_sources" / f"{doc}.ipynb").exists()


def test_exemplary_notebook_numbering_proofs_and_explorer() -> None:
    html = page("book/01-optimization/gradient-descent")
    for kind in ("Definition", "Lemma", "Theorem", "Proposition", "Exercise"):
        assert re.search(rf"{kind} 1\.\d+", html), f"no {kind} 1.n: numbering by part is broken"
    assert "???" not in html, "an unresolved cross-reference"
    explorer = re.search(r'<div class="lecturelib-explorer" id="lx-[0-9a-f]+-\d+">', html)
    assert explorer, "the static explorer is missing"
    assert html.count('type="range"') >= 2
    assert 'class="dropdown' in html or "dropdown" in html  # solutions are folded


def test_status_page_reports_every_notebook() -> None:
    html = page("book/status")
    for doc in NOTEBOOKS:
        assert f"{doc.name}.html" in html
    assert html.count(">passed<") == len(NOTEBOOKS)
    assert "quick profile" in html


HANDOUT = ROOT / "_build" / "handout" / "_build" / "html"


@pytest.mark.parametrize("doc", NOTEBOOKS, ids=[d.name for d in NOTEBOOKS])
def test_instructor_handout_has_exercises_but_no_solutions(doc: Path) -> None:
    """`make handout` (BOOK_SOLUTIONS=hide): no solution on the page or in the downloads."""
    import nbformat

    full, handout = page(doc), (HANDOUT / f"{doc}.html").read_text(encoding="utf-8")
    assert full.count('class="solution dropdown admonition') >= 2  # the public book has them
    assert 'class="solution' not in handout and "Solution to" not in handout
    handout_text = BeautifulSoup(handout, "html.parser").get_text(" ", strip=True)
    for solution in BeautifulSoup(full, "html.parser").select("div.solution"):
        body = solution.select_one("section") or solution
        sentence = body.get_text(" ", strip=True)[:80]
        assert sentence and sentence not in handout_text, f"solution in the handout: {sentence}"
    assert handout.count('class="exercise admonition') == full.count('class="exercise admonition')
    assert full.count('class="exercise admonition') >= 2
    assert "colab.research.google.com" not in handout  # Colab would open the full notebook
    md = (HANDOUT / "_sources" / f"{doc}.md").read_text(encoding="utf-8")
    assert "{solution" not in md and "{exercise}" in md
    nb = nbformat.read(HANDOUT / "_sources" / f"{doc}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert "{solution" not in text and "{exercise}" in text
    full_nb = nbformat.read(HTML / "_sources" / f"{doc}.ipynb", as_version=4)
    full_outputs = {c.source: len(c.outputs) for c in full_nb.cells if c.cell_type == "code"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) < len(full_outputs)  # the solutions' code cells are gone
    assert [len(c.outputs) for c in code] == [full_outputs[c.source] for c in code]
