"""Facilitator guides for modules 1-2: plans that fit their slots, pre-reading that matches the plan,
and the care a seminar needs (voicing other identities, stepping out, de-roling, support contacts)."""
from __future__ import annotations

import math
import re

import nbformat
import pytest

from course import paths

GUIDES = {
    "frame": (paths.NOTEBOOKS_DIR / "facilitator" / "01_the_frame_guide.ipynb", "## {m}-minute plan"),
    "transference": (paths.NOTEBOOKS_DIR / "facilitator" / "02_transference_guide.ipynb", "## The {m}-minute plan"),
}
SECTION_RE = re.compile(r"sections? (\d+(?:[–-]\d+)?(?:(?:, | and )\d+(?:[–-]\d+)?)*)")


def markdown(path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def plan(md: str, heading: str) -> str:
    part = md[md.index(heading):]
    return part[: part.index("\n## ", 1)] if "\n## " in part[1:] else part


def numbers(spec: str) -> set[int]:
    out: set[int] = set()
    for a, b in re.findall(r"(\d+)(?:[–-](\d+))?", spec):
        out |= set(range(int(a), int(b or a) + 1))
    return out


def sections_named(text: str) -> set[int]:
    return {n for spec in SECTION_RE.findall(text) for n in numbers(spec)}


def rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in table.splitlines()
            if re.match(r"^\|\s*\d", ln)]


@pytest.mark.parametrize("module", list(GUIDES))
@pytest.mark.parametrize("minutes", [50, 90])
def test_each_plan_runs_at_most_one_vignette_per_50_minutes(module, minutes):
    path, heading = GUIDES[module]
    table = plan(markdown(path), heading.format(m=minutes))
    vignettes = [r[1] for r in rows(table) if r[1].lower().startswith("vignette")]
    assert 1 <= len(vignettes) <= math.ceil(minutes / 50), vignettes


@pytest.mark.parametrize("module", list(GUIDES))
@pytest.mark.parametrize("minutes", [50, 90])
def test_pre_reading_covers_every_section_the_plan_uses(module, minutes):
    path, heading = GUIDES[module]
    md = markdown(path)
    m = re.search(rf"\*\*Pre-reading for the {minutes}-minute plan:\*\*(.+?)(?:\n\s*(?:- |\d+\. |\*\*)|\n\n)", md, re.S)
    assert m, f"{path.name}: no 'Pre-reading for the {minutes}-minute plan' line"
    pre = sections_named(m.group(1))
    used = sections_named(plan(md, heading.format(m=minutes)))
    assert used, "the plan names no reading sections"
    assert used <= pre, f"{path.name}, {minutes}-minute plan uses sections {sorted(used - pre)} that are not in the pre-reading {sorted(pre)}"


@pytest.mark.parametrize("module", list(GUIDES))
def test_guides_plan_for_care(module):
    path, _ = GUIDES[module]
    md = markdown(path)
    for heading in ("## When students voice clients unlike themselves", "## Stepping out, and coming back",
                    "## De-roling", "## Support contacts"):
        assert heading in md, f"{path.name}: missing '{heading}'"
    support = md[md.index("## Support contacts"):]
    assert support.count("[") >= 3  # placeholders the program fills in
    for minutes in (50, 90):
        table = plan(md, GUIDES[module][1].format(m=minutes))
        assert "de-roling" in table.lower(), f"{minutes}-minute plan ends without de-roling"
        assert "step out" in table.lower(), f"{minutes}-minute plan does not say how to step out"
