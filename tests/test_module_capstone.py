"""Module 6 (capstone): content checks that fail when the capstone stops meeting its brief.

The notebook and the guide are executed by tests/test_notebooks.py; the graded assignment by
tests/grading/test_capstone_e2e.py. Here: the case (five episodes of at least 8 scenes, earlier choices
changing later scenes, endings of every quality, no answer cues), case notes and their persistence in the
progress store and export, the case summary downloads, the self-check, the assignment keys, names, the
facilitator plan and the objectives.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml

from course import paths
from course.codes import load_codes, load_concepts
from course.scenes import Walk, load_vignette, validate_files
from tests.module_kit import WORD, cells_of as _cells, code_text as _code, markdown_text as _markdown

REPO = Path(__file__).resolve().parents[1]
READING = REPO / "notebooks" / "06_capstone.ipynb"
GUIDE = REPO / "notebooks" / "facilitator" / "06_capstone_guide.ipynb"
CASE_FILE = paths.CONTENT_DIR / "cases" / "hala-and-tamsin.yml"
EPISODES = ["capstone/the-first-hour", "capstone/a-tin-of-maamoul", "capstone/the-long-tuesday",
            "capstone/saturday-at-the-bakery", "capstone/the-last-weeks"]
ITEMS = REPO / "grading" / "rubrics" / "items" / "m6_capstone.yml"
ROSTER_TAKEN = {"Cody", "Darnell", "Evelyn", "Harold", "Hal", "Jonah", "Marcus", "Tomás", "Sam", "Tyler",
                "Robin", "Esperanza", "Casey", "Daniel", "Jordan", "Priya"}


# ------------------------------------------------------------------------------ the case
@pytest.fixture(scope="module")
def episodes():
    return [load_vignette(ref) for ref in EPISODES]


def test_five_valid_episodes_of_one_case_in_order(episodes):
    files = sorted((paths.VIGNETTES_DIR / "capstone").glob("*.yml"))
    report = validate_files(files)
    assert report.ok, "\n".join(map(str, report.problems))
    assert [(v.case, v.episode) for v in episodes] == [("hala-and-tamsin", n) for n in range(1, 6)]
    case = yaml.safe_load(CASE_FILE.read_text(encoding="utf-8"))
    assert [e["vignette"] for e in case["episodes"]] == EPISODES


@pytest.mark.parametrize("ref", EPISODES)
def test_each_episode_has_eight_scenes_and_endings_of_every_quality(ref):
    v = load_vignette(ref)
    assert len(v.scenes) >= 8
    assert {s.ending.outcome for s in v.scenes.values() if s.is_ending} == {"helpful", "mixed", "harmful"}
    for s in v.scenes.values():
        if not s.is_ending:
            assert len([c for c in s.choices if c.when is None]) >= 2
            assert len(s.choices) >= 3 or any(c.when for c in s.choices)


def test_the_episodes_cover_what_the_issue_lists(episodes):
    text = " ".join(json.dumps(yaml.safe_load(Path(v.path).read_text(encoding="utf-8"))) for v in episodes).lower()
    tags = {t for v in episodes for s in v.scenes.values() for c in s.choices for t in c.concepts}
    assert {"informed-consent", "transference", "countertransference", "consultation", "social-media",
            "termination-process", "referral"} <= tags
    for needle in ("supervis", "bakery", "instagram", "placement", "may 9"):
        assert needle in text, needle


def test_every_later_episode_depends_on_an_earlier_one(episodes):
    from course.scenes import _referenced

    earlier: set[str] = set()
    for v in episodes:
        if v.episode > 1:
            assert _referenced(v) & earlier, f"episode {v.episode} reads nothing from earlier episodes"
        earlier |= set(v.flags)


def test_an_intake_choice_changes_the_last_episode(episodes):
    first, last = episodes[0], episodes[-1]
    told = Walk(first)
    told.choose(1)                       # the helpful opening: trainee status and the end date
    assert {"told-trainee-status", "told-end-date"} <= told.flags
    untold = Walk(first)
    untold.choose(2)                     # "one of the counselors here"
    assert "told-end-date" not in untold.flags
    a, b = Walk(last, flags=told.flags), Walk(last, flags=untold.flags)
    assert a.current == "she-knew" and b.current == "the-news"
    assert "I counted" in " ".join(ln.text for ln in a.scene.lines)
    assert "nobody told me" in " ".join(ln.text for ln in b.scene.lines)


def test_earlier_choices_change_lines_and_choices_inside_later_scenes(episodes):
    second = episodes[1]
    w1, w2 = Walk(second), Walk(second, flags={"told-end-date"})
    for w in (w1, w2):
        w.choose(2)                      # accept the tin, curious
        w.choose(2)                      # brief answer, wonder with her -> the-pattern
    assert w1.current == w2.current == "the-pattern"
    assert len(w2.scene.choices) == len(w1.scene.choices) + 1
    assert "In May, you told me" in " ".join(ln.text for ln in w2.scene.lines)
    assert "In May, you told me" not in " ".join(ln.text for ln in w1.scene.lines)


def test_no_answer_cues_in_the_episodes(episodes):
    n = first = longest = 0
    for v in episodes:
        for s in v.scenes.values():
            shown = [c for c in s.choices if c.when is None]
            if not shown:
                continue
            n += 1
            best = next(i for i, c in enumerate(shown) if c.quality == "helpful")
            first += best == 0
            lengths = [len(c.text) for c in shown]
            longest += lengths[best] == max(lengths)
    assert n >= 20
    assert first / n <= 0.34 and longest / n <= 0.34, (first, longest, n)


def test_codes_and_concepts_cited_exist_and_flags_read_as_sentences(episodes):
    codes, concepts = load_codes(), load_concepts()
    for v in episodes:
        for s in v.scenes.values():
            for c in s.choices:
                assert set(c.codes) <= set(codes) and set(c.concepts) <= set(concepts)
        for flag, text in v.flags.items():
            assert text.endswith(".") and len(text.split()) >= 8, flag


def test_names_do_not_collide_with_the_roster(episodes):
    case = yaml.safe_load(CASE_FILE.read_text(encoding="utf-8"))
    names = {case["client"].split()[0], case["counselor"].split()[0], "Beatriz", "Teodoro", "Ziad", "Marwan", "Kofi"}
    assert not names & ROSTER_TAKEN
    assert {v.client.name for v in episodes} == {"Hala Mansour"}


def test_content_notes_where_the_case_touches_grief_and_illness(episodes):
    for v in episodes[1:]:
        assert v.content_note, v.ref
    assert "Content note" in _markdown(READING) and "Content note" in _markdown(GUIDE)


# ------------------------------------------------------------------------------ notes, store, summary
@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    from course import progress, recorder

    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "progress"))
    progress._reset_default_for_tests()
    recorder.set_recorder(None)
    yield tmp_path / "progress"
    recorder.set_recorder(None)
    progress._reset_default_for_tests()


def _play_to_end(view, picks):
    for i in picks:
        view.player.choose(i)
        view.player.continue_button.click()
    assert view.player.walk.is_ending


def test_state_and_notes_survive_a_restart_and_are_exported(fresh_store, tmp_path):
    from course import progress, recorder
    from course.case import case_note, play_episode

    _play_to_end(play_episode(EPISODES[0]), [1, 2, 1, 2])           # tells status and end date
    note = case_note(EPISODES[0])
    # the text goes to the kernel when the focus leaves the box, before the click on Save: keystroke
    # updates can be held back while the kernel is busy and the click overtook them (browser test:
    # tests/browser/test_review_workbench.py, the same box in the grader's workbench)
    assert note.note.continuous_update is False and note.question.continuous_update is False
    assert note.model.value == ""                                    # the model note waits for the learner's
    note.save.click()
    assert "Write your progress note first" in note.status.value and note.model.value == ""
    note.note.value = "Hala, 46, came for night waking. <b>Consent</b> covered trainee status."
    note.question.value = "What did I leave out of consent?"
    note.save.click()
    assert "A model note" in note.model.value and "Saved" in note.status.value

    # a kernel restart: a new store object on the same folder
    progress._reset_default_for_tests()
    recorder.set_recorder(None)
    last = play_episode(EPISODES[4])
    assert last.player.walk.current == "she-knew"
    assert "ends in early May" in last.memory.value
    again = case_note(EPISODES[0])
    assert again.note.value.startswith("Hala, 46") and "A model note" in again.model.value

    out = progress.export_json(tmp_path / "export.json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    kinds = [e["kind"] for e in doc["events"]]
    assert "case.note" in kinds and "case.state" in kinds
    assert any(e["data"].get("question") == "What did I leave out of consent?" for e in doc["events"])

    assert progress.forget() > 0
    assert progress.case_notes(progress.current_events(), "hala-and-tamsin") == {}


def test_replaying_an_earlier_episode_changes_what_later_ones_carry(fresh_store):
    from course.case import play_episode

    _play_to_end(play_episode(EPISODES[0]), [1, 2, 1, 2])
    assert play_episode(EPISODES[4]).player.walk.current == "she-knew"
    _play_to_end(play_episode(EPISODES[0]), [2, 2])                  # never tells the end date
    assert play_episode(EPISODES[4]).player.walk.current == "the-news"


def test_case_summary_downloads_markdown_and_html_with_the_notes_escaped(fresh_store):
    from course.case import case_note, case_summary, play_episode

    _play_to_end(play_episode(EPISODES[0]), [1, 2, 1, 2])
    n = case_note(EPISODES[0])
    n.note.value, n.question.value = "Note with <script>x</script> in it.", "A question?"
    n.save.click()
    s = case_summary("hala-and-tamsin")
    assert "Note with <script>x</script> in it." in s.markdown and "1 of 5 notes" in s.links.value
    assert "<script>x</script>" not in s.html and "&lt;script&gt;" in s.html
    assert "## Episode 1: The first hour" in s.markdown and "*Not played yet.*" in s.markdown
    links = re.findall(r'download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)"', s.links.value)
    assert [(f, m) for f, m, _ in links] == [("case-summary-hala-and-tamsin.md", "text/markdown"),
                                             ("case-summary-hala-and-tamsin.html", "text/html")]
    assert base64.b64decode(links[0][2]).decode("utf-8") == s.markdown
    assert base64.b64decode(links[1][2]).decode("utf-8") == s.html


def test_a_case_file_with_a_wrong_episode_is_reported_at_its_line(tmp_path):
    from course.case import validate_files as validate_cases

    bad = tmp_path / "hala-and-tamsin.yml"
    text = CASE_FILE.read_text(encoding="utf-8").replace("- vignette: capstone/a-tin-of-maamoul",
                                                         "- vignette: capstone/the-long-tuesday", 1)
    bad.write_text(text, encoding="utf-8")
    problems = validate_cases([bad]).problems
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "capstone/the-long-tuesday" in ln)
    assert problems and problems[0].line == line and "episode 2 names capstone/the-long-tuesday" in str(problems[0])


# ------------------------------------------------------------------------------ notebook, self-check, guide
def test_notebook_structure_objectives_and_episode_cells():
    md = _markdown(READING)
    rows = re.findall(r"^\|\s*(\d+)\s*\|.*\|\s*Section 3", md, re.M)
    assert rows == ["1", "2", "3", "4", "5"]
    assert [int(n) for n in re.findall(r"^## (\d+)\.", md, re.M)] == list(range(1, 9))
    code = _code(READING)
    for ref in EPISODES:
        assert f'play_episode("{ref}")' in code and f'case_note("{ref}")' in code
    assert code.index(f'play_episode("{EPISODES[0]}")') < code.index(f'case_note("{EPISODES[0]}")')
    assert 'case_summary("hala-and-tamsin")' in code and 'self_check("capstone")' in code
    words = len(WORD.findall(md))
    assert 2500 <= words <= 4500, words
    assert "Lazarus" in md and "number not verified" in md


def test_figure_has_a_text_description():
    from course.figures.capstone import describe_case_threads

    code = _code(READING)
    assert "show_figure(case_threads(" in code and "alt=" in code
    text = describe_case_threads("hala-and-tamsin")
    assert "schematic" in text.lower() and "not a measurement" in text and "episode 5" in text


def test_self_check_has_no_answer_cues():
    qs = yaml.safe_load((paths.QUESTIONS_DIR / "capstone.yml").read_text(encoding="utf-8"))["questions"]
    assert len(qs) >= 6
    singles = [q for q in qs if q["kind"] == "single"]
    first = sum(q["options"][0]["correct"] for q in singles)
    longest = sum(max(q["options"], key=lambda o: len(o["text"]))["correct"] for q in singles)
    assert first <= len(singles) / 3 and longest <= len(singles) / 3


def test_assignment_keys_are_balanced():
    key = yaml.safe_load(ITEMS.read_text(encoding="utf-8"))
    items = {it["id"]: it for it in key["items"]}
    assert items["answer_1"]["question"] == "capstone.whole-relationship"
    assert items["choice_2"]["answer"] not in ("A", "B")
    import sys
    sys.path.insert(0, str(REPO / "tools"))
    from assignment_content import ASSIGNMENTS

    a = ASSIGNMENTS["m6_capstone"]
    for it in a["items"]:
        if it["kind"] in ("single", "multiple"):
            answers = [it["answer"]] if it["kind"] == "single" else it["answer"]
            longest = max(it["options"], key=lambda k: len(it["options"][k]))
            assert longest not in answers or len(answers) > len(it["options"]) / 2, it["id"]
        if it["kind"] == "ordering":
            assert it["answer"] != sorted(it["answer"])


def test_guide_plan_adds_up_to_ninety_minutes_with_role_play_care():
    md = _markdown(GUIDE)
    section = md.split("## The 90-minute plan", 1)[1].split("\n## ", 1)[0]
    spans = [(int(a), int(b)) for a, b in re.findall(r"^\|\s*(\d+)[–-](\d+)\s*\|", section, re.M)]
    assert spans[0][0] == 0 and spans[-1][1] == 90
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
    for needle in ("Stepping out and back in", "De-roling", "Support contacts", "____", "discussion mode",
                   "Common student misconceptions", "what a strong answer touches"):
        assert needle in md, needle
    assert 'mode="discussion"' in _code(GUIDE)


def test_notebooks_committed_without_outputs():
    for path in (READING, GUIDE):
        for c in _cells(path, "code"):
            assert not c.get("outputs") and c.get("execution_count") is None


def test_completion_is_one_call_that_follows_the_rule(rec):
    """The capstone's 'Mark module 6 complete' records only once every episode has an ending and
    every self-check question an answer (tests/completion_kit.py)."""
    import nbformat

    from tests.completion_kit import check_completion

    check_completion(nbformat.read(READING, as_version=4), 6, "capstone", rec)
