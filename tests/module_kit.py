"""Reading a module notebook in the module content tests (tests/test_module_{frame,power,termination}.py)."""
from __future__ import annotations

from pathlib import Path

import nbformat


def load_nb(path: Path):
    return nbformat.read(path, as_version=4)


def markdown_text(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_text(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code")


def prose_words(nb) -> int:
    """Words of the reading: markdown cells tagged 'reading', table rows left out."""
    n = 0
    for c in nb.cells:
        if c.cell_type == "markdown" and "reading" in c.metadata.get("tags", []):
            n += sum(len(line.split()) for line in c.source.splitlines() if not line.lstrip().startswith("|"))
    return n
