"""The instructor's handout: the same book with every exercise solution removed.

With ``BOOK_SOLUTIONS=hide`` (``make handout``) the pages, the downloadable ``.md`` and
``.ipynb`` files keep the exercises but lose every solution, gated solutions with their code
cells included, and the Colab buttons (they would open the public notebooks) are left out.
sphinx-exercise's own ``hide_solutions`` cannot be used: it breaks on gated solutions.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def on_config_inited(app: Sphinx, config: Any) -> None:
    solutions = os.environ.get("BOOK_SOLUTIONS", "show").strip().lower()
    if solutions not in ("show", "hide"):
        raise ValueError(f"BOOK_SOLUTIONS={solutions!r}: use 'show' (default) or 'hide'")
    config.handout_hide_solutions = solutions == "hide"


class RemoveSolutions(SphinxPostTransform):
    """The instructor's handout: drop every exercise solution, gated code cells included.

    (sphinx-exercise's own ``hide_solutions`` cannot handle gated solutions, which hold code.)
    """

    default_priority = 999  # after sphinx-exercise has merged gated solutions

    def run(self, **kwargs: Any) -> None:
        if not self.app.config.handout_hide_solutions:
            return
        from sphinx_exercise.nodes import solution_node

        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


SOLUTION_BLOCK = re.compile(r"^(`{3,}|:{3,})\{solution\}.*?^\1[ \t]*$\n?", re.S | re.M)
GATED_SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution-start\}.*?"
                            r"^(`{3,}|:{3,})\{solution-end\}[ \t]*\n\2[ \t]*$\n?", re.S | re.M)


def strip_solution_text(text: str) -> str:
    """A MyST source without its solutions (gated ones with their code cells, and plain ones)."""
    return SOLUTION_BLOCK.sub("", GATED_SOLUTION.sub("", text))


def handout_notebook(md_text: str, executed: Any) -> Any:
    """The notebook of a MyST source without its solutions, with the outputs of ``executed``
    (the full executed notebook) grafted onto the code cells that remain."""
    import jupytext

    nb = jupytext.reads(strip_solution_text(md_text), fmt="md:myst")
    outputs = [c for c in executed.cells if c.cell_type == "code"]
    i = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        while i < len(outputs) and outputs[i].source != cell.source:
            i += 1  # a code cell of a removed solution
        if i < len(outputs):
            cell.outputs, cell.execution_count = outputs[i].outputs, outputs[i].execution_count
            i += 1
    return nb


def strip_downloadable_solutions(app: Sphinx, exception: Exception | None) -> None:
    """In the handout, the downloadable sources must not contain the solutions either."""
    if exception is not None or not app.config.handout_hide_solutions:
        return
    import nbformat

    sources = Path(app.outdir, "_sources")
    for path in sources.rglob("*.md*"):  # the MyST sources (.md, or .md.txt)
        text = path.read_text(encoding="utf-8")
        path.write_text(strip_solution_text(text), encoding="utf-8")
        ipynb = path.with_name(path.name.split(".")[0] + ".ipynb")
        if ipynb.exists():  # the executed notebook offered for download
            executed = nbformat.read(ipynb, as_version=4)
            nbformat.write(handout_notebook(text, executed), ipynb)


def hide_launch_buttons(app: Sphinx, pagename: str, templatename: str, context: dict,
                        doctree: Any) -> None:
    """In the handout, no Colab button: it would open the public notebook, with solutions."""
    if app.config.handout_hide_solutions and "header_buttons" in context:
        context["header_buttons"] = [b for b in context["header_buttons"]
                                     if b.get("label") != "launch-buttons"]




def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("handout_hide_solutions", False, "env")
    app.connect("config-inited", on_config_inited)
    app.add_post_transform(RemoveSolutions)
    app.connect("html-page-context", hide_launch_buttons, priority=900)
    app.connect("build-finished", strip_downloadable_solutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
