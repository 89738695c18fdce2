"""The kernel check: the first code cell of every learner notebook (notebooks/*.ipynb).

A notebook opened in a Jupyter whose kernel lacks the course (the default "Python 3" of another
environment: a university JupyterHub, JupyterLab Desktop, VS Code) would meet
`ModuleNotFoundError: No module named 'course'` as a raw traceback in its first cell. This cell
is the notebook's first cell and runs first (Run All, or Shift+Enter from the top), shows nothing when the course is there, and
otherwise shows the plain guidance below instead of a traceback. It also registers that guidance
for the rest of the kernel's life, so every later cell that imports the course says the same thing
(one handler, no boilerplate in the other cells). It cannot import anything from the course, so
the text lives here and is copied into each notebook; tests/test_kernel_check.py checks the
copies and runs a notebook in a kernel without the course.

A cell run by hand before this one in a kernel without the course (after a restart into "Python 3",
say) still shows the plain `No module named 'course'` traceback. That is left on purpose: such a
kernel runs nothing of ours but the cell's own code (no startup file, extension or module of the
course exists there), so only a handler or try/except copied into every cell that uses the course
could catch it, and that would put Python into the cells students read (00_start_here's are open).

    python tools/notebook_src/kernel_check.py notebooks/*.ipynb    # add or refresh, in place

The kernel it names is the one `make kernel` installs (KERNEL_NAME, DISPLAY_NAME).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KERNEL_NAME = "therapeutic-relationship"
DISPLAY_NAME = "The Therapeutic Relationship"
FIRST_LINE = "# Kernel check: shows nothing when the course is ready in this notebook."

GUIDANCE = [
    "This notebook is open in a Python that does not have the course's software, so its vignettes, "
    "questions and buttons cannot start. Nothing is broken and your work is safe.",
    f"To fix it, choose the course's kernel: menu Kernel > Change Kernel..., pick '{DISPLAY_NAME}', "
    "then run the cells again from the top.",
    f"* '{DISPLAY_NAME}' is not in that list? On your own computer, open a terminal in the course "
    "folder and run 'make kernel' once (it adds it to the list), or start the course with 'make lab' "
    "instead: it opens the notebooks with the right kernel.",
    "* On your school's JupyterHub: tell your instructor that this notebook's kernel does not have "
    "the course (therapeutic-relationship-course).",
]

CHECK_SOURCE = FIRST_LINE + """
try:
    import course
except ModuleNotFoundError:
    from IPython import get_ipython

    def course_missing(shell, etype, value, tb, tb_offset=None):  # in place of a traceback
        shell._showtraceback(etype, value, %s)

    get_ipython().set_custom_exc((ModuleNotFoundError,), course_missing)
    raise""" % ("[\n            " + ",\n            ".join(repr(line) for line in GUIDANCE) + "]")


def is_check(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(FIRST_LINE)


def add_kernel_check(nb):
    """Put the check cell (folded) first in the notebook, above the title (a markdown cell's "run the
    cell below" keeps pointing at its own cell); refresh an existing one."""
    for cell in nb.cells:
        if is_check(cell):
            cell.source = CHECK_SOURCE
            break
    else:
        cell = nbformat.v4.new_code_cell(CHECK_SOURCE, id="kernel-check")
        nb.cells.insert(0, cell)
    cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}), "source_hidden": True}
    return nb


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from selfcontained import rewrite

    return rewrite(argv, add_kernel_check, "added the kernel check to")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
