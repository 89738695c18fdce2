"""The committed graded notebooks and answer keys are exactly what tools/build_assignments.py makes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_regenerating_changes_nothing(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tools" / "build_assignments.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, text=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made, "the generator wrote nothing"
    stale = [str(rel) for rel in made if (REPO / rel).read_bytes() != (tmp_path / rel).read_bytes()]
    assert not stale, (f"{stale} differ from tools/assignment_content.py: edit the content file and run "
                       "python tools/build_assignments.py, rather than editing the outputs by hand")
