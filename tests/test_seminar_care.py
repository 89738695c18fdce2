"""Every facilitator guide plans for care (step out and return, de-roling, the program's support
contacts) and points to the projector view and the handouts (issue 17)."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from course import paths

GUIDES = sorted((paths.NOTEBOOKS_DIR / "facilitator").glob("*_guide.ipynb"))


def markdown(path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_there_are_six_guides():
    assert len(GUIDES) == 6


@pytest.mark.parametrize("path", GUIDES, ids=[p.name for p in GUIDES])
def test_every_guide_says_how_to_step_out_return_de_role_and_where_support_is(path):
    md = markdown(path)
    for heading in ("## Stepping out, and coming back", "## De-roling", "## Support contacts"):
        assert heading in md, f"{path.name}: missing '{heading}'"
    step_out = md[md.index("## Stepping out, and coming back"):]
    assert "without explaining" in step_out and "Coming back" in step_out
    support = md[md.index("## Support contacts"):]
    assert support.count("[") >= 3 and "988" in support   # placeholders the program fills in
    assert "### The projector view, votes and handouts" in md and "course handouts" in md


def test_the_capstone_guide_is_what_its_generator_writes(tmp_path):
    guide = paths.NOTEBOOKS_DIR / "facilitator" / "06_capstone_guide.ipynb"
    before = guide.read_bytes()
    subprocess.run([sys.executable, str(paths.NOTEBOOKS_DIR.parent / "tools" / "notebook_src" / "make_06_capstone_guide.py")],
                   check=True, capture_output=True, timeout=120)
    assert guide.read_bytes() == before, "edit tools/notebook_src/make_06_capstone_guide.py, then regenerate"
