"""Vignette model, loader, validator and Walk: pure logic, no widgets."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import paths
from course.errors import CourseError
from course.scenes import (QUALITIES, Vignette, Walk, list_vignettes, load_vignette,
                           validate_files)

FIXTURES = Path(__file__).parent / "fixtures" / "vignettes"
BROKEN = FIXTURES / "broken"
MINIMAL = FIXTURES / "ok" / "transference" / "fixture-minimal.yml"
OURS = ["transference/are-you-tired-of-me", "termination/the-coffee-invitation"]
EXPECT = re.compile(r"#\s*expect:\s*(.+?)\s*$")


def expectations(path: Path) -> list[tuple[int, str]]:
    """`# expect: <text>` comments: the line where a problem must be reported, and its text."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = EXPECT.search(line)
        if m:
            out.append((n, m.group(1)))
    return out


BROKEN_FILES = sorted(p for p in BROKEN.rglob("*.yml") if p.stem != "shared-id")


# --- validation: one broken fixture per error kind ---------------------------------------------
@pytest.mark.parametrize("fixture", BROKEN_FILES, ids=lambda p: p.stem)
def test_each_broken_fixture_reports_exactly_its_problems_at_the_right_line(fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture} has no '# expect:' marker"
    report = validate_files([fixture])
    got = [(p.line, str(p)) for p in report.problems]
    for line, text in expected:
        assert any(gl == line and text in s for gl, s in got), \
            f"expected '{text}' at line {line}; got:\n" + "\n".join(s for _, s in got)
    assert len(got) == len(expected), "unexpected extra problems:\n" + "\n".join(s for _, s in got)
    for p in report.problems:  # the house format: path:line: what; fix
        assert str(p).startswith(f"{fixture}:{p.line}: ") and "; " in str(p)


def test_fixtures_cover_every_error_kind_of_the_issue():
    kinds = {p.stem for p in BROKEN.rglob("*.yml")}
    for kind in ["yaml-syntax", "missing-title", "unknown-target", "unreachable-scene", "dead-end",
                 "loop-without-exit", "missing-feedback", "unknown-concept", "unknown-code",
                 "duplicate-scene", "shared-id", "id-mismatch", "module-mismatch", "bad-quality",
                 "missing-reflection", "too-few-choices"]:
        assert kind in kinds


def test_duplicate_vignette_ids_across_files_are_reported_in_both():
    files = sorted(BROKEN.rglob("shared-id.yml"))
    assert len(files) == 2
    report = validate_files(files)
    assert sorted((p.path, p.line) for p in report.problems) == sorted((str(f), 2) for f in files)
    for f in files:
        assert expectations(f)[0][1] in "\n".join(str(p) for p in report.problems)


def test_a_new_file_cannot_reuse_a_shipped_id(tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    copy = folder / "are-you-tired-of-me.yml"
    shutil.copy(paths.VIGNETTES_DIR / "transference" / "are-you-tired-of-me.yml", copy)
    problems = [str(p) for p in validate_files([copy]).problems]
    assert len(problems) == 1 and "is also used by" in problems[0], problems


def test_all_problems_in_one_run_across_files():
    report = validate_files(BROKEN_FILES)
    want = sum(len(expectations(f)) for f in BROKEN_FILES)
    assert len(report.problems) == want
    # yaml-syntax and duplicate-scene do not parse; not-a-mapping is not a vignette
    assert report.counts["vignettes"] == len(BROKEN_FILES) - 3


def test_validator_never_raises_on_garbage(tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    samples = {
        "empty": "",
        "scalar": "just words",
        "weird-types": "id: 5\ntitle: [1]\nmodule: {a: b}\nobjectives: 3\nclient: x\nstart: [s]\nscenes: [1, 2]\n",
        "weird-scenes": "id: weird-scenes\nscenes:\n  a: 5\n  b:\n    lines: 7\n    choices: 3\n  c:\n    lines: [1]\n"
                        "    choices: [1, {next: [x]}, {concepts: 5, codes: {a: 1}}]\n    ending: 4\n",
        "binary": None,
    }
    files = []
    for name, text in samples.items():
        f = folder / f"{name}.yml"
        if text is None:
            f.write_bytes(b"\xff\xfe\x00garbage")
        else:
            f.write_text(text)
        files.append(f)
    report = validate_files(files)
    by_file = {Path(p.path).stem for p in report.problems}
    assert by_file == set(samples)
    assert not any("could not be checked" in p.what for p in report.problems), report.problems


# --- the shipped vignettes ----------------------------------------------------------------------
def test_every_shipped_vignette_validates():
    files = sorted(paths.VIGNETTES_DIR.glob("*/*.yml"))
    assert len(files) >= 2
    report = validate_files(files)
    assert report.ok, "\n".join(map(str, report.problems))
    assert report.counts["vignettes"] == len(files)


def test_shipped_decisions_offer_at_least_three_choices():
    for ref in list_vignettes():
        v = load_vignette(ref)
        for s in v.scenes.values():
            assert s.is_ending or len(s.choices) >= 3, f"{ref}: scene {s.id}"


@pytest.mark.parametrize("ref", OURS)
def test_our_vignettes_meet_the_brief(ref):
    v = load_vignette(ref)
    assert 6 <= len(v.scenes) <= 10
    qualities = {c.quality for _, _, c in v.edges()}
    outcomes = {s.ending.outcome for s in v.scenes.values() if s.is_ending}
    assert qualities == set(QUALITIES) and outcomes == set(QUALITIES)
    assert v.content_note and v.client.name and v.objectives
    # every path through the vignette ends, and endings carry what the player shows
    for path in all_paths(v):
        w = Walk(v)
        for i in path:
            w.choose(i)
        assert w.is_ending and w.ending.summary and w.ending.reflection
        assert w.concepts


def all_paths(v: Vignette, limit: int = 500) -> list[list[int]]:
    """Every simple path (choice indexes) from the start to an ending."""
    out: list[list[int]] = []

    def go(sid, seen, trail):
        s = v.scenes[sid]
        if s.is_ending:
            out.append(trail)
            return
        for i, c in enumerate(s.choices):
            if c.next not in seen and len(out) < limit:
                go(c.next, seen | {c.next}, trail + [i])

    go(v.start, {v.start}, [])
    return out


def test_termination_feedback_teaches_the_friendship_rule_correctly():
    v = load_vignette("termination/the-coffee-invitation")
    text = " ".join(c.feedback for _, _, c in v.edges()).lower()
    assert "waiting period" in text  # the course says no code sets one for friendship
    assert not re.search(r"(after|wait)\s+(two|2|one|1|five|5)\s+years?.{0,40}friend", text)
    cited = {code for _, _, c in v.edges() for code in c.codes}
    assert {"aca-2014-a6e", "apa-2017-305a", "bacp-2018-37", "nasw-2021-117d"} <= cited


# --- loading --------------------------------------------------------------------------------------
def test_load_by_ref_and_by_path_give_the_same_vignette():
    a = load_vignette("transference/are-you-tired-of-me")
    b = load_vignette(paths.VIGNETTES_DIR / "transference" / "are-you-tired-of-me.yml")
    assert a is b and a.ref == "transference/are-you-tired-of-me"
    assert a.client.name == "Tomás Reyes" and a.start == "opening"
    assert a.scenes["opening"].lines[0].speaker == "narrator"
    assert set(list_vignettes()) >= set(OURS)


def test_a_bare_id_finds_its_module():
    assert load_vignette("the-coffee-invitation").ref == "termination/the-coffee-invitation"


def test_an_unknown_ref_names_the_available_vignettes():
    with pytest.raises(CourseError) as e:
        load_vignette("transference/are-you-tired")
    msg = str(e.value)
    assert "did you mean 'transference/are-you-tired-of-me'" in msg.lower()
    assert "termination/the-coffee-invitation" in msg


def test_a_broken_file_never_reaches_a_learner():
    with pytest.raises(CourseError) as e:
        load_vignette(BROKEN / "transference" / "many-problems.yml")
    msg = str(e.value)
    assert "5 problems" in msg and ":20: " in msg and "course validate" in msg


def test_the_cache_notices_an_edit(tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    f = folder / "fixture-minimal.yml"
    shutil.copy(MINIMAL, f)
    assert load_vignette(f).title == "A minimal vignette"
    import os
    f.write_text(f.read_text().replace("A minimal vignette", "Edited"))
    os.utime(f, ns=(1, 1))  # a different mtime, whatever the clock resolution
    assert load_vignette(f).title == "Edited"


# --- walking ----------------------------------------------------------------------------------------
def test_walk_choose_back_restart_and_what_it_collects():
    v = load_vignette(MINIMAL)
    w = Walk(v)
    assert w.current == "opening" and not w.can_go_back and w.back() is None
    c = w.choose(1)
    assert c.quality == "mixed" and w.current == "middle" and w.path == ["opening", "middle"]
    assert w.concepts == ["validation"] and w.codes == ["aca-2014-a4b"]
    assert w.back() == "opening" and w.path == ["opening"] and w.concepts == []
    w.choose(1)
    w.choose(1)  # back to the start through the loop
    assert w.current == "opening" and w.path == ["opening", "middle", "opening"]
    w.choose(0)
    assert w.is_ending and w.ending.outcome == "helpful"
    assert w.concepts == ["validation", "exploration"]
    with pytest.raises(CourseError):
        w.choose(0)
    w.restart()
    assert w.path == ["opening"] and w.codes == [] and not w.is_ending


def test_walk_rejects_a_choice_that_does_not_exist():
    w = Walk(load_vignette(MINIMAL))
    for bad in (3, -1, "0"):
        with pytest.raises(CourseError):
            w.choose(bad)
    assert w.path == ["opening"]


def test_depths_layer_the_scenes():
    v = load_vignette(MINIMAL)
    assert v.depths() == {"opening": 0, "good-end": 1, "middle": 1, "bad-end": 1}


# --- the command line ------------------------------------------------------------------------------
def test_course_validate_exit_status_and_counts():
    exe = [sys.executable, "-m", "course.cli", "validate"]
    ok = subprocess.run(exe + [str(FIXTURES / "ok")], capture_output=True, text=True)
    assert ok.returncode == 0 and re.search(r"\b1 vignettes?\b", ok.stdout) and "4 scenes" in ok.stdout
    bad = subprocess.run(exe + [str(BROKEN / "transference" / "many-problems.yml")], capture_output=True, text=True)
    assert bad.returncode == 1
    lines = [ln for ln in bad.stdout.splitlines() if ln.startswith(str(BROKEN))]
    assert len(lines) == 5 and all(re.match(r".+\.yml:\d+: .+; .+", ln) for ln in lines)


# --- the map ------------------------------------------------------------------------------------------
def test_map_layers_scenes_by_depth_and_draws_every_choice():
    from matplotlib.patches import FancyArrowPatch

    from course.figures.vignette_map import EDGE_STYLE, layout, vignette_map

    v = load_vignette("termination/the-coffee-invitation")
    pos = layout(v)
    depth = v.depths()
    assert set(pos) == set(v.scenes) and all(pos[s][0] == depth[s] for s in pos)
    assert len(set(pos.values())) == len(pos)  # no two scenes on the same spot
    fig = vignette_map("termination/the-coffee-invitation")
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)] + \
             [a.arrow_patch for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    assert len(arrows) == len(v.edges())
    colours = {tuple(round(x, 3) for x in a.get_edgecolor()) for a in arrows}
    assert len(colours) == 3
    styles = {a.get_linestyle() for a in arrows}
    assert len(styles) == 3  # quality is shown by line style as well as colour
    texts = " ".join(t.get_text() for t in ax.texts)
    for sid, s in v.scenes.items():
        assert sid not in texts   # scene ids are the author's, not the reader's
        if s.is_ending:
            assert f"ending: {s.ending.outcome}" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all(lab in legend for _, _, lab in EDGE_STYLE.values())
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_map_accepts_an_axes_and_draws_there():
    from matplotlib.figure import Figure

    from course.figures.vignette_map import vignette_map

    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert vignette_map(MINIMAL, ax=ax) is fig
    assert any("ending: helpful" in t.get_text() for t in ax.texts)
