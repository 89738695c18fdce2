"""Alignment: every objective is assessed, and every graded item is taught.

One map per module, course/content/alignment/<module>.yml (format: docs/design/alignment-map.md).
For every map present (so modules added later are checked the moment they land):
- each objective lists >= 1 self-check id that exists in course/content/questions/<module>.yml and
  >= 1 graded id that exists in the assignment's answer key (grading/rubrics/items/<assignment>.yml);
- each graded item of the assignment appears under graded_items, with taught_in sections that exist as
  numbered "## N." headings in the module's reading notebook;
- the number of objectives equals the rows of the reading's learning-objectives table, numbered 1..n.
And every module that has both a reading notebook and a graded assignment has a map.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from course import paths

ALIGN_DIR = paths.CONTENT_DIR / "alignment"
ITEMS_DIR = paths.RUBRICS_DIR / "items"
SECTION_RE = re.compile(r"^## (\d+)\.", re.M)
OBJECTIVE_ROW_RE = re.compile(r"^\|\s*(\d+)\s*\|", re.M)
TOP_KEYS = {"module", "assignment", "objectives", "graded_items"}


def modules() -> dict[str, dict]:
    return {m["id"]: m for m in yaml.safe_load(paths.MODULES_FILE.read_text(encoding="utf-8"))}


def answer_keys() -> dict[str, dict]:
    """Answer keys by assignment id."""
    return {f.stem: yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted(ITEMS_DIR.glob("*.yml"))}


def markdown_of(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def objectives_rows(notebook: Path) -> list[int]:
    for src in markdown_of(notebook):
        if re.search(r"^## Learning objectives", src, re.M):
            return [int(n) for n in OBJECTIVE_ROW_RE.findall(src)]
    return []


def sections(notebook: Path) -> set[int]:
    return {int(n) for src in markdown_of(notebook) for n in SECTION_RE.findall(src)}


def question_ids(module: str) -> set[str]:
    f = paths.QUESTIONS_DIR / f"{module}.yml"
    if not f.exists():
        return set()
    return {str(q["id"]) for q in yaml.safe_load(f.read_text(encoding="utf-8"))["questions"]}


MAPS = sorted(ALIGN_DIR.glob("*.yml"))


def test_there_are_maps():
    assert {"frame", "transference"} <= {f.stem for f in MAPS}


def test_every_module_with_a_reading_and_an_assignment_has_a_map():
    graded_modules = {key.get("module") for key in answer_keys().values()}
    missing = []
    for mid, m in modules().items():
        has_reading = (paths.NOTEBOOKS_DIR / m["notebook"]).exists()
        if has_reading and mid in graded_modules and not (ALIGN_DIR / f"{mid}.yml").exists():
            missing.append(mid)
    assert not missing, (f"modules {missing} have a reading and a graded assignment but no alignment map; "
                         "add course/content/alignment/<module>.yml (see docs/design/alignment-map.md)")


@pytest.mark.parametrize("path", MAPS, ids=[f.stem for f in MAPS])
def test_alignment_map(path: Path):
    amap = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    where = path.name
    assert isinstance(amap, dict), f"{where}: the map must be a mapping with {sorted(TOP_KEYS)}"
    unknown = set(amap) - TOP_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)} (allowed: {sorted(TOP_KEYS)})")
    mid = amap.get("module")
    mods = modules()
    if mid != path.stem or mid not in mods:
        problems.append(f"'module' is {mid!r}; it must be the file name ({path.stem!r}) and a module id in modules.yml")
        pytest.fail(f"{where}: " + "; ".join(problems))
    notebook = paths.NOTEBOOKS_DIR / mods[mid]["notebook"]
    keys = answer_keys()
    aid = amap.get("assignment")
    if aid not in keys:
        pytest.fail(f"{where}: assignment {aid!r} has no answer key in grading/rubrics/items/ (have {sorted(keys)})")
    key = keys[aid]
    if key.get("module") != mid:
        problems.append(f"the answer key of {aid} belongs to module {key.get('module')!r}, not {mid!r}")
    graded_ids = [it["id"] for it in key["items"]]
    qids = question_ids(mid)
    have_sections = sections(notebook) if notebook.exists() else set()
    if not notebook.exists():
        problems.append(f"the module's reading {notebook.name} does not exist")

    # objectives: one per row of the reading's table, in order, each assessed twice over
    objectives = amap.get("objectives") or []
    rows = objectives_rows(notebook) if notebook.exists() else []
    if [o.get("number") for o in objectives] != list(range(1, len(objectives) + 1)):
        problems.append(f"objectives must be numbered 1..n in order, found {[o.get('number') for o in objectives]}")
    if notebook.exists() and len(objectives) != len(rows):
        problems.append(f"{len(objectives)} objectives, but the reading's learning-objectives table has {len(rows)} rows")
    for o in objectives:
        n = o.get("number")
        if not str(o.get("text") or "").strip():
            problems.append(f"objective {n} has no text")
        checks = o.get("self_checks") or []
        graded = o.get("graded") or []
        if not checks:
            problems.append(f"objective {n} lists no self-check")
        for q in checks:
            if q not in qids:
                problems.append(f"objective {n}: self-check {q!r} is not in course/content/questions/{mid}.yml")
        if not graded:
            problems.append(f"objective {n} is assessed by no graded item")
        for g in graded:
            if g not in graded_ids:
                problems.append(f"objective {n}: graded item {g!r} is not in the answer key of {aid} ({graded_ids})")

    # graded items: every one listed once, each taught in sections that exist
    listed = [g.get("id") for g in amap.get("graded_items") or []]
    for gid in graded_ids:
        if gid not in listed:
            problems.append(f"graded item {gid} of {aid} is missing from graded_items")
    for gid in listed:
        if gid not in graded_ids:
            problems.append(f"graded_items lists {gid!r}, which is not an item of {aid}")
        if listed.count(gid) > 1:
            problems.append(f"graded_items lists {gid!r} more than once")
    for g in amap.get("graded_items") or []:
        taught = g.get("taught_in") or []
        if not taught:
            problems.append(f"graded item {g.get('id')} names no reading section that teaches it (taught_in)")
        for s in taught:
            if s not in have_sections:
                problems.append(f"graded item {g.get('id')}: taught_in section {s} is not a '## {s}.' heading "
                                f"of {notebook.name} (sections: {sorted(have_sections)})")
        if not str(g.get("assesses") or "").strip():
            problems.append(f"graded item {g.get('id')} does not say what it assesses")
    assert not problems, f"{where}:\n  " + "\n  ".join(problems)


def test_the_checks_catch_a_broken_map(tmp_path, monkeypatch):
    """The test above fails on an unassessed objective, an unknown self-check and a section that is not taught."""
    src = (ALIGN_DIR / "frame.yml").read_text(encoding="utf-8")
    amap = yaml.safe_load(src)
    amap["objectives"][1]["graded"] = []
    amap["objectives"][0]["self_checks"] = ["no-such-question"]
    amap["graded_items"][0]["taught_in"] = [99]
    amap["graded_items"] = amap["graded_items"][:-1]
    folder = tmp_path / "alignment"
    folder.mkdir()
    bad = folder / "frame.yml"
    bad.write_text(yaml.safe_dump(amap, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AssertionError) as e:
        test_alignment_map(bad)
    msg = str(e.value)
    for needle in ("objective 2 is assessed by no graded item", "'no-such-question' is not in",
                   "taught_in section 99", "is missing from graded_items"):
        assert needle in msg, msg
