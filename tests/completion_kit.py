"""Shared check for a module notebook's "Mark module N complete" cell (tests/test_module_*.py).

The course has one completion rule (course/progress.py): a module is complete when every vignette
has an ending reached and every self-check question an answer. The button applies it: Run All
records nothing, a press with work left records nothing and says what is left, a press after the
work records `module.complete` once.
"""
from __future__ import annotations

import ast


def completion_cell(nb) -> str:
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "mark_complete(" in c.source]
    assert len(cells) == 1, "the reading must offer one 'mark complete' step"
    return cells[0]


def run_cell(src: str, name: str):
    """Run a cell as the kernel would and return its value (the last expression)."""
    tree = ast.parse(src)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    ns: dict = {}
    exec(compile(tree, name, "exec"), ns)
    return eval(compile(ast.Expression(last.value), name, "eval"), ns) if last else None


def check_completion(nb, number: int, module_id: str, rec) -> None:
    from course import progress
    from course.recorder import record

    src = completion_cell(nb)
    code_lines = [ln for ln in src.splitlines() if ln.strip() and not ln.startswith(("from ", "import "))]
    assert code_lines == [f"mark_complete({number})"], "the completion cell is one call"
    widget = run_cell(src, f"module {number}: mark complete")
    assert rec.of_kind("module.complete") == [], "Run All must not record completion"
    assert widget.button.description == f"Mark module {number} complete"

    widget.button.click()                       # nothing done yet: the rule says not complete
    assert rec.of_kind("module.complete") == []
    assert "Not complete yet" in widget.note.value and "To complete it" in widget.note.value
    assert not widget.button.disabled

    entry = progress.catalog()[module_id]
    for ref in entry["vignettes"]:
        record("vignette.ending", module_id, ref.split("/", 1)[1], vignette=ref, outcome="helpful")
    for q in entry["questions"]:
        record("selfcheck.answer", module_id, q.split(".", 1)[1], question=q, answer=["a"], correct=False,
               score=0.0)
    widget.button.click()
    assert [(e.module, e.item) for e in rec.of_kind("module.complete")] == [(module_id, module_id)]
    assert f"Module {number} is marked complete" in widget.note.value
    assert widget.button.disabled, "the button cannot record twice"
