"""Module 4 (power and boundaries): content checks that fail when the module stops meeting its brief.

Covers the reading notebook, the facilitator guide, the three vignettes, the self-check questions,
the figure, the graded assignment's structured items and the alignment map. Execution of the
notebooks is covered by tests/test_notebooks.py.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from course import paths
from course.codes import cite, load_codes, load_concepts
from tests.module_kit import code_text as _code, load_nb as _nb, markdown_text as _markdown, prose_words as _prose_words

MODULE = "power"
READING = paths.NOTEBOOKS_DIR / "04_power_and_boundaries.ipynb"
GUIDE = paths.NOTEBOOKS_DIR / "facilitator" / "04_power_and_boundaries_guide.ipynb"
VIGNETTE_DIR = paths.VIGNETTES_DIR / MODULE
QUESTIONS = paths.QUESTIONS_DIR / f"{MODULE}.yml"
REPO = Path(__file__).resolve().parents[1]
ALIGNMENT = REPO / "course" / "content" / "alignment" / f"{MODULE}.yml"
QUALITIES = {"helpful", "mixed", "harmful"}
# Names already used elsewhere in the course (modules 1-2 and the graded cases).
TAKEN = {"Cody", "Darnell", "Evelyn", "Harold", "Hal", "Jonah", "Marcus", "Tomás", "Sam", "Tyler", "Robin",
         "Esperanza", "Casey", "Daniel", "Jordan", "Priya"}


def _vignettes() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(VIGNETTE_DIR.glob("*.yml"))}


def _questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]


def _sections(nb) -> set[int]:
    return {int(n) for n in re.findall(r"^## (\d+)\. ", _markdown(nb), flags=re.M)}


# --- the reading ---------------------------------------------------------------------------------
def test_objectives_are_mapped_to_cacrep_without_unverified_item_numbers():
    md = _markdown(_nb(READING))
    assert "CACREP 2024" in md
    rows = re.findall(r"^\|\s*(\d)\s*\|(.+)\|(.+)\|\s*$", md, flags=re.M)
    assert 3 <= len(rows) <= 6, f"expected 3-6 objectives, found {len(rows)}"
    for num, objective, mapping in rows:
        assert len(objective.split()) >= 12, f"objective {num} is too thin to be measurable"
        assert not objective.strip().lower().startswith(("understand", "appreciate", "know ", "be aware"))
        assert re.search(r"3\.A|area|Section 3", mapping), f"objective {num} has no CACREP mapping"
        for item in re.findall(r"3\.([A-H])\.(\d+)", mapping):
            assert item[0] == "A" and 1 <= int(item[1]) <= 6, f"objective {num} cites unverified item 3.{item[0]}.{item[1]}"


def test_reading_length_is_in_range():
    words = _prose_words(_nb(READING))
    assert 3000 <= words <= 4500, f"reading prose has {words} words; the brief asks for 3,000-4,500"


def test_reading_has_numbered_sections_and_the_required_topics():
    nb = _nb(READING)
    assert _sections(nb) == set(range(1, 12)), _sections(nb)
    md = _markdown(nb).lower()
    for needle in ("content note", "how to use this notebook", "learning objectives", "power differential",
                   "gutheil", "boundary crossing", "boundary violation", "slippery-slope", "lazarus", "zur",
                   "a.6.b", "3.05(a)", "1.06(c)", "1.3", "a.10.e", "a.10.f", "6.05", "touch", "1.10",
                   "deaf", "lgbtq+", "military", "faith", "rural", "h.6", "1.06(e)", "1.06(h)", "younggren",
                   "pope and vetter", "958", "80%", "texas", "florida", "f.3", "f.10", "collectivist",
                   "key terms", "further reading", "mark this module complete"):
        assert needle in md, f"the reading has no '{needle}'"


def test_dissent_is_presented_then_weighed():
    md = _markdown(_nb(READING))
    sec3 = md[md.index("## 3. "):md.index("## 4. ")]
    assert "Lazarus" in sec3 and "Zur" in sec3 and "How should you weigh this?" in sec3
    assert sec3.index("Zur") < sec3.index("How should you weigh this?"), "the dissent comes before the weighing"
    weighing = sec3[sec3.index("How should you weigh this?"):]
    assert "critics are right" in weighing and "proponents are right" in weighing, "both sides are credited"
    assert "ACA's, not Lazarus and Zur's" in md, "'boundary extension' must be attributed to ACA"


def test_no_seed_errors_or_unverified_claims():
    md = _markdown(_nb(READING)) + _markdown(_nb(GUIDE))
    assert "one-year" not in md.lower()
    assert not re.search(r"AAMFT[^.]*no time limit", md), "AAMFT 1.5's final wording is unverified (FACTS [M])"
    assert not re.search(r"Lazarus \(1994\)", md), "Lazarus (1994) is unverified in the fact sheet"
    # the popular claim that social media contact is a dual relationship 'in some states' is unverified
    for m in re.finditer(r"[^.|]*in some states[^.|]*", md):
        assert "could not verify" in md[m.start() - 200:m.end() + 200], m.group(0)
    assert "Once a client, always a client" not in md


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
    assert found >= 15, f"expected the reading to cite codes by name, version and section; found {found}"


def test_short_citations_name_registered_sections():
    md = _markdown(_nb(READING)) + _markdown(_nb(GUIDE))
    sections = {(e["code"].split()[0], str(e["section"]).replace("Good Practice ", "")) for e in load_codes().values()}
    for code, sec in re.findall(r"\b(ACA|APA|NASW|AAMFT|BACP) (\d+(?:\.\d+)?(?:\([a-z]\))?|[A-H]\.\d+(?:\.[a-z])?)(?![\w(])", md):
        assert (code, sec) in sections, f"'{code} {sec}' is cited but not in codes.yml"


def test_cited_table_and_key_terms_use_registry_ids():
    src = _code(_nb(READING))
    cited = eval(re.search(r"CITED = (\[.*?\])", src, flags=re.S).group(1))  # a literal list
    assert len(cited) >= 15 and all(c in load_codes() for c in cited)
    terms = eval(re.search(r"KEY_TERMS = (\[.*?\])", src, flags=re.S).group(1))
    assert len(terms) >= 10 and all(t in load_concepts() for t in terms)


def test_every_code_the_module_uses_is_registered_and_cited_in_the_table():
    used = set()
    for v in _vignettes().values():
        for s in v["scenes"].values():
            for c in s.get("choices", []):
                used |= set(c.get("codes", []))
    for q in _questions():
        used |= set(q.get("codes", []))
    registry = load_codes()
    assert used <= set(registry), used - set(registry)
    src = _code(_nb(READING))
    cited = set(eval(re.search(r"CITED = (\[.*?\])", src, flags=re.S).group(1)))
    assert used <= cited, f"used in vignettes or self-checks but missing from the reading's table: {used - cited}"


def test_completion_is_recorded_only_on_click(rec):
    """One rule (course/progress.py): the one-call button records only a module whose vignettes and
    self-check questions are all done, and Run All records nothing."""
    from tests.completion_kit import check_completion

    check_completion(_nb(READING), 4, "power", rec)

def test_no_internal_ids_on_screen():
    md = _markdown(_nb(READING))
    for vid in _vignettes():
        assert vid not in md, f"the reading shows the internal id '{vid}'"
    for q in _questions():
        assert f"`{q['id']}`" not in md


# --- references from the notebooks ---------------------------------------------------------------
def _refs(nb, fn: str) -> list[str]:
    return re.findall(fn + r'\("([^"]+)"', _code(nb))


def test_every_vignette_is_played_in_the_reading_and_the_guide():
    from course.questions import load_questions
    from course.scenes import load_vignette

    reading, guide = _nb(READING), _nb(GUIDE)
    expected = {f"power/{v}" for v in _vignettes()}
    assert expected <= set(_refs(reading, "play"))
    assert set(re.findall(r'play\("(power/[^"]+)", mode="discussion"\)', _code(guide))) == expected
    for ref in _refs(reading, "play") + _refs(guide, "play") + _refs(reading, "vignette_map"):
        load_vignette(ref)
    assert "power" in _refs(reading, "self_check")
    assert len(load_questions("power")) >= 8


# --- vignettes ------------------------------------------------------------------------------------
def test_three_vignettes_validate_cleanly():
    from course.scenes import validate_files

    files = sorted(VIGNETTE_DIR.glob("*.yml"))
    assert len(files) >= 3
    report = validate_files(files)
    assert not report.problems, "\n".join(map(str, report.problems))


@pytest.mark.parametrize("vid", sorted(p.stem for p in VIGNETTE_DIR.glob("*.yml")))
def test_vignette_shape(vid):
    v = _vignettes()[vid]
    scenes = v["scenes"]
    assert len(scenes) >= 8, f"{vid}: {len(scenes)} scenes; the brief asks for at least 8"
    outcomes = {s["ending"]["outcome"] for s in scenes.values() if "ending" in s}
    assert outcomes == QUALITIES, f"{vid}: endings cover {outcomes}"
    for sid, s in scenes.items():
        if "choices" in s:
            assert len(s["choices"]) == 3, f"{vid}/{sid}: a decision scene has three choices"
            assert sorted(c["quality"] for c in s["choices"]) == sorted(QUALITIES), f"{vid}/{sid}: one of each quality"
            for c in s["choices"]:
                assert len(c["feedback"].split()) >= 25, f"{vid}/{sid}: feedback should teach, not just judge"


def test_a_vignette_shows_a_helpful_crossing_and_one_leaves_its_helpful_ending_unresolved():
    v = _vignettes()
    ends = v["the-novena-invitation"]["scenes"]["a-seat-near-the-back"]
    assert ends["ending"]["outcome"] == "helpful"
    assert "stepped outside the office" in ends["ending"]["summary"]
    unresolved = v["everyone-knows-everyone"]["scenes"]["for-now"]
    assert unresolved["ending"]["outcome"] == "helpful"
    assert "Nothing was solved" in unresolved["ending"]["summary"]


def test_roster_is_diverse_and_new():
    vs = list(_vignettes().values())
    firsts = [v["client"]["name"].split()[0] for v in vs]
    assert not set(firsts) & TAKEN
    assert all("H" <= f[0] <= "P" for f in firsts), firsts
    for v in vs:  # counselors are named in the context: "You are <First> <Last>, ..."
        m = re.search(r"You are (\w+)", v["client"]["context"])
        assert m and m.group(1) not in TAKEN and "H" <= m.group(1)[0] <= "P", m
    ages = [v["client"]["age"] for v in vs]
    assert max(ages) - min(ages) >= 30
    assert sum(1 for v in vs if v["client"]["pronouns"] != "he/him") >= 3, "module 4's clients are mostly not men"
    assert all(v.get("content_note") for v in vs)


def test_reflection_prompts_never_ask_for_personal_history():
    banned = re.compile(r"your own (history|experience|past|childhood|loss)|a time (when )?you|have you ever", re.I)
    for vid, v in _vignettes().items():
        for sid, s in v["scenes"].items():
            if "ending" in s:
                assert not banned.search(s["ending"]["reflection"]), f"{vid}/{sid} asks for personal disclosure"


# --- answer cues ----------------------------------------------------------------------------------
# Tolerance: the best option may be first, or longest, or shortest, in at most ceil(n / k) of n
# decisions with k options each: the count a learner would meet if positions and lengths carried no
# information, rounded up. A cue-free set sits at or below that; an authoring habit (best option first,
# or the most qualified option longest) shows up well above it.
def _decisions():
    for v in _vignettes().values():
        for s in v["scenes"].values():
            if "choices" in s:
                yield [(c["quality"] == "helpful", len(c["text"])) for c in s["choices"]]


def _singles():
    for q in _questions():
        if q["kind"] == "single":
            yield [(o["correct"], len(o["text"])) for o in q["options"]]


@pytest.mark.parametrize("source", ["vignettes", "self-checks"])
def test_best_option_is_not_cued_by_position_or_length(source):
    sets = list(_decisions() if source == "vignettes" else _singles())
    n, k = len(sets), len(sets[0])
    limit = math.ceil(n / k)
    first = sum(1 for s in sets if s[0][0])
    longest = sum(1 for s in sets if next(ln for ok, ln in s if ok) == max(ln for _, ln in s))
    shortest = sum(1 for s in sets if next(ln for ok, ln in s if ok) == min(ln for _, ln in s))
    assert first <= limit, f"{source}: best option first in {first} of {n} (limit {limit})"
    assert longest <= limit, f"{source}: best option longest in {longest} of {n} (limit {limit})"
    assert shortest <= limit, f"{source}: best option shortest in {shortest} of {n} (limit {limit})"


def test_multiple_answer_items_do_not_start_with_a_correct_option():
    for q in _questions():
        if q["kind"] == "multiple":
            assert not q["options"][0]["correct"], q["id"]
            assert 0 < sum(o["correct"] for o in q["options"]) < len(q["options"])


# --- questions ------------------------------------------------------------------------------------
def test_questions_validate_and_explain_every_option():
    from course.questions import validate_files

    report = validate_files([QUESTIONS])
    assert not report.problems, "\n".join(map(str, report.problems))
    qs = _questions()
    assert len(qs) >= 8
    assert {q["kind"] for q in qs} == {"single", "multiple"}
    for q in qs:
        for o in q["options"]:
            assert len(o["feedback"].split()) >= 10, f"{q['id']}/{o['id']}: feedback should explain"


def test_harm_data_item_matches_the_fact_sheet():
    q = next(q for q in _questions() if q["id"] == "harm-data")
    right = next(o for o in q["options"] if o["correct"])
    assert "958" in right["text"] and "80%" in right["text"]


def test_self_check_records_through_the_recorder(rec):
    from course.questions import self_check

    sc = self_check("power.decision-first-step")
    sc[0].select("b")
    assert sc[0].check().correct
    assert [e.item for e in rec.of_kind("selfcheck.answer")] == ["decision-first-step"]


# --- figure ---------------------------------------------------------------------------------------
def test_boundary_map_is_a_labelled_schematic_with_a_description():
    from matplotlib.figure import Figure

    from course.figures import power

    fig = power.boundary_map()
    assert isinstance(fig, Figure) and fig._suptitle.get_text()
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_ylabel() and "schematic" in ax.get_xlabel() and "not measured" in ax.get_xlabel()
    assert len(ax.collections) >= len(power.EXAMPLES)
    text = power.describe_boundary_map()
    assert len(text.split()) >= 120 and "not measured" in text
    for label, *_ in power.EXAMPLES:
        assert label.replace("\n", " ") in text
    html = power.figure_html(fig, text, alt="x")
    assert html.startswith("<figure") and "Text description" in html


# --- facilitator guide ----------------------------------------------------------------------------
def _plan(md: str, heading: str) -> str:
    part = md[md.index(heading):]
    return part[: part.index("\n## ", 1)] if "\n## " in part[1:] else part


def test_guide_plans_add_up_and_fit_one_vignette_per_50_minutes():
    md = _markdown(_nb(GUIDE))
    for heading, total in (("## 50-minute plan", 50), ("## 90-minute plan", 90)):
        part = _plan(md, heading)
        rows = re.findall(r"^\|\s*(\d+)\s*\|(.*)$", part, flags=re.M)
        assert sum(int(m) for m, _ in rows) == total, heading
        vignette_rows = [int(m) for m, rest in rows if re.search(r"Vignette", rest)]
        assert len(vignette_rows) <= total // 50 + (1 if total == 90 else 0), heading
        assert all(m >= 15 for m in vignette_rows), f"{heading}: a vignette needs at least 15 minutes"


def test_guide_questions_misconceptions_and_role_play():
    md = _markdown(_nb(GUIDE))
    assert md.count("A strong answer touches") >= 6
    miscon = md[md.index("## Common misconceptions"):]
    assert len(re.findall(r"^\| \"", miscon, flags=re.M)) >= 8
    role = md[md.index("## Role-play"):]
    for needle in ("pause", "back in", "De-roling", "[Program:", "nobody plays themselves"):
        assert needle in role, needle


# --- graded assignment and alignment ----------------------------------------------------------------
def _assignment():
    import importlib.util

    spec = importlib.util.spec_from_file_location("assignment_content", REPO / "tools" / "assignment_content.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.ASSIGNMENTS["m4_power"]


def test_graded_items_are_not_cued():
    a = _assignment()
    for it in a["items"]:
        if it["kind"] == "single":
            assert it["answer"] != "B"
            lens = {k: len(v) for k, v in it["options"].items()}
            assert lens[it["answer"]] < max(lens.values()), f"{it['id']}: the key is the longest option"
        if it["kind"] == "multiple":
            lens = {k: len(v) for k, v in it["options"].items()}
            assert max(lens, key=lens.get) not in it["answer"], f"{it['id']}: the longest option is a key"
    assert "Forester-Miller" not in str(a), "issue 11: the m4 ordering item cited an unverified model"


def test_alignment_map_covers_every_objective_and_graded_item():
    data = yaml.safe_load(ALIGNMENT.read_text(encoding="utf-8"))
    assert data["module"] == MODULE and data["assignment"] == "m4_power"
    md = _markdown(_nb(READING))
    rows = re.findall(r"^\|\s*(\d)\s*\|(.+)\|(.+)\|\s*$", md, flags=re.M)
    assert [o["number"] for o in data["objectives"]] == [int(r[0]) for r in rows]
    qids = {q["id"] for q in _questions()}
    a = _assignment()
    graded = {"answer_1"} | {it["id"] for it in a["items"]}
    for o in data["objectives"]:
        assert o["self_checks"] and set(o["self_checks"]) <= qids, o
        assert o["graded"] and set(o["graded"]) <= graded, o
    assert {g["id"] for g in data["graded_items"]} == graded
    sections = _sections(_nb(READING))
    for g in data["graded_items"]:
        assert g["taught_in"] and set(g["taught_in"]) <= sections, g
    assert set(qids) == {q for o in data["objectives"] for q in o["self_checks"]}, "every self-check serves an objective"
