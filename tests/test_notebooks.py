"""Every notebook a learner or grader opens: valid, committed clean, and runs top to bottom."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
SKIP_PARTS = {".ipynb_checkpoints", "release", "submitted", "autograded", "feedback"}


def _notebooks() -> list[Path]:
    found = []
    for base in (REPO / "notebooks", REPO / "grading" / "source"):
        for p in sorted(base.rglob("*.ipynb")):
            if not SKIP_PARTS & set(p.relative_to(REPO).parts):
                found.append(p)
    return found


NOTEBOOKS = _notebooks()
IDS = [str(p.relative_to(REPO)) for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert (REPO / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_clean(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw.get("nbformat") == 4, "notebooks must be nbformat 4"
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    ks = nb.metadata.get("kernelspec", {})
    assert ks.get("name") == "python3", f"kernelspec must be python3, got {ks.get('name')!r}"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"cell {i} was committed with outputs; clear them"
            assert cell.get("execution_count") is None, f"cell {i} was committed with an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_top_to_bottom(path: Path, tmp_path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    # Each notebook gets its own throwaway progress store.
    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "progress"))
    client = NotebookClient(
        nb,
        timeout=60,  # a runaway guard, not a performance assertion (see bench/notebooks.py)
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        (i, o.get("ename"), o.get("evalue"))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, f"cells raised errors: {errors}"
    # A CourseError is shown as a friendly alert rather than raised: treat it as a failure too.
    alerts = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "Something needs your attention" in json.dumps(o.get("data", {}))
    ]
    assert not alerts, f"cells showed a course error alert: {alerts}"
