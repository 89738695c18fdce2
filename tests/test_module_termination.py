"""Module 5 (termination): content checks that fail when the module stops meeting its brief.

Covers the reading notebook, the facilitator guide, the three vignettes, the self-check questions,
the figure, the module's graded items and its alignment map. The notebooks are also executed by
tests/test_notebooks.py; the reading is executed here as well, so this file alone shows it runs.
"""
from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest
import yaml

from course import paths
from course.codes import cite, load_codes, load_concepts
from tests.module_kit import code_text as _code, load_nb as _nb, markdown_text as _markdown, prose_words as _prose_words

MODULE = "termination"
REPO = Path(__file__).resolve().parents[1]
READING = paths.NOTEBOOKS_DIR / "05_termination.ipynb"
GUIDE = paths.NOTEBOOKS_DIR / "facilitator" / "05_termination_guide.ipynb"
VIGNETTE_DIR = paths.VIGNETTES_DIR / MODULE
QUESTIONS = paths.QUESTIONS_DIR / f"{MODULE}.yml"
ALIGNMENT = REPO / "course" / "content" / "alignment" / f"{MODULE}.yml"
ASSIGNMENT = REPO / "grading" / "source" / "m5_termination" / "m5_termination.ipynb"
QUALITIES = {"helpful", "mixed", "harmful"}
# Names used by modules 1-2 and the graded cases; module 5's new people start with Q-Z.
TAKEN = {"Cody", "Darnell", "Evelyn", "Harold", "Jonah", "Marcus", "Tomás", "Sam", "Tyler", "Robin",
         "Esperanza", "Casey", "Daniel", "Jordan", "Priya"}


def _vignettes() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(VIGNETTE_DIR.glob("*.yml"))}


def _questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]


def _objective_rows(md: str):
    return re.findall(r"^\|\s*(\d)\s*\|(.+)\|(.+)\|\s*$", md, flags=re.M)


def _section_numbers(md: str) -> set[int]:
    return {int(n) for n in re.findall(r"^## (\d+)\. ", md, flags=re.M)}


# --- the reading ---------------------------------------------------------------------------------
def test_reading_length_is_in_range():
    words = _prose_words(_nb(READING))
    assert 3000 <= words <= 4500, f"reading prose has {words} words; the brief asks for 3,000-4,500"


def test_objectives_are_measurable_and_mapped_only_to_verified_items():
    md = _markdown(_nb(READING))
    rows = _objective_rows(md)
    assert 3 <= len(rows) <= 6, f"expected 3-6 objectives, found {len(rows)}"
    for num, objective, mapping in rows:
        assert len(objective.split()) >= 12, f"objective {num} is too thin to be measurable"
        assert not objective.strip().lower().startswith(("understand", "appreciate", "know ", "be aware"))
        assert re.search(r"3\.A|area|Section 3", mapping), f"objective {num} has no CACREP mapping"
        for letter, item in re.findall(r"3\.([A-H])\.(\d+)", mapping):
            assert letter == "A" and 1 <= int(item) <= 6, f"objective {num} cites unverified item 3.{letter}.{item}"


def test_reading_has_numbered_sections_and_key_parts():
    md = _markdown(_nb(READING))
    assert _section_numbers(md) == set(range(1, 11))
    low = md.lower()
    for needle in ("content note", "how to use this notebook", "learning objectives", "key terms",
                   "further reading", "mark this module complete", "planned", "forced", "dropout",
                   "19.7%", "trainee", "relapse plan", "gift", "pretermination", "transfer of services",
                   "abandonment", "open door", "professional will", "records custodian", "lazarus"):
        assert needle in low, f"the reading has no '{needle}'"


def test_code_comparison_is_complete_and_correct():
    md = _markdown(_nb(READING))
    sec7 = md[md.index("## 7. "):md.index("## 8. ")]
    # friendship: no waiting period, a harm test
    assert "No major code sets a waiting period" in sec7 and "harm or exploitation" in sec7
    # the sexual-relationship table: one row per code, with the right rule
    table = [ln for ln in sec7.splitlines() if ln.startswith("| ") and "Code" not in ln[:8]]
    rows = {code: next((r for r in table if code in r.split("|")[1]), "") for code in ("APA", "ACA", "NASW", "AAMFT", "BACP")}
    assert "two years" in rows["APA"] and "most unusual circumstances" in rows["APA"]
    assert "five years" in rows["ACA"] and "documented forethought" in rows["ACA"]
    assert "no period is set" in rows["NASW"] and "burden" in rows["NASW"]
    assert "no time limit" in rows["AAMFT"] and "not the final adopted wording" in rows["AAMFT"], \
        "AAMFT 1.5 must carry its adoption status as the fact sheet gives it"
    assert "no fixed interval" in rows["BACP"]
    for state in ("Florida", "Texas", "Ohio"):
        assert state in sec7
    assert "one-year" not in md.lower(), "the 'one-year UK wait' is not supported (FACTS section 1)"


def test_module_one_promises_are_kept():
    """Module 1 says module 5 'compares them all' and names AAMFT's rule; both must be here."""
    frame = _markdown(_nb(paths.NOTEBOOKS_DIR / "01_the_frame.ipynb"))
    assert "module 5 compares them all" in frame.replace("\n", " ") or "Module 5" in frame
    md = _markdown(_nb(READING))
    assert "AAMFT Code of Ethics (2015), 1.5" in md
    assert "is a maxim, not code text" in md and "nearest code language is AAMFT 1.5" in md.replace("\n", " ")
    assert "10.08(b)" in md


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
    md = _markdown(_nb(READING))
    sections = {(e["code"].split()[0], str(e["section"]).replace("Good Practice ", "")) for e in load_codes().values()}
    for code, sec in re.findall(r"\b(ACA|APA|NASW|AAMFT|BACP) (\d+(?:\.\d+)?(?:\([a-z]\))?|[A-H]\.\d+(?:\.[a-z])?)(?![\w(])", md):
        assert (code, sec) in sections, f"'{code} {sec}' is cited but not in codes.yml"


def test_cited_table_and_key_terms_use_registry_ids():
    src = _code(_nb(READING))
    cited = eval(re.search(r"CITED = (\[.*?\])", src, flags=re.S).group(1))  # a literal list
    assert len(cited) >= 15 and not [c for c in cited if c not in load_codes()]
    for must in ("aca-2014-a11c", "aca-2014-a12", "apa-2017-1010c", "aamft-2015-15", "aca-2014-c2h", "apa-2017-312"):
        assert must in cited, f"{must} is taught but not in the citation table"
    terms = eval(re.search(r"KEY_TERMS = (\[.*?\])", src, flags=re.S).group(1))
    assert len(terms) >= 8 and all(t in load_concepts() for t in terms)


def test_completion_is_recorded_only_on_click(rec):
    """One rule (course/progress.py): the one-call button records only a module whose vignettes and
    self-check questions are all done, and Run All records nothing."""
    from tests.completion_kit import check_completion

    check_completion(_nb(READING), 5, "termination", rec)

def test_no_internal_ids_or_unkept_promises_on_screen():
    md = _markdown(_nb(READING))
    for vid in _vignettes():
        assert vid not in md, f"internal vignette id '{vid}' is shown to learners"
    assert not re.search(r"module 6 (will|covers)", md, flags=re.I)


def test_reading_and_guide_are_committed_without_outputs():
    for path in (READING, GUIDE):
        for cell in _nb(path).cells:
            if cell.cell_type == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


def test_reading_runs_headless(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    nb = _nb(READING)
    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "progress"))
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(READING.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert 'class="course-figure"' in html and "Text description." in html


# --- references from the notebooks ---------------------------------------------------------------
def _refs(nb, fn: str) -> list[str]:
    return re.findall(fn + r'\("([^"]+)"', _code(nb))


def test_every_vignette_has_a_home_and_every_ref_loads():
    from course.questions import load_questions
    from course.scenes import load_vignette

    reading, guide = _nb(READING), _nb(GUIDE)
    expected = {f"termination/{v}" for v in _vignettes()}
    assert expected <= set(_refs(reading, "play")), "every vignette is played in the reading"
    assert "termination/the-coffee-invitation" in expected
    for ref in _refs(reading, "play") + _refs(guide, "play") + _refs(reading, "vignette_map"):
        load_vignette(ref)
    assert "termination" in _refs(reading, "self_check")
    assert len(load_questions("termination")) >= 8


# --- vignettes ------------------------------------------------------------------------------------
def test_vignettes_validate_cleanly():
    from course.scenes import validate_files

    files = sorted(VIGNETTE_DIR.glob("*.yml"))
    assert len(files) >= 3
    report = validate_files(files)
    assert not report.problems, "\n".join(map(str, report.problems))


@pytest.mark.parametrize("vid", sorted(p.stem for p in VIGNETTE_DIR.glob("*.yml")))
def test_vignette_shape_and_quality_spread(vid):
    v = _vignettes()[vid]
    scenes = v["scenes"]
    assert len(scenes) >= 8, f"{vid}: a vignette needs at least 8 scenes"
    outcomes = {s["ending"]["outcome"] for s in scenes.values() if "ending" in s}
    assert outcomes == QUALITIES, f"{vid}: endings cover {outcomes}"
    for sid, s in scenes.items():
        if "choices" in s:
            assert len(s["choices"]) >= 3, f"{vid}/{sid}: a decision scene needs at least 3 choices"
            assert {c["quality"] for c in s["choices"]} == QUALITIES, f"{vid}/{sid}: offer one of each quality"
            for c in s["choices"]:
                assert len(c["feedback"].split()) >= 20, f"{vid}/{sid}: feedback should teach, not just judge"


def test_a_helpful_ending_stays_honestly_unresolved():
    endings = [s["ending"] for v in _vignettes().values() for s in v["scenes"].values()
               if "ending" in s and s["ending"]["outcome"] == "helpful"]
    assert any(re.search(r"never know|not in your hands|does not guarantee|nothing here guarantees", e["summary"], re.I)
               for e in endings)


def test_roster_is_new_diverse_and_not_colliding():
    vs = _vignettes()
    clients = [v["client"] for v in vs.values()]
    ages = [c["age"] for c in clients]
    assert max(ages) - min(ages) >= 30
    new = [c for vid, c in zip(vs, clients) if vid != "the-coffee-invitation"]
    assert len(new) >= 2
    for c in new:
        first = c["name"].split()[0]
        assert first not in TAKEN and first[0] in "QRSTUVWXYZ", f"{c['name']}: new first names start Q-Z"
        assert c["pronouns"] != "he/him", "modules 1-2 are mostly men: module 5's new clients are not"
    settings = " ".join(c["context"].lower() for c in clients)
    for word in ("practicum", "licensed", "video"):
        assert word in settings
    assert all(v.get("content_note") for v in vs.values())


def test_reflection_prompts_never_ask_for_personal_history():
    banned = re.compile(r"your own (history|experience|past|childhood|loss)|a time (when )?you|have you ever", re.I)
    for vid, v in _vignettes().items():
        for sid, s in v["scenes"].items():
            if "ending" in s:
                assert not banned.search(s["ending"]["reflection"]), f"{vid}/{sid} asks for personal disclosure"


# --- answer cues ----------------------------------------------------------------------------------
# Tolerance: with k options, chance puts the best option first (or longest) 1/k of the time. We allow
# at most the count chance predicts, rounded up, so a file cannot lean on position or length.
def test_vignette_helpful_choice_is_not_first_or_longest_more_than_chance():
    decisions = [s["choices"] for v in _vignettes().values() for s in v["scenes"].values() if "choices" in s]
    n, k = len(decisions), 3
    first = sum(1 for ch in decisions if ch[0]["quality"] == "helpful")
    longest = sum(1 for ch in decisions
                  if max(ch, key=lambda c: len(c["text"]))["quality"] == "helpful")
    assert first <= math.ceil(n / k), f"helpful first at {first} of {n} decisions"
    assert longest <= math.ceil(n / k), f"helpful longest at {longest} of {n} decisions"


def test_self_check_correct_option_is_not_first_or_longest_more_than_chance():
    singles = [q for q in _questions() if q["kind"] == "single"]
    n = len(singles)
    first = sum(1 for q in singles if q["options"][0]["correct"])
    longest = sum(1 for q in singles if max(q["options"], key=lambda o: len(o["text"]))["correct"])
    k = min(len(q["options"]) for q in singles)
    assert first <= math.ceil(n / k) and longest <= math.ceil(n / k), (first, longest, n)
    multiples = [q for q in _questions() if q["kind"] == "multiple"]
    first_right = sum(1 for q in multiples if q["options"][0]["correct"])
    assert first_right <= math.ceil(len(multiples) / 2), "multiple-answer items lead with a correct option too often"


def test_graded_keys_are_balanced_and_not_the_longest():
    sys.path.insert(0, str(REPO / "tools"))
    from assignment_content import ASSIGNMENTS

    items = ASSIGNMENTS["m5_termination"]["items"]
    singles = [it for it in items if it["kind"] == "single"]
    keys = [it["answer"] for it in singles]
    assert len(set(keys)) == len(keys), f"single-choice keys repeat a letter: {keys}"
    # which letters are keys course-wide is tests/test_answer_cues.py's concern (balanced across A-D)
    for it in singles:
        lengths = {k: len(v) for k, v in it["options"].items()}
        assert lengths[it["answer"]] < max(lengths.values()), f"{it['id']}: the key is the longest option"
    match = next(it for it in items if it["kind"] == "matching")
    diagonal = dict(zip(match["statements"], match["categories"]))
    assert match["answer"] != diagonal, "matching key follows the order of the categories"


# --- questions ------------------------------------------------------------------------------------
def test_questions_validate_and_explain():
    from course.questions import validate_files

    report = validate_files([QUESTIONS])
    assert not report.problems, "\n".join(map(str, report.problems))
    qs = _questions()
    assert len(qs) >= 8 and {q["kind"] for q in qs} == {"single", "multiple"}
    for q in qs:
        for o in q["options"]:
            assert len(o["feedback"].split()) >= 10, f"{q['id']}/{o['id']}: feedback should explain"


def test_self_check_records_through_the_recorder():
    from course.questions import self_check
    from course.recorder import MemoryRecorder, set_recorder

    rec = MemoryRecorder()
    set_recorder(rec)
    try:
        sc = self_check("termination.trainee-ending")
        sc[0].select("a")
        result = sc[0].check()
    finally:
        set_recorder(None)
    assert result.correct
    assert [e.item for e in rec.of_kind("selfcheck.answer")] == ["trainee-ending"]


# --- alignment ------------------------------------------------------------------------------------
def test_alignment_covers_every_objective_and_graded_item():
    data = yaml.safe_load(ALIGNMENT.read_text(encoding="utf-8"))
    md = _markdown(_nb(READING))
    rows = _objective_rows(md)
    assert len(data["objectives"]) == len(rows)
    qids = {q["id"] for q in _questions()}
    graded = {c.metadata["nbgrader"]["grade_id"] for c in _nb(ASSIGNMENT).cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    assert graded, "no answer cells found in the assignment"
    for obj in data["objectives"]:
        assert obj["self_checks"] and set(obj["self_checks"]) <= qids, obj["number"]
        assert obj["graded"] and set(obj["graded"]) <= graded, obj["number"]
    listed = {g["id"] for g in data["graded_items"]}
    assert graded <= listed, f"graded items missing from the alignment: {graded - listed}"
    sections = _section_numbers(md)
    for g in data["graded_items"]:
        assert g["taught_in"] and set(g["taught_in"]) <= sections, g["id"]


# --- figure ---------------------------------------------------------------------------------------
def test_figure_is_labelled_schematic_with_description():
    from matplotlib.figure import Figure

    from course.figures import termination

    fig = termination.former_clients_figure()
    assert isinstance(fig, Figure) and "schematic" in fig._suptitle.get_text()
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_title() and ax.get_ylabel()
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    for code in ("APA 10.08", "ACA A.5.c", "NASW 1.09(c)", "AAMFT 1.5", "BACP 37", "Texas counselors"):
        assert code in labels
    text = termination.describe_former_clients()
    assert len(text.split()) >= 120 and "not measured data" in text
    assert "not the final" in text, "AAMFT 1.5's status must be stated in the description too"
    html = termination.figure_html(fig, text, alt="x")
    assert html.startswith("<figure") and "Text description" in html


def test_figure_rules_match_the_fact_sheet():
    from course.figures import termination as t

    rows = {r.label: r for r in t.SEXUAL + t.FRIENDSHIP}
    barred_until = {label: max((e for s, e, st in r.segments if st == "barred"), default=0) for label, r in rows.items()}
    assert barred_until["APA 10.08"] == 2 and barred_until["ACA A.5.c"] == 5
    assert barred_until["NASW 1.09(c)"] == t.HORIZON and barred_until["AAMFT 1.5"] == t.HORIZON
    assert barred_until["BACP 37"] == 0 and barred_until["Texas counselors"] == 2
    assert rows["AAMFT 1.5"].checked is False
    assert all(st == "judgment" for _, _, st in rows["The five codes"].segments)


# --- facilitator guide ----------------------------------------------------------------------------
def _plan_minutes(md: str, heading: str) -> int:
    part = md[md.index(heading):]
    part = part[: part.index("\n## ", 1)] if "\n## " in part[1:] else part
    return sum(int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", part, flags=re.M))


def test_guide_plans_add_up_and_fit():
    md = _markdown(_nb(GUIDE))
    assert _plan_minutes(md, "## 50-minute plan") == 50
    assert _plan_minutes(md, "## 90-minute plan") == 90
    fifty = md[md.index("## 50-minute plan"):md.index("## 90-minute plan")]
    assert len(re.findall(r"Vignette: \*", fifty)) == 1, "one vignette per 50 minutes"


def test_guide_has_discussion_mode_role_play_questions_and_misconceptions():
    md, src = _markdown(_nb(GUIDE)), _code(_nb(GUIDE))
    modes = re.findall(r'play\("(termination/[^"]+)", mode="discussion"\)', src)
    assert set(modes) == {f"termination/{v}" for v in _vignettes()}
    assert md.count("A strong answer touches") >= 5
    for needle in ("Stepping out", "Returning", "De-roling", "[fill in"):
        assert needle in md
    miscon = md[md.index("## Common misconceptions"):]
    assert len(re.findall(r'^\| "', miscon, flags=re.M)) >= 6
