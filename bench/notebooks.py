"""How long each notebook takes to run headless, against an empty notebook measured in the same run.

The modules issue asks every notebook to run in under 10 s; the test suite checks that each runs
without error (no timed assertions there); this benchmark prints the times and ratios and marks
any notebook over the 10 s budget.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
BUDGET_S = 10.0


def run(nb, cwd: Path) -> float:
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - t0


def main() -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["COURSE_PROGRESS_DIR"] = tempfile.mkdtemp(prefix="bench-progress-")
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    base = min(run(empty, REPO) for _ in range(2))
    print(f"baseline (empty notebook, kernel start included): {base:.2f} s")
    paths = sorted((REPO / "notebooks").rglob("*.ipynb")) + sorted((REPO / "grading" / "source").rglob("*.ipynb"))
    over = 0
    for p in paths:
        if ".ipynb_checkpoints" in p.parts:
            continue
        t = run(nbformat.read(p, as_version=4), p.parent)
        flag = "  OVER BUDGET" if t > BUDGET_S else ""
        over += bool(flag)
        print(f"{str(p.relative_to(REPO)):60s} {t:6.2f} s  {t / base:5.1f}x baseline{flag}")
    print(f"{over} notebook(s) over the {BUDGET_S:.0f} s budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
