"""Tests of the build machinery: cache fingerprint, cache invalidation, seeding from nbval."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from notebook_tools import ROOT, notebook_from_md, paired_notebooks, seed_cache

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import booktools  # noqa: E402
import handout  # noqa: E402


def test_fingerprint_follows_profile_seed_offline_and_datasets(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    base = booktools.fingerprint(booktools.build_inputs())
    assert base == booktools.fingerprint(booktools.build_inputs())  # stable
    seen = {base}
    for name, value in [("LECTURELIB_PROFILE", "full"), ("LECTURELIB_SEED", "3"),
                        ("LECTURELIB_OFFLINE", "1")]:
        monkeypatch.setenv(name, value)
        seen.add(booktools.fingerprint(booktools.build_inputs()))
    assert len(seen) == 4
    (tmp_path / "data" / "MNIST").mkdir(parents=True)  # a dataset became available
    seen.add(booktools.fingerprint(booktools.build_inputs()))
    assert len(seen) == 5


def test_fingerprint_follows_lecturelib_and_requirements(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "lecturelib", copy / "lecturelib")
    shutil.copy(ROOT / "requirements.txt", copy / "requirements.txt")
    monkeypatch.setattr(booktools, "ROOT", copy)
    before = booktools.build_inputs()["sources"]
    with open(copy / "lecturelib" / "checks.py", "a") as f:
        f.write("\n# an edit\n")
    after_code = booktools.build_inputs()["sources"]
    with open(copy / "requirements.txt", "a") as f:
        f.write("six==1.16.0\n")
    after_reqs = booktools.build_inputs()["sources"]
    assert len({before, after_code, after_reqs}) == 3


def fake_app(tmp_path: Path) -> SimpleNamespace:
    config = SimpleNamespace(nb_execution_cache_path=str(tmp_path / "cache"))
    return SimpleNamespace(config=config, outdir=str(tmp_path / "html"))


def test_changed_inputs_empty_the_execution_cache(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    app = fake_app(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "executed.ipynb").write_text("{}")  # made under unknown inputs: must go
    booktools.on_config_inited(app, app.config)
    assert not (cache / "executed.ipynb").exists()
    assert booktools.read_fingerprint(cache) == app.config.booktools_fingerprint
    import os

    assert os.environ["LECTURELIB_STATIC"] == "1"  # for the kernels the build starts
    (cache / "executed.ipynb").write_text("{}")
    booktools.on_config_inited(app, app.config)  # same inputs: the cache is kept
    assert (cache / "executed.ipynb").exists()
    monkeypatch.setenv("LECTURELIB_SEED", "7")
    booktools.on_config_inited(app, app.config)  # another seed: emptied again
    assert not (cache / "executed.ipynb").exists()


def test_cache_path_defaults_to_the_repository_build_folder(tmp_path: Path) -> None:
    app = fake_app(tmp_path)
    app.config.nb_execution_cache_path = ""
    assert booktools.cache_path(app) == ROOT / "_build" / ".jupyter_cache"


def test_book_solutions_switch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = fake_app(tmp_path)
    handout.on_config_inited(app, app.config)
    assert app.config.handout_hide_solutions is False
    monkeypatch.setenv("BOOK_SOLUTIONS", "hide")
    handout.on_config_inited(app, app.config)
    assert app.config.handout_hide_solutions is True
    monkeypatch.setenv("BOOK_SOLUTIONS", "maybe")
    with pytest.raises(ValueError, match="use 'show'"):
        handout.on_config_inited(app, app.config)


def test_solutions_are_cut_from_myst_sources_and_notebooks() -> None:
    import nbformat

    md = (ROOT / "book" / "01-optimization" / "gradient-descent.md").read_text()
    stripped = handout.strip_solution_text(md)
    assert "{solution" in md and "{solution" not in stripped
    assert stripped.count("{exercise}") == md.count("{exercise}") >= 2
    executed = notebook_from_md(ROOT / "book" / "01-optimization" / "gradient-descent.md")
    for i, cell in enumerate(c for c in executed.cells if c.cell_type == "code"):
        cell.outputs = [nbformat.v4.new_output("stream", text=f"out {i}\n")]
    nb = handout.handout_notebook(md, executed)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert 0 < len(code) < sum(c.cell_type == "code" for c in executed.cells)
    assert all(c.outputs for c in code)  # outputs follow their cells past removed ones


def test_seed_cache_hands_nbval_outputs_to_the_build(tmp_path: Path) -> None:
    from jupyter_cache import get_cache

    md = paired_notebooks()[0]
    nb = notebook_from_md(md)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    outputs = [[{"output_type": "stream", "name": "stdout", "text": f"cell {i}\n"}]
               for i in range(n_code)]
    captures = tmp_path / "captures"
    captures.mkdir()
    record = {"source": str(md.relative_to(ROOT)), "outputs": outputs, "seconds": 1.5,
              "complete": True}
    (captures / "good.json").write_text(json.dumps(record))
    (captures / "failed.json").write_text(json.dumps({**record, "complete": False}))
    (captures / "stale.json").write_text(json.dumps({**record, "outputs": outputs[:-1]}))
    cache_dir = tmp_path / "cache"
    assert seed_cache(captures, cache_dir) == 1  # the failed and the stale run are skipped
    cache = get_cache(str(cache_dir))
    match = cache.match_cache_notebook(nb)  # what MyST-NB looks up when it builds md
    assert match.data["execution_seconds"] == 1.5
    _, merged = cache.merge_match_into_notebook(nb)
    first_code = next(c for c in merged.cells if c.cell_type == "code")
    assert first_code.outputs[0]["text"] == "cell 0\n"
    assert booktools.read_fingerprint(cache_dir) == booktools.fingerprint(
        booktools.build_inputs())
