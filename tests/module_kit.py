"""Reading a module notebook in the module content tests (tests/test_module_*.py).

Each helper takes a notebook or the path of one (read afresh, as each test did on its own before).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

# A word of the prose: letters, with inner apostrophes (straight or curly) and hyphens.
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def load_nb(path: Path):
    return nbformat.read(path, as_version=4)


def _nb(nb_or_path):
    return load_nb(nb_or_path) if isinstance(nb_or_path, (str, Path)) else nb_or_path


def cells_of(nb_or_path, kind: str | None = None) -> list:
    """The cells, or only those of one kind ("markdown", "code")."""
    return [c for c in _nb(nb_or_path).cells if kind is None or c.cell_type == kind]


def sources_of(nb_or_path, kind: str | None = None) -> list[str]:
    return [c.source for c in cells_of(nb_or_path, kind)]


def markdown_text(nb_or_path) -> str:
    return "\n\n".join(sources_of(nb_or_path, "markdown"))


def code_text(nb_or_path) -> str:
    return "\n\n".join(sources_of(nb_or_path, "code"))


def prose_words(nb) -> int:
    """Words of the reading: markdown cells tagged 'reading', table rows left out."""
    n = 0
    for c in _nb(nb).cells:
        if c.cell_type == "markdown" and "reading" in c.metadata.get("tags", []):
            n += sum(len(line.split()) for line in c.source.splitlines() if not line.lstrip().startswith("|"))
    return n


def section_words(nb_or_path, start: str = "## 1.", stop: str = "## Key terms") -> int:
    """WORDs of the markdown cells from the one that starts with `start` up to the one that starts
    with `stop` (the reading's numbered sections, without its head and its key terms)."""
    count, on = 0, False
    for src in sources_of(nb_or_path, "markdown"):
        if src.startswith(start):
            on = True
        if src.startswith(stop):
            on = False
        if on:
            count += len(WORD.findall(src))
    return count
