"""Module 1 (the frame): content checks that fail when the module stops meeting its brief.

Covers the reading notebook, the facilitator guide, the three vignettes, the self-check questions
and the figures. Execution of the notebooks is covered by tests/test_notebooks.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from course import paths
from course.codes import cite, load_codes, load_concepts
from tests.module_kit import code_text as _code, load_nb as _nb, markdown_text as _markdown, prose_words as _prose_words

MODULE = "frame"
READING = paths.NOTEBOOKS_DIR / "01_the_frame.ipynb"
GUIDE = paths.NOTEBOOKS_DIR / "facilitator" / "01_the_frame_guide.ipynb"
VIGNETTE_DIR = paths.VIGNETTES_DIR / MODULE
QUESTIONS = paths.QUESTIONS_DIR / f"{MODULE}.yml"
QUALITIES = {"helpful", "mixed", "harmful"}


def _vignettes() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(VIGNETTE_DIR.glob("*.yml"))}


# --- the reading ---------------------------------------------------------------------------------
def test_objectives_three_to_five_each_mapped_to_cacrep():
    md = _markdown(_nb(READING))
    assert "CACREP 2024" in md
    rows = re.findall(r"^\|\s*(\d)\s*\|(.+)\|(.+)\|\s*$", md, flags=re.M)
    assert 3 <= len(rows) <= 5, f"expected 3-5 objectives, found {len(rows)}"
    for num, objective, mapping in rows:
        assert len(objective.split()) >= 8, f"objective {num} is too thin to be measurable"
        assert re.search(r"3\.A|area|Section 3", mapping), f"objective {num} has no CACREP mapping"
        # unverified item numbers must not appear: only 3.A.1-3.A.6 were verified
        for item in re.findall(r"3\.([A-H])\.(\d+)", mapping):
            assert item[0] == "A" and 1 <= int(item[1]) <= 6, f"objective {num} cites unverified item 3.{item[0]}.{item[1]}"


def test_objectives_start_with_observable_verbs():
    md = _markdown(_nb(READING))
    rows = re.findall(r"^\|\s*\d\s*\|(.+?)\|", md, flags=re.M)
    vague = ("understand", "appreciate", "know ", "be aware")
    for objective in rows:
        assert not objective.strip().lower().startswith(vague), f"not measurable: {objective.strip()[:60]}"


def test_reading_length_is_in_range():
    words = _prose_words(_nb(READING))
    assert 2000 <= words <= 3500, f"reading prose has {words} words; the brief asks for about 2,000-3,500"


def test_reading_has_key_sections():
    md = _markdown(_nb(READING)).lower()
    for needle in ("content note", "how to use this notebook", "learning objectives", "asymmetry",
                   "objectivity", "working alliance", "bordin", "self-disclosure", "key terms",
                   "further reading", "mark this module complete", "lazarus", "boundary crossing"):
        assert needle in md, f"the reading has no '{needle}'"


def test_every_code_cell_imports_the_course_api_it_uses():
    """No set-up cell to forget after a restart: each cell brings its own imports."""
    code = [c.source for c in _nb(READING).cells if c.cell_type == "code"]
    plays = [s for s in code if "play(" in s]
    assert plays and all("from course import play" in s for s in plays)
    assert any(s.startswith("from course import self_check") for s in code)


def test_every_full_citation_matches_the_registry():
    md = _markdown(_nb(READING)) + _markdown(_nb(GUIDE))
    known = {cite(c) for c in load_codes()}
    codes = sorted({e["code"] for e in load_codes().values()}, key=len, reverse=True)
    found = 0
    for code in codes:
        for m in re.finditer(re.escape(code) + r" \(([^)]*)\), ([A-Za-z0-9.()\- ]+?)(?=[ ;:,.)]|\s|$)", md):
            found += 1
            text = f"{code} ({m.group(1)}), {m.group(2)}"
            assert any(k == text or k.startswith(text) for k in known), f"citation not in codes.yml: {text}"
    assert found >= 10, f"expected the reading to cite codes by name, version and section; found {found}"


def test_short_citations_name_registered_sections():
    md = _markdown(_nb(READING))
    sections = {(e["code"].split()[0], str(e["section"]).replace("Good Practice ", "")) for e in load_codes().values()}
    for code, sec in re.findall(r"\b(ACA|APA|NASW|AAMFT|BACP) (\d+(?:\.\d+)?(?:\([a-z]\))?|[A-H]\.\d+(?:\.[a-z])?)(?![\w(])", md):
        assert (code, sec) in sections, f"'{code} {sec}' is cited but not in codes.yml"


def test_cited_table_lists_only_registry_ids():
    src = _code(_nb(READING))
    m = re.search(r"CITED = (\[.*?\])", src, flags=re.S)
    assert m, "the reading must render its citation table from a CITED list"
    cited = eval(m.group(1))  # a literal list written by the generator
    unknown = [c for c in cited if c not in load_codes()]
    assert not unknown and len(cited) >= 10, unknown


def test_no_unverified_aamft_claims_or_ukcp_waits():
    md = _markdown(_nb(READING))
    assert "one-year" not in md.lower()
    assert not re.search(r"AAMFT[^.]*no time limit", md), "AAMFT 1.5's final wording is unverified (FACTS [M])"


def test_section_five_error_is_corrected_not_repeated():
    md = _markdown(_nb(READING))
    assert re.search(r"supposed \*\*not\*\*", md), "the reading must teach the missing 'not' correctly"
    assert "is a maxim, not code text" in md
    assert "10.08(b)" in md, "the two-year rule must be taught with 10.08(b)"


def test_key_terms_exist_in_concept_registry():
    src = _code(_nb(READING))
    m = re.search(r"KEY_TERMS = (\[.*?\])", src, flags=re.S)
    assert m
    terms = eval(m.group(1))
    assert len(terms) >= 8 and all(t in load_concepts() for t in terms)


def test_completion_is_recorded_only_on_click(rec):
    """One rule (course/progress.py): the one-call button records only a module whose vignettes and
    self-check questions are all done, and Run All records nothing."""
    from tests.completion_kit import check_completion

    check_completion(_nb(READING), 1, "frame", rec)

def test_further_reading_primary_first_then_each_source_article(shared_dir):
    md = _markdown(_nb(READING))
    section = md[md.index("## Further reading"):]
    assert section.index("Bordin") < section.index("GoodTherapy"), "primary sources come first"
    sources = sorted((shared_dir / "sources").glob("*.txt"))
    assert len(sources) == 5, f"expected the five source articles in {shared_dir / 'sources'}"
    for src in sources:
        title = src.read_text(encoding="utf-8").splitlines()[0].strip()
        title = title.replace("\u2019", "'")
        assert title in section.replace("\u2019", "'"), f"further reading does not name '{title}'"


# --- references from the notebooks ---------------------------------------------------------------
def _refs(nb, fn: str) -> list[str]:
    return re.findall(fn + r'\("([^"]+)"', _code(nb))


def test_every_play_and_self_check_ref_exists():
    from course.questions import get_question, load_questions
    from course.scenes import load_vignette

    reading, guide = _nb(READING), _nb(GUIDE)
    plays = _refs(reading, "play") + _refs(guide, "play") + _refs(reading, "vignette_map")
    assert {f"frame/{v}" for v in _vignettes()} <= set(_refs(reading, "play")), "every vignette is played in the reading"
    for ref in plays:
        load_vignette(ref)
    checks = _refs(reading, "self_check")
    assert "frame" in checks
    for ref in checks:
        (get_question(ref) if "." in ref else load_questions(ref))


# --- vignettes ------------------------------------------------------------------------------------
def test_three_vignettes_validate_cleanly():
    from course.scenes import validate_files

    files = sorted(VIGNETTE_DIR.glob("*.yml"))
    assert len(files) >= 3
    report = validate_files(files)
    assert not report.problems, "\n".join(map(str, report.problems))


@pytest.mark.parametrize("vid", sorted(p.stem for p in VIGNETTE_DIR.glob("*.yml")))
def test_vignette_has_helpful_mixed_and_harmful_paths(vid):
    v = _vignettes()[vid]
    scenes = v["scenes"]
    outcomes = {s["ending"]["outcome"] for s in scenes.values() if "ending" in s}
    qualities = {c["quality"] for s in scenes.values() for c in s.get("choices", [])}
    assert outcomes == QUALITIES, f"{vid}: endings cover {outcomes}"
    assert qualities == QUALITIES, f"{vid}: choices cover {qualities}"
    for sid, s in scenes.items():
        if "choices" in s:
            assert len(s["choices"]) >= 3, f"{vid}/{sid}: a decision scene needs at least 3 choices"
            assert {c["quality"] for c in s["choices"]} == QUALITIES, f"{vid}/{sid}: offer one of each quality"
            for c in s["choices"]:
                assert len(c["feedback"].split()) >= 20, f"{vid}/{sid}: feedback should teach, not just judge"


def test_vignettes_have_diverse_clients_and_content_notes():
    vs = _vignettes().values()
    names = {v["client"]["name"] for v in vs}
    ages = [v["client"]["age"] for v in vs]
    assert len(names) == len(vs) and max(ages) - min(ages) >= 20
    assert len({v["client"].get("pronouns") for v in vs}) >= 2
    assert sum(1 for v in vs if v.get("content_note")) >= 1


def test_reflection_prompts_never_ask_for_personal_history():
    banned = re.compile(r"your own (history|experience|past|childhood|loss)|a time (when )?you|have you ever", re.I)
    for vid, v in _vignettes().items():
        for sid, s in v["scenes"].items():
            if "ending" in s:
                assert not banned.search(s["ending"]["reflection"]), f"{vid}/{sid} asks for personal disclosure"


# --- questions ------------------------------------------------------------------------------------
def test_questions_count_kinds_and_feedback():
    from course.questions import validate_files

    report = validate_files([QUESTIONS])
    assert not report.problems, "\n".join(map(str, report.problems))
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    qs = data["questions"]
    assert len(qs) >= 6
    assert {q["kind"] for q in qs} == {"single", "multiple"}
    for q in qs:
        for o in q["options"]:
            assert len(o["feedback"].split()) >= 10, f"{q['id']}/{o['id']}: feedback should explain"


def test_a_question_targets_the_missing_not():
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    q = next(q for q in data["questions"] if q["id"] == "feelings-and-reactions")
    right = [o for o in q["options"] if o["correct"]]
    assert len(right) == 1 and "not" in right[0]["text"]


def test_self_check_records_through_the_recorder():
    from course.questions import self_check
    from course.recorder import MemoryRecorder, set_recorder

    rec = MemoryRecorder()
    set_recorder(rec)
    try:
        sc = self_check("frame.feelings-and-reactions")
        sc[0].select("b")
        result = sc[0].check()
    finally:
        set_recorder(None)
    assert result.correct
    assert [e.item for e in rec.of_kind("selfcheck.answer")] == ["feelings-and-reactions"]


# --- figures -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["friendship_vs_counseling", "alliance_in_context"])
def test_figures_are_figures_with_labelled_axes_and_descriptions(name):
    from matplotlib.figure import Figure

    from course.figures import frame

    fig = getattr(frame, name)()
    assert isinstance(fig, Figure)
    assert fig._suptitle is not None and fig._suptitle.get_text()
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_title(), f"{name}: an axis has no x label or title"
    # a panel that shares its y axis with the first one is labelled by the first
    assert fig.axes[0].get_ylabel(), f"{name}: the y axis is unlabelled"
    assert [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()] or fig.axes[0].get_ylabel()
    text = getattr(frame, f"describe_{name}")()
    assert len(text.split()) >= 60
    html = frame.figure_html(fig, text, alt="x")
    assert html.startswith("<figure") and 'alt="x"' in html and "Text description" in html


def test_alliance_numbers_come_from_the_fact_sheet():
    from course.figures import frame

    findings = {label.split("\n")[0]: (r, k) for label, r, k, _ in frame.RELATIONSHIP_FINDINGS}
    assert findings["Working alliance"] == (0.278, 295)  # Flückiger et al. 2018
    assert findings["Rupture repair"] == (0.29, 11)  # Eubanks et al. 2018
    assert findings["Countertransference"] in {(0.39, 9), (-0.16, 14)}
    assert "295" in frame.describe_alliance_in_context() and "8%" in frame.describe_alliance_in_context()


def test_schematic_figure_is_labelled_as_schematic():
    from course.figures import frame

    fig = frame.friendship_vs_counseling()
    assert all("schematic" in ax.get_xlabel() for ax in fig.axes)
    assert "not measured" in frame.describe_friendship_vs_counseling()


# --- facilitator guide ----------------------------------------------------------------------------
def _plan_minutes(md: str, heading: str) -> int:
    part = md[md.index(heading):]
    part = part[: part.index("\n## ", 1)] if "\n## " in part[1:] else part
    return sum(int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", part, flags=re.M))


def test_guide_has_both_plans_that_add_up():
    md = _markdown(_nb(GUIDE))
    assert _plan_minutes(md, "## 50-minute plan") == 50
    assert _plan_minutes(md, "## 90-minute plan") == 90


def test_guide_runs_every_vignette_in_discussion_mode():
    src = _code(_nb(GUIDE))
    modes = re.findall(r'play\("(frame/[^"]+)", mode="discussion"\)', src)
    assert set(modes) == {f"frame/{v}" for v in _vignettes()}


def test_guide_questions_say_what_a_strong_answer_touches_and_lists_misconceptions():
    md = _markdown(_nb(GUIDE))
    assert md.count("A strong answer touches") >= 5
    assert "## Common misconceptions" in md
    miscon = md[md.index("## Common misconceptions"):]
    assert len(re.findall(r"^\| \"", miscon, flags=re.M)) >= 6
