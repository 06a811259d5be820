"""The book's own Sphinx extension: honest execution caching and the status page.

1. Execution cache. MyST-NB caches executed notebooks keyed by their code cells only, so a
   change to lecturelib, to the pinned packages, to the run profile or to the seed would
   leave stale outputs in the book. On every build this extension computes a fingerprint of
   those inputs; when it differs from the one stored beside the cache, the cache is emptied
   and (because the fingerprint is also a Sphinx config value) every page is re-read.
2. ``LECTURELIB_STATIC=1`` is set for the kernels the build starts, so explorers embed their
   precomputed frames and training prints a table instead of a progress bar.
3. Downloadable notebooks get the outputs of cached executions (MyST-NB leaves them out), and
   inline scripts that Sphinx 7.4 repeats are written once.
4. The ``{book-status}`` directive: a table of every executed notebook with its run time,
   outcome, the environment its outputs were produced in (device, torch version, profile,
   seed: read from the line ``lecturelib.setup()`` printed) and whether stand-in data was used.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import posixpath
import re
import shutil
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]  # the repository root
FINGERPRINT_FILE = "lecturelib-fingerprint.json"
SETUP_LINE = re.compile(r"lecturelib · device (?P<device>\S+) \((?P<name>[^)]*)\) · "
                        r"torch (?P<torch>\S+) · profile (?P<profile>\w+) · seed (?P<seed>-?\d+)")
STAND_IN_LINE = re.compile(r"lecturelib · stand-in data: the real (?P<name>[\w-]+) is unavailable")


def build_inputs() -> dict[str, Any]:
    """Everything besides a notebook's code that decides its outputs."""
    import lecturelib  # the installed (editable) package the kernels will import

    digest = hashlib.sha256()
    files = sorted((ROOT / "lecturelib").glob("*.py")) + [ROOT / "requirements.txt"]
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    data = lecturelib.data_dir()
    return {
        "sources": digest.hexdigest()[:16],
        "profile": lecturelib.profile(),
        "seed": os.environ.get("LECTURELIB_SEED", ""),
        "offline": os.environ.get("LECTURELIB_OFFLINE", ""),
        "datasets": sorted(p.name for p in data.iterdir()) if data.is_dir() else [],
        "python": platform.python_version(),
    }


def fingerprint(inputs: dict[str, Any]) -> str:
    """A short hash of :func:`build_inputs`."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def cache_path(app: Sphinx) -> Path:
    """The execution cache: the configured one, else the repository's _build/.jupyter_cache,
    shared by every build of the book (the instructor build included)."""
    configured = app.config.nb_execution_cache_path
    return Path(configured) if configured else ROOT / "_build" / ".jupyter_cache"


def write_fingerprint(cache: Path, inputs: dict[str, Any]) -> None:
    """Record which inputs the cached outputs were produced with."""
    cache.mkdir(parents=True, exist_ok=True)
    record = {"fingerprint": fingerprint(inputs), "inputs": inputs}
    (cache / FINGERPRINT_FILE).write_text(json.dumps(record, indent=1, sort_keys=True))


def read_fingerprint(cache: Path) -> str | None:
    try:
        return json.loads((cache / FINGERPRINT_FILE).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        return None


def on_config_inited(app: Sphinx, config: Any) -> None:
    os.environ["LECTURELIB_STATIC"] = "1"  # inherited by every kernel the build starts
    inputs = build_inputs()
    config.booktools_fingerprint = fingerprint(inputs)
    config.booktools_inputs = inputs
    cache = cache_path(app)
    config.nb_execution_cache_path = str(cache)
    stored = read_fingerprint(cache)
    if stored != config.booktools_fingerprint:
        if cache.exists():
            LOGGER.info(f"[booktools] lecturelib, requirements, profile or seed changed: "
                        f"emptying the execution cache {cache}")
            shutil.rmtree(cache)
        write_fingerprint(cache, inputs)


def restore_cached_outputs(app: Sphinx, env: Any) -> None:
    """Give every executed notebook offered for download its outputs.

    MyST-NB writes _build/jupyter_execute/<page>.ipynb (the notebook the ".ipynb" download
    button offers) from the notebook *before* merging outputs from the execution cache, so a
    notebook taken from the cache would be offered without outputs. Merge them here, after
    reading and before the pages (and their download copies) are written.
    """
    import nbformat
    from jupyter_cache import get_cache
    from myst_nb.sphinx_ import NbMetadataCollector

    cache = get_cache(str(cache_path(app)))
    folder = Path(app.outdir).parent / "jupyter_execute"
    for docname, data in NbMetadataCollector.get_doc_data(env).items():
        path = folder / f"{docname}.ipynb"
        if not data.get("exec_data") or not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
            continue  # executed in this build: the outputs are there
        try:
            _, merged = cache.merge_match_into_notebook(nb)
        except KeyError:
            continue
        nbformat.write(merged, path)


# --- the status page ----------------------------------------------------------------------

class StatusNode(nodes.General, nodes.Element):
    """Placeholder, replaced by the status table once every notebook has been executed."""


class BookStatus(SphinxDirective):
    """``{book-status}``: the table of executed notebooks and their environments."""

    def run(self) -> list[nodes.Node]:
        self.env.metadata[self.env.docname]["booktools_status"] = True
        return [StatusNode()]


def status_pages(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """The status page is rewritten on every build: its content depends on all notebooks."""
    return [d for d, meta in env.metadata.items() if meta.get("booktools_status")]


def _notebook_facts(env: Any, docname: str) -> dict[str, str]:
    """Environment and stand-in data of a notebook, read from its executed outputs."""
    facts = {"environment": "no lecturelib.setup() line", "stand_in": "none"}
    stand_ins = []
    for block in env.get_doctree(docname).findall(nodes.literal_block):
        text = block.astext()
        match = SETUP_LINE.search(text)
        if match:
            facts["environment"] = (f"{match['device']} ({match['name']}), torch {match['torch']}, "
                                    f"{match['profile']} profile, seed {match['seed']}")
        stand_ins += [m["name"] for m in STAND_IN_LINE.finditer(text)]
    if stand_ins:
        facts["stand_in"] = "stand-in for " + ", ".join(dict.fromkeys(stand_ins))
    return facts


def _row(cells: list[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        para = nodes.paragraph()
        para += cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
        row += nodes.entry("", para)
    return row


def _table(headers: list[str], rows: list[nodes.row]) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto", "book-status"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in headers]
    head = nodes.thead()
    head += _row(headers)
    body = nodes.tbody()
    body += rows
    group += [head, body]
    return table


class StatusTransform(SphinxPostTransform):
    default_priority = 8  # before references are resolved, so the document links work

    def run(self, **kwargs: Any) -> None:
        from myst_nb.sphinx_ import NbMetadataCollector

        for node in list(self.document.findall(StatusNode)):
            rows = []
            for docname, data in sorted(NbMetadataCollector.get_doc_data(self.env).items()):
                exec_data = data.get("exec_data")
                if not exec_data:
                    continue
                link = pending_xref(refdoc=self.env.docname, reftype="doc", refdomain="std",
                                    reftarget="/" + docname, refexplicit=False, refwarn=True)
                link += nodes.literal(text=posixpath.basename(docname))
                facts = _notebook_facts(self.env, docname)
                runtime, mtime = exec_data.get("runtime"), exec_data.get("mtime")
                rows.append(_row([
                    link,
                    "passed" if exec_data.get("succeeded") else f"failed: {exec_data.get('error')}",
                    "-" if runtime is None else f"{runtime:.1f}",
                    time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime)) if mtime else "-",
                    facts["environment"],
                    facts["stand_in"],
                ]))
            headers = ["Notebook", "Result", "Run time (s)", "Outputs produced",
                       "Environment of its outputs", "Data"]
            node.replace_self(_table(headers, rows) if rows else
                              nodes.paragraph(text="No notebook was executed in this build."))


def build_environment_table(app: Sphinx) -> nodes.table:
    inputs = app.config.booktools_inputs
    rows = [_row([k, str(v)]) for k, v in [
        ("run profile", inputs["profile"]),
        ("seed override (LECTURELIB_SEED)", inputs["seed"] or "none (each notebook's own)"),
        ("offline (LECTURELIB_OFFLINE)", inputs["offline"] or "not set"),
        ("Python", inputs["python"]),
        ("fingerprint of lecturelib + requirements.txt", inputs["sources"]),
        ("execution-cache fingerprint", app.config.booktools_fingerprint),
    ]]
    return _table(["Build input", "Value"], rows)


class BuildInputs(SphinxDirective):
    """``{book-build-inputs}``: the inputs the execution cache is keyed on, for this build."""

    def run(self) -> list[nodes.Node]:
        return [build_environment_table(self.env.app)]


def dedupe_inline_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                          doctree: Any) -> None:
    """Drop repeated <script> tags (an inline script added after the builder started appears
    twice in Sphinx 7.4; sphinx-thebe's `const THEBE_JS_URL` then fails the second time)."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", None) or "",
               tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("booktools_fingerprint", "", "env")
    app.add_config_value("booktools_inputs", {}, "")
    app.connect("config-inited", on_config_inited, priority=100)
    app.add_node(StatusNode)
    app.add_directive("book-status", BookStatus)
    app.add_directive("book-build-inputs", BuildInputs)
    app.connect("env-get-outdated", status_pages)
    app.connect("env-updated", restore_cached_outputs)
    app.add_post_transform(StatusTransform)
    app.connect("html-page-context", dedupe_inline_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
