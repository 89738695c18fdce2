"""Make a student notebook's code cells self-contained and fold their code away.

A student may restart the kernel or reload the page and then run any single cell (the start
notebook tells them to). So every code cell imports what it uses instead of relying on a set-up
cell above it, and cells that only show a widget, figure or table have their code collapsed
(`"jupyter": {"source_hidden": true}`, which JupyterLab 4 renders as a folded cell).

    python tools/notebook_src/selfcontained.py notebooks/01_the_frame.ipynb ...   # rewrite in place

`self_contain(nb)` works on an nbformat notebook (the capstone generator calls it); `missing_names`
is what tests/test_notebooks.py uses to check that no cell leans on another one.
"""
from __future__ import annotations

import ast
import builtins
import sys
from collections import OrderedDict

import nbformat

# Names a student cell may use, and where they come from. A cell's own imports are added to it.
KNOWN_IMPORTS = {
    "play": "course", "self_check": "course", "cite": "course", "vignette_map": "course",
    "show_progress": "course", "mark_complete": "course",
    "Markdown": "IPython.display", "display": "IPython.display", "HTML": "IPython.display",
    "code_entry": "course.codes", "load_concepts": "course.codes",
}

# Cells a student types into or is taught to run by hand keep their code on show.
VISIBLE_MARKERS = ('"""', "practice_button()", "check_template(")


def _defined_and_used(src: str) -> tuple[set[str], list[str]]:
    tree = ast.parse(src)
    defined: set[str] = set()
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                defined.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                defined.add(node.id)
            elif node.id not in used:
                used.append(node.id)
        elif isinstance(node, ast.comprehension):
            for t in ast.walk(node.target):
                if isinstance(t, ast.Name):
                    defined.add(t.id)
    return defined, used


def missing_names(src: str) -> list[str]:
    """Names `src` uses that it neither defines nor imports and that are not builtins."""
    defined, used = _defined_and_used(src)
    return [n for n in used if n not in defined and not hasattr(builtins, n)]


def _import_map(nb) -> dict[str, tuple[str, str]]:
    """name -> (module, attribute) from every import in the notebook, plus KNOWN_IMPORTS."""
    out = {name: (mod, name) for name, mod in KNOWN_IMPORTS.items()}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    out[a.asname or a.name] = (node.module, a.name)
    return out


def _is_import_only(src: str) -> bool:
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def _with_imports(src: str, imports: dict[str, tuple[str, str]]) -> str:
    need = [n for n in missing_names(src) if n in imports]
    if not need:
        return src
    by_module: "OrderedDict[str, list[str]]" = OrderedDict()
    for n in need:
        mod, attr = imports[n]
        by_module.setdefault(mod, []).append(attr if attr == n else f"{attr} as {n}")
    lines = [f"from {mod} import {', '.join(names)}" for mod, names in by_module.items()]
    joint = "\n" if src.lstrip().startswith(("from ", "import ")) else "\n\n"
    return "\n".join(lines) + joint + src


def self_contain(nb, *, drop_setup: bool = True):
    """Rewrite `nb` in place: imports into each cell, import-only set-up cells dropped, code folded."""
    imports = _import_map(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and drop_setup and _is_import_only(cell.source):
            continue
        if cell.cell_type == "code":
            cell.source = _with_imports(cell.source, imports)
            jup = dict(cell.metadata.get("jupyter", {}))
            if any(m in cell.source for m in VISIBLE_MARKERS):
                jup.pop("source_hidden", None)
            else:
                jup["source_hidden"] = True
            if jup:
                cell.metadata["jupyter"] = jup
            else:
                cell.metadata.pop("jupyter", None)
        cells.append(cell)
    nb.cells = cells
    return nb


def rewrite(paths: list[str], change, said: str = "rewrote") -> int:
    """Apply `change(nb)` to each notebook file in place (validated before it is written)."""
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        change(nb)
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"{said} {path}")
    return 0


def main(argv: list[str]) -> int:
    return rewrite(argv, self_contain)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
