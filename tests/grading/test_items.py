"""Structured items: answer keys, partial credit, and reading answers statically from source."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course.errors import CourseError
from course.grading import items
from course.grading.pipeline import Extracted, extract_answer, score_answer

REPO = Path(__file__).resolve().parents[2]
KEYS = sorted((REPO / "grading" / "rubrics" / "items").glob("*.yml"))

SINGLE = {"id": "choice_2", "kind": "single", "options": ["A", "B", "C", "D"], "answer": "B"}
MULTI = {"id": "multi_3", "kind": "multiple", "options": ["A", "B", "C", "D", "E"], "answer": ["A", "C"]}
MATCH = {"id": "match_4", "kind": "matching", "categories": ["transference", "countertransference",
                                                            "boundary crossing", "boundary violation"],
         "answer": {"a": "transference", "b": "countertransference", "c": "boundary crossing",
                    "d": "boundary violation"}}
ORDER = {"id": "order_5", "kind": "ordering", "answer": ["C", "A", "D", "B"]}


def test_shipped_answer_keys_are_valid_and_match_their_notebooks():
    assert len(KEYS) == 6  # m1-m5 and the capstone
    report = items.validate_files(KEYS)
    assert report.ok, [str(p) for p in report.problems]
    for key_file in KEYS:
        key = items.load_items(key_file.stem)
        nb = nbformat.read(str(REPO / "grading" / "source" / key_file.stem / f"{key_file.stem}.ipynb"), as_version=4)
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
        kinds = [it["kind"] for it in key["items"]]
        assert kinds[0] == "reflection" and len([k for k in kinds if k != "reflection"]) >= 3
        for it in key["items"]:
            check = cells[it["id"] + items.CHECK_SUFFIX]
            assert check.metadata["nbgrader"]["grade"] and check.metadata["nbgrader"]["locked"]
            assert check.metadata["nbgrader"]["points"] == it["points"]
            assert cells[it["id"]].metadata["nbgrader"]["solution"]
            # the model answer in the source notebook earns full marks
            ex = extract_answer(nb, it["id"])
            assert ex.found, it["id"]
            if it["kind"] != "reflection":
                assert items.score_item(it, ex.value).fraction == 1.0, (key_file.stem, it["id"])
            else:  # the model reflection is a strong answer for the shipped rubric
                from course.rubric import score
                r = score(it["question"], ex.value)
                assert r.points >= 0.75 * r.max_points and not r.red_flags, (key_file.stem, r.to_dict())


@pytest.mark.parametrize("value,frac", [("B", 1), (" b ", 1), ("B)", 1), ("A", 0), ("", 0), ("Z", 0), (2, 0),
                                        (None, 0), (["B"], 0)])
def test_single(value, frac):
    assert items.score_item(SINGLE, value).fraction == frac


@pytest.mark.parametrize("value,frac", [("A, C", 1), (["a", "c"], 1), ("A C", 1), ("A", 0.8), ("A, B, C", 0.8),
                                        ("A, B, C, D, E", 0.4), ("", 0), ([], 0), ("Q", 0), (7, 0)])
def test_multiple(value, frac):
    assert items.score_item(MULTI, value).fraction == pytest.approx(frac)


def test_matching_partial_credit_and_spelling():
    full = {"a": "Transference", "b": "counter-transference", "c": "boundary_crossing", "d": "Boundary Violation"}
    assert items.score_item(MATCH, full).fraction == 1
    half = {"a": "transference", "b": "transference", "c": "", "d": "boundary violation"}
    assert items.score_item(MATCH, half).fraction == 0.5
    assert items.score_item(MATCH, "transference").fraction == 0
    assert items.score_item(MATCH, {"a": 3}).fraction == 0


@pytest.mark.parametrize("value,frac", [("C, A, D, B", 1), (["c", "a", "d", "b"], 1), ("A, C, D, B", 5 / 6),
                                        ("B, D, A, C", 0), ("C, A, D", 3 / 6), ("", 0), ("C, C, A, D, B", 1),
                                        (42, 0)])
def test_ordering_kendall_style(value, frac):
    assert items.score_item(ORDER, value).fraction == pytest.approx(frac)


def test_validator_reports_every_problem_with_a_line(tmp_path):
    bad = tmp_path / "m9_bad.yml"
    bad.write_text("assignment: other\nitems:\n  - id: choice_1\n    kind: single\n    options: [A]\n    answer: Z\n"
                   "  - id: guess_2\n    kind: essay\n  - id: order_3\n    kind: ordering\n    answer: [A, A]\n"
                   "  - id: match_4\n    kind: matching\n    categories: [x, y]\n    answer: {a: z}\n    points: -1\n"
                   "  - id: answer_5\n    kind: reflection\n    question: frame.no-such-question\n    codes: [aca-1900-x]\n")
    report = items.validate_files([bad])
    whats = " | ".join(p.what for p in report.problems)
    assert "'assignment' is 'other'" in whats
    assert "2 or more distinct option letters" in whats and "not one of its options" in whats
    assert "kind 'essay'" in whats and "3 or more distinct step letters" in whats
    assert "unlisted category" in whats and "points -1" in whats
    assert "has no rubric" in whats and "unknown code 'aca-1900-x'" in whats
    assert all(p.line > 1 for p in report.problems if "assignment" not in p.what)
    broken = tmp_path / "m9_broken.yml"
    broken.write_text("items: [\n")
    assert not items.validate_files([broken]).ok  # a YAML error is reported, not raised


def test_missing_answer_key_is_a_plain_error(tmp_path):
    with pytest.raises(CourseError, match="no answer key"):
        items.load_items("m0_none", tmp_path)


def _nb(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_extract_reads_the_last_literal_and_never_runs_code():
    nb = _nb('answer_1 = """\n\n"""', 'answer_1 = """My answer."""\nimport os')
    ex = extract_answer(nb, "answer_1")
    assert ex.found and ex.value == "My answer." and ex.review  # extra code is shown to a person
    ex = extract_answer(_nb('choice_2 = "B"', 'choice_2 = chr(65)'), "choice_2")
    assert not ex.found and "set by code" in ex.problem
    ex = extract_answer(_nb('choice_2 = "B"', 'for choice_2 in "AB": pass'), "choice_2")
    assert not ex.found and ex.review
    ex = extract_answer(_nb('choice_2 = "B"', 'globals()["choice_2"] = "C"'), "choice_2")
    assert not ex.found
    ex = extract_answer(_nb('answer_1 = """unfinished'), "answer_1")
    assert not ex.found and "not valid Python" in ex.problem and ex.review
    ex = extract_answer(_nb('x = 1'), "answer_1")
    assert not ex.found and "missing" in ex.problem and ex.review
    # a locked (instructor) cell that mentions the name is ignored
    nb = _nb('choice_2 = "A"', 'print(globals().get("choice_2"))')
    nb.cells[1].metadata["nbgrader"] = {"grade": True, "locked": True, "solution": False, "grade_id": "c"}
    assert extract_answer(nb, "choice_2").found


def test_score_answer_clamps_and_never_raises():
    s = score_answer(SINGLE, Extracted("choice_2", True, "B"), 1)
    assert s.points == 1 and not s.review
    s = score_answer(SINGLE, Extracted("choice_2", False, None, problem="gone", review=["gone"]), 1)
    assert s.points == 0 and s.review
    bad = dict(SINGLE, kind="single", options=None)  # a broken key: reported, not raised
    s = score_answer(bad, Extracted("choice_2", True, "B"), 1)
    assert s.points == 0 and "Automatic scoring failed" in s.review[0]
    s = score_answer({"id": "answer_1", "kind": "reflection", "question": "frame.why-not-friends"},
                     Extracted("answer_1", True, ["not", "text"]), 4)
    assert s.points == 0 and s.review


def test_config_wires_scoring_outside_the_kernel():
    from course.grading.gradebook import load_config

    cfg = load_config(REPO / "grading")
    auto = [str(p) for p in cfg.Autograde.autograde_preprocessors]
    names = [p.rsplit(".", 1)[-1] for p in auto]
    assert names.index("ConfinedExecute") < names.index("ScoreFromSource") < names.index("SaveAutoGrades") \
        < names.index("RecordReview") < names.index("SanitizeNotebook") == len(names) - 1
    assert not {"Execute", "SafeExecute", "ExecutePreprocessor"} & set(names)  # no unconfined execution
    assert "course.grading.sanitize.SanitizeNotebook" in [str(p) for p in cfg.GenerateFeedback.preprocessors]
    assert cfg.HTMLExporter.sanitize_html is True and ".course-review.json" in cfg.CourseDirectory.ignore
    assert names.index("LimitOutput") < names.index("ScoreFromSource")
    assert "course.grading.pipeline.RestoreCells" in [str(p) for p in cfg.Autograde.sanitize_preprocessors]
    assert "nbgrader.preprocessors.ClearHiddenTests" in [str(p) for p in cfg.GenerateFeedback.preprocessors]
    assert cfg.OverwriteCells.add_missing_cells is True
    assert 0 < cfg.Execute.timeout <= 30
    root = Path(cfg.CourseDirectory.root)
    assert root == REPO / "grading" and Path(cfg.Exchange.root).parent == root
    assert cfg.ClearSolutions.code_stub == {"python": ""}
