"""Repository-level checks: notebook pairs, the install cell, the toc, pinned requirements."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import yaml
from notebook_tools import BOOK, ROOT, notebook_from_md, paired_notebooks, same_cells

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
SOURCES = paired_notebooks()
IDS = [str(p.relative_to(BOOK)) for p in SOURCES]


def install_cell(seed_pattern: str = r"\d+") -> re.Pattern[str]:
    """The one first code cell every notebook starts with (Colab installs lecturelib)."""
    return re.compile(
        r"# Colab and other fresh environments: install lecturelib \(torch is left alone\)\n"
        r"try:\n    import lecturelib\nexcept ImportError:\n"
        rf"    %pip install -q git\+{re.escape(REPO_URL)}\n    import lecturelib\n\n"
        rf"run = lecturelib\.setup\(seed={seed_pattern}\)$")


def test_there_are_notebooks() -> None:
    assert SOURCES, "no MyST notebook found under book/"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_pair_exists_and_is_in_sync(md: Path) -> None:
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make notebooks`"
    committed = nbformat.read(ipynb, as_version=4)
    assert same_cells(notebook_from_md(md), committed), (
        f"{ipynb.name} is out of sync with {md.name}: run `make notebooks`")


def test_every_ipynb_has_its_md() -> None:
    orphans = [p for p in BOOK.rglob("*.ipynb") if not p.with_suffix(".md").exists()]
    assert not orphans, f"notebooks without a MyST source: {orphans}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_committed_notebook_is_executed_and_text_only(md: Path) -> None:
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run `make notebooks`"
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"an error is committed in: {cell.source[:60]}"
            rich = set(out.get("data", {})) - {"text/plain", "text/markdown", "text/latex"}
            assert not rich, f"{rich} outputs belong to the build, not the repository"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_first_code_cell_installs_lecturelib_and_calls_setup(md: Path) -> None:
    first = next(c for c in notebook_from_md(md).cells if c.cell_type == "code")
    assert install_cell().match(first.source), (
        f"the first code cell of {md.name} must be the standard install + setup cell "
        f"(see book/01-optimization/gradient-descent.md):\n{first.source}")


def toc_files(node: object) -> list[str]:
    if isinstance(node, dict):
        return ([node["file"]] if "file" in node else []) + [
            f for key in ("parts", "chapters", "sections") for f in toc_files(node.get(key, []))]
    if isinstance(node, list):
        return [f for item in node for f in toc_files(item)]
    return []


def test_toc_lists_every_notebook_and_only_existing_pages() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"], *toc_files(toc)]
    missing = [f for f in files if not (ROOT / f"{f}.md").exists()]
    assert not missing, f"toc entries without a page: {missing}"
    unlisted = [str(md.relative_to(ROOT).with_suffix("")) for md in SOURCES
                if str(md.relative_to(ROOT).with_suffix("")) not in files]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"


def test_toc_has_the_six_parts_in_order() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    numbered = [part for part in toc["parts"] if part.get("numbered")]
    assert [p["caption"] for p in numbered] == [f"Part {i}" for i in range(1, 7)]
    folders = [p["chapters"][0]["file"].split("/")[1] for p in numbered]
    assert folders == ["01-optimization", "02-mlp", "03-cnn", "04-inverse-problems",
                       "05-unsupervised", "06-monte-carlo"]


def test_repository_url_is_defined_once() -> None:
    config_text = (ROOT / "_config.yml").read_text()
    assert config_text.count(REPO_URL) == 1
    readme = (ROOT / "README.md").read_text()
    other_urls = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", readme)) - {REPO_URL}
    assert not other_urls, f"README names another repository: {other_urls}"


def requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"requirements.txt must pin with ==: {line!r}"
            pins[name.lower()] = version
    return pins


def test_requirements_are_pinned_and_installed() -> None:
    pins = requirements()
    needed = {"jupyter-book", "jupytext", "nbval", "pytest", "torch", "torchvision", "matplotlib",
              "ipywidgets", "scikit-learn", "scikit-image", "tqdm", "sphinx-proof",
              "sphinx-exercise", "sphinxcontrib-bibtex"}
    assert needed <= set(pins), f"missing from requirements.txt: {needed - set(pins)}"
    assert pins["jupyter-book"].startswith("1."), "the book uses Jupyter Book 1"
    for name, version in pins.items():
        installed = metadata.version(name).split("+")[0]
        assert installed == version, f"{name}: installed {installed}, pinned {version}"


def test_torch_and_torchvision_match() -> None:
    import torch
    import torchvision
    from torchvision.ops import nms  # compiled ops load only with the matching torch

    boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
    assert nms(boxes, torch.tensor([0.9, 0.8]), 0.5).tolist() == [0]
    requires = metadata.requires("torchvision") or []
    assert any(r.startswith("torch") and "torchvision" not in r for r in requires)
    assert torchvision.__version__.split("+")[0] == requirements()["torchvision"]


def test_lecturelib_does_not_pin_torch() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    torch_req = re.search(r'"torch([^"]*)"', deps).group(1)
    assert torch_req.startswith(">=") and "<" not in torch_req and "==" not in torch_req
    assert "torchvision" not in deps  # it would drag in a torch of its choosing


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_notebook_code_fits_the_page(md: Path) -> None:
    """Code lines of at most 88 characters: the page shows them without scrolling."""
    long = [(i, line) for cell in notebook_from_md(md).cells if cell.cell_type == "code"
            for i, line in enumerate(cell.source.splitlines()) if len(line) > 88]
    assert not long, f"code lines over 88 characters: {long}"


MACROS = CONFIG["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
RAW_FORMS = {r"\mathbb{R}": r"\R", r"\mathbb{N}": r"\N", r"\mathbb{E}": r"\E",
             r"\mathbb{P}": r"\Prob", r"\nabla": r"\grad", r"^\top": r"^\T", r"\lVert": r"\norm",
             r"\operatorname{Var}": r"\Var", r"\mathcal{N}": r"\Normal",
             r"D_{\mathrm{KL}}": r"\KL", r"\operatorname*{argmin}": r"\argmin"}


def test_notation_page_lists_every_macro() -> None:
    notation = (BOOK / "notation.md").read_text(encoding="utf-8")
    missing = [name for name in MACROS if f"`\\{name}" not in notation]
    assert not missing, f"macros of _config.yml not listed on the notation page: {missing}"


def prose_and_math(text: str) -> str:
    """A MyST page without its code cells and code blocks (directives such as theorems stay)."""
    kept, code_fence, directives = [], None, []
    for line in text.splitlines():
        if code_fence is not None:  # inside code: skip up to its closing fence
            if line.strip() == code_fence:
                code_fence = None
            continue
        match = re.match(r"^\s*(`{3,}|~{3,}|:{3,})(.*)$", line)
        if not match:
            kept.append(line)
            continue
        fence, info = match.group(1), match.group(2).strip()
        if not info and directives and directives[-1] == fence:
            directives.pop()  # the end of a directive
        elif info.startswith("{") and not info.startswith("{code-cell}"):
            directives.append(fence)  # a directive: its content is prose and math
        else:
            code_fence = fence  # a code cell or a code block
    return "\n".join(kept)


def test_book_uses_the_notation_macros() -> None:
    """The same symbol is written the same way everywhere: with the book's macros."""
    found = []
    for md in sorted(BOOK.rglob("*.md")):
        text = prose_and_math(md.read_text(encoding="utf-8"))
        found += [(str(md.relative_to(BOOK)), raw, macro) for raw, macro in RAW_FORMS.items()
                  if raw in text]
    assert not found, f"write the macro instead of the raw TeX: {found}"
