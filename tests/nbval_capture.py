"""pytest plugin for the nbval run: the book's test environment, and capturing what ran.

Loaded with ``-p tests.nbval_capture`` (see the Makefile). It

* sets the environment notebook tests run in by default (quick profile, static explorers,
  offline stand-in datasets), which the kernels nbval starts inherit;
* lets nbval compare text outputs but not HTML (explorer frames are PNG images inside HTML,
  and nbval already ignores PNG figures);
* with ``--nbval-capture DIR``, writes each executed notebook's outputs and run time to
  ``DIR/<name>.json``, from which ``tests/notebook_tools.py seed-cache`` fills the site
  build's execution cache, so ``make test`` executes every notebook only once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ENV = {"LECTURELIB_STATIC": "1", "LECTURELIB_PROFILE": "quick", "LECTURELIB_OFFLINE": "1",
            "LECTURELIB_DATA": str(ROOT / "_build" / "test-data")}  # defaults only
_runs: dict[str, dict] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--nbval-capture", metavar="DIR", default=None,
                     help="write each executed notebook's outputs to DIR (for the site cache)")


def pytest_configure(config: pytest.Config) -> None:
    for name, value in TEST_ENV.items():  # `make full` and `make seeds` choose their own
        os.environ.setdefault(name, value)


def pytest_collectstart(collector: pytest.Collector) -> None:
    if hasattr(collector, "skip_compare"):  # nbval's IPyNbFile
        collector.skip_compare = (*collector.skip_compare, "text/html")


def _merged(outputs: list) -> list[dict]:
    """Outputs as nbformat dicts, with consecutive stream messages merged as Jupyter does."""
    merged: list[dict] = []
    for out in outputs:
        out = json.loads(json.dumps(out))
        if out["output_type"] == "execute_result":
            out.setdefault("metadata", {})
            out.setdefault("execution_count", None)
        if (out["output_type"] == "stream" and merged and merged[-1]["output_type"] == "stream"
                and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201
    outcome = yield
    if call.when != "call" or not hasattr(item, "test_outputs"):
        return
    report = outcome.get_result()
    run = _runs.setdefault(str(item.fspath), {"outputs": [], "seconds": 0.0, "complete": True})
    run["outputs"].append(_merged(item.test_outputs or []))
    run["seconds"] += call.duration
    run["complete"] &= report.passed


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("--nbval-capture")
    if not target:
        return
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for path, run in _runs.items():
        source = Path(path).with_suffix(".md")
        record = {"source": source.relative_to(ROOT).as_posix(), **run}
        name = source.relative_to(ROOT).with_suffix("").as_posix().replace("/", "__")
        (target / f"{name}.json").write_text(json.dumps(record))
