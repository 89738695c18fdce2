"""The browser fixtures themselves: run_all waits for every cell, stops on an error, and each test
gets its own empty progress folder and fresh kernels."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest


def _notebook(root: Path, name: str, sources: list[str]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, root / name)
    return name


def test_run_all_returns_only_after_the_last_cell_ran(lab, page, open_notebook, run_all):
    from playwright.sync_api import expect

    name = _notebook(lab.root, "fixture_slow.ipynb", [
        "import time\ntime.sleep(4)",
        "",                                   # an empty cell is never run: it must not hold run_all up
        "import os\nprint('progress folder:', os.environ['COURSE_PROGRESS_DIR'])\nprint('last cell ran')",
    ])
    open_notebook(page, name)
    run_all(page)
    # no waiting here on purpose: run_all must already have waited for the 4 s cell and the last one
    expect(page.locator(".jp-OutputArea-output", has_text="last cell ran")).to_have_count(1, timeout=1)
    assert os.path.realpath(lab.base / "progress") == str(lab.progress)
    assert lab.progress.exists() and not any(lab.progress.iterdir()), "a fresh, empty progress folder per test"


def test_run_all_fails_with_the_error_of_a_cell(lab, page, open_notebook, run_all):
    name = _notebook(lab.root, "fixture_error.ipynb", [
        "x = 1",
        "raise ValueError('this cell is broken on purpose')",
        "print('never reached')",
    ])
    open_notebook(page, name)
    with pytest.raises(AssertionError, match="this cell is broken on purpose"):
        run_all(page, timeout=60_000)
