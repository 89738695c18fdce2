"""Module 2 (transference): content checks that can fail.

The reading and the facilitator guide are executed by tests/test_notebooks.py; here we check
what they contain: objectives and their CACREP mapping, length of the prose, figures, that every
vignette and self-check they call exists, that each vignette offers helpful, mixed and harmful
paths, that ethics citations match the registry, and that completion is never recorded on Run All.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

from course import paths
from course.codes import cite, load_codes, load_concepts
from tests.module_kit import markdown_text as _markdown, section_words as _prose_words, sources_of as _cells

REPO = Path(__file__).resolve().parents[1]
READING = REPO / "notebooks" / "02_transference.ipynb"
GUIDE = REPO / "notebooks" / "facilitator" / "02_transference_guide.ipynb"
VIGNETTES = ("are-you-tired-of-me", "more-than-i-should", "handled-not-helped")
MY_VIGNETTES = ("more-than-i-should", "handled-not-helped")
QUESTIONS = paths.QUESTIONS_DIR / "transference.yml"



# ------------------------------------------------------------------------------ the reading
def test_objectives_table_has_three_to_five_rows_each_mapped_to_cacrep():
    text = _markdown(READING)
    section = text.split("## Learning objectives", 1)[1].split("\n## ", 1)[0]
    assert "CACREP 2024" in section
    rows = [r for r in section.splitlines() if re.match(r"^\|\s*\d+\s*\|", r)]
    assert 3 <= len(rows) <= 5, f"expected 3-5 objectives, found {len(rows)}"
    for row in rows:
        cols = [c.strip() for c in row.strip().strip("|").split("|")]
        assert len(cols) == 3, f"objective row should have 3 columns: {row}"
        objective, mapping = cols[1], cols[2]
        # measurable: starts with an observable verb in bold
        assert re.match(r"\*\*(Define|Identify|Respond|Check|Describe|Explain|Distinguish|Apply)\*\*", objective), objective
        assert "Section 3" in mapping or "3.A" in mapping, f"no CACREP 2024 mapping in: {mapping}"
    # unverified item numbers must not be invented: any item number given must be a verified 3.A.1-6
    for item in re.findall(r"\b3\.[A-H]\.\d+\b", section):
        assert re.fullmatch(r"3\.A\.[1-6]", item), f"unverified CACREP item number {item}"


def test_prose_is_between_2000_and_3500_words():
    n = _prose_words(READING)
    assert 2000 <= n <= 3500, f"the reading's prose has {n} words"


def test_reading_has_content_note_key_terms_further_reading_and_dissent():
    text = _markdown(READING)
    first = _cells(READING, "markdown")[0]
    assert "Content note" in first and "romantic" in first
    for heading in ("## Key terms", "## Self-check", "## Further reading", "## Mark this module complete"):
        assert heading in text, heading
    further = text.split("## Further reading", 1)[1]
    primary, public = further.split("Public articles", 1)
    assert "Freud" in primary and "Gelso" in primary
    for publisher in ("GoodTherapy", "Grow Therapy", "BetterHelp", "Hairston"):
        assert publisher in public, publisher
    assert "Lazarus" in text and "boundary extension" in text.lower()
    assert "ACA's" in text  # the term is ACA's, not Lazarus and Zur's


def test_key_terms_exist_in_the_glossary():
    code = "\n".join(_cells(READING, "code"))
    block = re.search(r"TERMS = \[(.*?)\]", code, re.S)
    assert block, "the key-terms cell should list TERMS"
    terms = re.findall(r'"([a-z-]+)"', block.group(1))
    concepts = load_concepts()
    assert len(terms) >= 8
    assert [t for t in terms if t not in concepts] == []


def _refs(path: Path, fn: str) -> list[str]:
    return re.findall(fn + r'\(\s*"([^"]+)"', "\n".join(_cells(path, "code")))


def test_every_play_and_self_check_in_the_reading_exists():
    from course.questions import load_questions
    from course.scenes import load_vignette

    plays = _refs(READING, "play")
    assert sorted(plays) == sorted(f"transference/{v}" for v in VIGNETTES)
    for ref in plays:
        assert load_vignette(ref).module == "transference"
    checks = _refs(READING, "self_check")
    assert checks == ["transference"]
    assert len(load_questions("transference")) >= 5


def test_figure_cells_come_with_a_text_description():
    code = "\n".join(_cells(READING, "code"))
    assert "show(sources_figure(), describe_sources())" in code
    assert "show(cycle_figure(), describe_cycle())" in code


def test_completion_is_recorded_only_by_a_click(rec):
    """One rule (course/progress.py): the one-call button records only a module whose vignettes and
    self-check questions are all done, and Run All records nothing."""
    from tests.completion_kit import check_completion

    check_completion(nbformat.read(READING, as_version=4), 2, "transference", rec)


CITATION = re.compile(
    r"(ACA Code of Ethics|APA Ethical Principles of Psychologists and Code of Conduct|NASW Code of Ethics|"
    r"BACP Ethical Framework for the Counselling Professions) \(([^)]*(?:\([^)]*\))?[^)]*)\), "
    r"((?:Good Practice )?[A-Z]?\.?\d+(?:\.\d+)?(?:\.[a-z])?(?:\([a-z]\))?|Preamble)")


@pytest.mark.parametrize("path", [READING, GUIDE], ids=["reading", "guide"])
def test_code_citations_in_house_style_match_the_registry(path):
    known = {cite(cid) for cid in load_codes()}
    found = [f"{m.group(1)} ({m.group(2)}), {m.group(3)}" for m in CITATION.finditer(_markdown(path))]
    unknown = [c for c in found if c not in known]
    assert unknown == [], f"citations not in codes.yml: {unknown}"
    if path == READING:
        assert len(found) >= 10


def test_reading_teaches_the_code_differences_on_former_clients_correctly():
    text = _markdown(READING)
    section = text.split("## 6.", 1)[1].split("## 7.", 1)[0]
    assert "five years" in section and "two years" in section
    assert "no period" in section.lower() and "no fixed interval" in section.lower()
    assert "most unusual circumstances" in section


# ------------------------------------------------------------------------------ figures
def test_sources_figure_has_labelled_axes_and_one_bar_per_moment():
    from course.figures.transference import MOMENTS, SOURCES, describe_sources, sources_figure

    fig = sources_figure()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title(loc="left")
    assert "illustrative" in ax.get_xlabel()
    assert len(ax.patches) == len(MOMENTS) * len(SOURCES)
    assert ax.get_xlim() == (0.0, 100.0)
    assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) == len(SOURCES)
    for m in MOMENTS:  # rough levels in words: the figure claims no false precision
        assert set(m.weights) == set(SOURCES) and set(m.weights.values()) <= {"a little", "some", "much"}, m.label
    assert not ax.get_xticks().size  # no numeric scale
    texts = [t.get_text() for t in ax.texts]
    assert texts and not any("%" in t for t in texts)
    text = describe_sources()
    assert text.startswith("Text description") and "%" not in text
    for m in MOMENTS:
        assert m.label in text and f"earlier relationships {m.weights['past']}" in text


def test_sources_figure_takes_custom_moments():
    from course.figures.transference import Moment, sources_figure

    one = (Moment("x", "y", {"past": "a little", "real": "some", "context": "much"}, "n"),)
    fig = sources_figure(one)
    assert len(fig.axes[0].patches) == 3


def test_cycle_figure_shows_four_steps_inside_the_frame():
    from course.figures.transference import CYCLE_STEPS, cycle_figure, describe_cycle

    fig = cycle_figure()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") and "frame" in ax.get_xlabel().lower()
    texts = " ".join(t.get_text() for t in ax.texts)
    for name, _ in CYCLE_STEPS:
        assert name in texts and name in describe_cycle()
    assert "THE FRAME" in texts
    assert [name for name, _ in CYCLE_STEPS] == ["Notice", "Hypothesize", "Explore", "Revise"]


def test_show_renders_an_image_with_alt_text(monkeypatch):
    import course.figures.transference as t

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    t.show(t.cycle_figure(), 'A "cycle" & more')
    html = shown[0].data
    assert html.count("<img") == 1 and 'alt="A &quot;cycle&quot; &amp; more"' in html
    assert "data:image/png;base64," in html


# ------------------------------------------------------------------------------ vignettes
@pytest.mark.parametrize("vid", VIGNETTES)
def test_each_vignette_has_helpful_mixed_and_harmful_choices_and_endings(vid):
    from course.scenes import load_vignette

    v = load_vignette(f"transference/{vid}")
    qualities = {c.quality for _, _, c in v.edges()}
    outcomes = {s.ending.outcome for s in v.scenes.values() if s.is_ending}
    assert qualities == {"helpful", "mixed", "harmful"}
    assert outcomes == {"helpful", "mixed", "harmful"}
    for s in v.scenes.values():
        if not s.is_ending:
            assert len(s.choices) >= 3, s.id


@pytest.mark.parametrize("vid", MY_VIGNETTES)
def test_my_vignettes_validate_and_carry_what_the_module_needs(vid):
    from course.scenes import load_vignette, validate_files

    path = paths.VIGNETTES_DIR / "transference" / f"{vid}.yml"
    report = validate_files([path])
    assert report.ok, "\n".join(str(p) for p in report.problems)
    v = load_vignette(f"transference/{vid}")
    assert v.content_note, "both module 2 vignettes need a content note"
    assert v.client.age and v.client.pronouns
    tags = {t for _, _, c in v.edges() for t in c.concepts}
    assert "here-and-now" in tags or "working-hypothesis" in tags


def test_romantic_vignette_cites_the_fixed_line_and_never_rewards_reciprocity():
    from course.scenes import load_vignette

    v = load_vignette("transference/more-than-i-should")
    assert "romantic" in v.content_note.lower()
    for _, _, c in v.edges():
        reciprocal = any(w in c.text.lower() for w in ("felt a real connection", "who knows what happens", "sure. just keep"))
        if reciprocal:
            assert c.quality == "harmful", c.text
    cited = {code for _, _, c in v.edges() for code in c.codes}
    assert {"aca-2014-a5a", "apa-2017-305a", "aca-2014-a5e"} <= cited


def test_humility_vignette_treats_early_interpretation_as_harmful():
    from course.scenes import load_vignette

    v = load_vignette("transference/handled-not-helped")
    opening = v.scene(v.start)
    by_quality = {c.quality: c for c in opening.choices}
    assert "father" in by_quality["harmful"].text
    assert "cultural-humility" in by_quality["helpful"].concepts
    assert "That's on me" in by_quality["helpful"].text


def test_every_ending_is_reachable_and_every_path_ends():
    from course.scenes import Walk, load_vignette

    for vid in MY_VIGNETTES:
        v = load_vignette(f"transference/{vid}")
        reached = set()
        stack = [()]
        while stack:  # depth-first over choice sequences; a revisited scene closes a cycle
            seq = stack.pop()
            w = Walk(v)
            for i in seq:
                w.choose(i)
            if w.is_ending:
                reached.add(w.scene.id)
                continue
            if w.path.count(w.current) > 1:
                continue
            stack.extend(seq + (i,) for i in range(len(w.scene.choices)))
        endings = {s.id for s in v.scenes.values() if s.is_ending}
        assert reached == endings, f"{vid}: unreachable endings {endings - reached}"


# ------------------------------------------------------------------------------ self-check
def test_questions_validate_mix_kinds_and_explain_every_option():
    from course.questions import load_questions, validate_files

    report = validate_files([QUESTIONS])
    assert report.ok, "\n".join(str(p) for p in report.problems)
    qs = load_questions("transference")
    assert len(qs) >= 6
    assert {q.kind for q in qs} == {"single", "multiple"}
    for q in qs:
        for o in q.options:
            assert len(o.feedback.split()) >= 8, f"{q.ref} option {o.id}: feedback too thin to explain"


def test_questions_target_the_source_article_errors():
    from course.questions import get_question, grade

    q = get_question("transference.refer-if-dislike")
    right = grade(q, list(q.correct_ids))
    assert right.score == 1.0
    assert any(c == "aca-2014-a11b" for c in q.codes)
    wrong = next(o for o in q.options if "Refer promptly" in o.text)
    assert not wrong.correct and grade(q, [wrong.id]).score == 0.0
    q2 = get_question("frame.feelings-and-reactions")  # taught and checked once, in module 1
    assert "missing a “not”" in q2.option(q2.correct_ids[0]).text
    q3 = get_question("transference.romantic-feelings")
    key = q3.option(q3.correct_ids[0]).feedback + " ".join(o.feedback for o in q3.options)
    assert "five years" in key and "two years" in key


def test_multiple_answer_question_scores_partial_credit():
    from course.questions import get_question, grade

    q = get_question("transference.forms")
    assert q.kind == "multiple" and set(q.correct_ids) == {"a", "b", "d"}  # 3 of 5: ticking all is no shortcut
    assert grade(q, ["a", "b", "d"]).score == 1.0
    assert grade(q, ["a", "b", "c", "d", "e"]).score == pytest.approx(0.6)


# ------------------------------------------------------------------------------ the guide
def test_guide_has_both_plans_with_timings_that_add_up():
    text = _markdown(GUIDE)
    for minutes in (50, 90):
        section = text.split(f"## The {minutes}-minute plan", 1)[1].split("\n## ", 1)[0]
        spans = re.findall(r"^\|\s*(\d+)\s*[\u2013-]\s*(\d+)\s*\|", section, re.M)
        assert spans, f"no timed rows in the {minutes}-minute plan"
        assert int(spans[0][0]) == 0 and int(spans[-1][1]) == minutes
        for (a, b), (c, _) in zip(spans, spans[1:]):
            assert b == c, f"gap or overlap in the {minutes}-minute plan at {b}/{c}"


def test_guide_has_discussion_mode_cells_questions_and_misconceptions():
    code = "\n".join(_cells(GUIDE, "code"))
    discussion = re.findall(r'play\(\s*"([^"]+)",\s*mode="discussion"\)', code)
    assert sorted(discussion) == sorted(f"transference/{v}" for v in VIGNETTES)
    text = _markdown(GUIDE)
    assert text.count("A strong answer touches") >= 5
    misconceptions = text.split("## Common student misconceptions", 1)[1].split("\n## ", 1)[0]
    assert len([r for r in misconceptions.splitlines() if r.startswith("| *")]) >= 5
    assert "Content note" in _cells(GUIDE, "markdown")[0]


def test_originality_against_the_source_articles(shared_dir):
    tool = shared_dir / "tools" / "check_originality.py"
    import subprocess
    import sys

    mine = [READING, GUIDE, QUESTIONS, REPO / "course" / "figures" / "transference.py",
            *(paths.VIGNETTES_DIR / "transference" / f"{v}.yml" for v in MY_VIGNETTES)]
    assert all(p.exists() for p in mine), [str(p) for p in mine if not p.exists()]
    r = subprocess.run([sys.executable, str(tool), *map(str, mine)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cited_codes_table_lists_every_code_the_prose_cites():
    code = "\n".join(_cells(READING, "code"))
    block = re.search(r"CITED = \[(.*?)\]", code, re.S)
    assert block, "the reading should list its cited codes (CITED = [...])"
    cited = re.findall(r'"([a-z0-9-]+)"', block.group(1))
    codes = load_codes()
    assert [c for c in cited if c not in codes] == []
    in_prose = {f"{m.group(1)} ({m.group(2)}), {m.group(3)}" for m in CITATION.finditer(_markdown(READING))}
    listed = {cite(c) for c in cited}
    assert in_prose - listed == set(), f"cited in the prose but missing from the table: {in_prose - listed}"
