"""Hardening: what a learner might type, what an author might save, what a disk might do.

Every case here was tried by hand first; each test fails without the fix it guards.
"""
from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path

import pytest

from course import paths, play, progress, self_check
from course.errors import CourseError
from course.recorder import record, set_recorder
from course.scenes import list_vignettes, load_vignette, resolve, validate_files as validate_vignettes
from course.questions import validate_files as validate_questions

FIX = Path(__file__).parent / "fixtures"
MINIMAL = FIX / "vignettes" / "ok" / "transference" / "fixture-minimal.yml"
GOOD_QUESTIONS = FIX / "questions" / "good" / "frame.yml"
TIRED = "transference/are-you-tired-of-me"
PROBLEM_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<what>.+?); (?P<fix>.+)$", re.S)




# ----------------------------------------------------------------- what a learner types
@pytest.mark.parametrize("typed", [
    "transference/are-you-tired-of-me", "Transference/Are-You-Tired-Of-Me", "are-you-tired-of-me",
    "transference/are_you_tired_of_me", "transference/are-you-tired-of-me.yml", "are-you-tired-of-me.yml",
    "transference\\are-you-tired-of-me", "transference.are-you-tired-of-me", " 'transference/are-you-tired-of-me' ",
])
def test_play_forgives_case_underscores_suffix_and_separators(typed, rec):
    assert resolve(typed) == resolve(TIRED)
    assert play(typed).vignette.ref == TIRED


@pytest.mark.parametrize("typed, says", [
    (3, "in quotes"), (None, "in quotes"), ("", "No vignette was named"),
    ("transference", "is a module; name one of its vignettes"),
    ("transference/are-you-tired", "Did you mean 'transference/are-you-tired-of-me'?"),
    ("are-you-tired-of-mee", "Did you mean 'transference/are-you-tired-of-me'?"),
])
def test_play_explains_what_cannot_be_guessed(typed, says, rec):
    with pytest.raises(CourseError) as e:
        play(typed)
    assert says in str(e.value)
    assert not rec.events  # nothing recorded for a vignette that never started


def test_play_mode_is_forgiving_about_case_and_plain_about_the_rest(rec):
    assert play(TIRED, mode="Discussion").mode == "discussion"
    assert play(TIRED, mode=" SOLO ").mode == "solo"
    with pytest.raises(CourseError, match='mode="discussion"'):
        play(TIRED, mode=1)


@pytest.mark.parametrize("typed, n", [
    ("Frame", None), ("frame.yml", None), (" frame ", None), ("FRAME.Asymmetry", 1), ("frame/asymmetry", 1),
    ("frame.asymmetry.", 1),
])
def test_self_check_forgives_case_slashes_and_suffix(typed, n):
    sc = self_check(typed)
    assert len(sc) == (n or len(self_check("frame")))


@pytest.mark.parametrize("typed, says", [
    ("frame.asymetry", "Did you mean 'frame.asymmetry'?"), ("frame.nonexistent", "Its questions are"),
    ("framee", "Did you mean 'frame'?"), (3, "in quotes"), ("", "No module or question was named"),
])
def test_self_check_explains_what_cannot_be_guessed(typed, says):
    with pytest.raises(CourseError) as e:
        self_check(typed)
    assert says in str(e.value)


# ----------------------------------------------------------------- what a learner clicks
def test_discussion_double_click_on_follow_moves_one_scene_only(rec):
    p = play(TIRED, mode="discussion")
    p.reveal.click()
    button = p.follow_buttons[0]
    button.click()
    button.click()  # the second click of a double click reaches the kernel after the move
    assert len(p.walk.path) == 2 and len(rec.of_kind("discussion.step")) == 1


def test_restart_at_the_start_records_nothing_and_restart_at_an_ending_starts_over(rec):
    p = play(TIRED)
    p.restart_button.click()  # disabled in the page; a double click can still deliver it
    assert not rec.of_kind("vignette.restart")
    for _ in range(20):  # follow the helpful choice to an ending (choice 0 of the file may loop)
        if p.walk.is_ending:
            break
        p.choose(next(i for i, c in enumerate(p.walk.scene.choices) if c.quality == "helpful"))
        p.continue_button.click()
    assert p.walk.is_ending
    p.restart_button.click()
    p.restart_button.click()
    assert p.walk.path == [p.vignette.start] and len(rec.of_kind("vignette.restart")) == 1
    assert p.choices in p.children and not p.choices.disabled


def test_choose_out_of_range_is_plain_guidance(rec):
    p = play(TIRED)
    with pytest.raises(CourseError, match="no choice number 9"):
        p.choose(9)


def test_continue_button_carries_the_quality_for_screen_readers(rec):
    p = play(TIRED)
    v = load_vignette(TIRED)
    harmful = [i for i, c in enumerate(v.scenes[v.start].choices) if c.quality == "harmful"][0]
    p.choose(harmful)
    assert p.continue_button.tooltip.startswith("Harmful response")


def test_self_check_double_click_records_one_answer(rec):
    sc = self_check("frame.asymmetry")
    q = sc[0]
    q.select([q.question.correct_ids[0]])
    q.check_button.click()
    q.check_button.click()
    assert len(rec.of_kind("selfcheck.answer")) == 1
    q.retry_button.click()
    q.select([q.question.correct_ids[0]])
    q.check_button.click()
    assert len(rec.of_kind("selfcheck.answer")) == 2


# ----------------------------------------------------------------- what an author saves
BASE = MINIMAL.read_text(encoding="utf-8")
SELF_LOOP = BASE.replace('next: good-end\n        quality: helpful\n        feedback: "Better late',
                         'next: middle\n        quality: helpful\n        feedback: "Better late') \
                .replace("next: opening\n", "next: middle\n")

# name -> (file bytes or text, expected line, words the problem must contain)
AUTHOR_MISTAKES = {
    "tabs": (BASE.replace("  opening:\n    lines:", "  opening:\n\tlines:"), 16, "spaces, not tabs"),
    "empty": ("", 1, "this one is empty"),
    "a-list": ("- id: x\n- title: y\n", 1, "this one is a list"),
    "latin1": (BASE.replace("Sam Lee", "Sam Lé").encode("cp1252"), 1, "not UTF-8"),
    "scene-space": (BASE.replace("  middle:", "  the middle:").replace("next: middle", "next: the middle"),
                    37, "'the middle' is not lowercase-with-hyphens"),
    "self-loop": (SELF_LOOP, 37, "middle -> middle form a loop"),
    "no-client": (re.sub(r"client:\n(  .*\n)+", "", BASE), 3, "has no 'client'"),
    "number-name": (BASE.replace("name: Sam Lee", "name: 12"), 9, "must be text, but it is the number 12"),
    "number-feedback": (BASE.replace('feedback: "Exploring opens the question."', "feedback: 3.5"), 24,
                        "'feedback' must be text"),
    "yes-text": (BASE.replace('text: "Okay."', "text: yes"), 40, "YAML reads yes/no"),
    "codes-string": (BASE.replace("codes: [aca-2014-a4b]", "codes: aca-2014-a4b"), 31,
                     "put it in square brackets: codes: [aca-2014-a4b]"),
    "concept-list-in-list": (BASE.replace("concepts: [validation]", "concepts: [[validation]]"), 30,
                             "is a list, not an id"),
    "start-list": (BASE.replace("start: opening", "start: [opening]"), 13, "'start' must name one scene"),
    "self-alias": ("a: &a [*a]\n", 1, "alias to itself"),
    "alias-bomb": ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\n" for p, k in zip("abcdefg", "bcdefgh")), 2,
        "expand to millions"),
    "bad-date": (BASE.replace("age: 30", "age: 2020-13-45"), 10, "month must be in 1..12"),
    "huge": (BASE + "# " + "x" * 1_100_000 + "\n", 1, "far larger than any course file"),
    "bool-scene-id": (BASE.replace("  middle:\n", "  yes:\n", 1), 37, "YAML reads yes/no"),
}
# these must be accepted as they are
AUTHOR_OK = {
    "bom": "\ufeff" + BASE,
    "crlf": BASE.replace("\n", "\r\n"),
}


def _write(folder: Path, name: str, content) -> Path:
    f = folder / f"{name}.yml"
    if isinstance(content, bytes):
        f.write_bytes(content.replace(b"fixture-minimal", name.encode()))
    else:
        f.write_text(content.replace("fixture-minimal", name), encoding="utf-8", newline="")
    return f


def test_every_author_mistake_is_path_line_what_fix_in_one_run(tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    files = {n: _write(folder, n, c) for n, (c, _, _) in AUTHOR_MISTAKES.items()}
    files.update({n: _write(folder, n, c) for n, c in AUTHOR_OK.items()})
    report = validate_vignettes(list(files.values()))
    by_file: dict[str, list] = {}
    for p in report.problems:
        m = PROBLEM_RE.match(str(p))
        assert m, f"not 'path:line: what; fix': {p}"
        assert "could not be checked" not in p.what and "Error" not in p.what, f"a crash leaked out: {p}"
        by_file.setdefault(Path(p.path).stem, []).append(p)
    for name in AUTHOR_OK:
        assert name not in by_file, f"{name} is valid but got {by_file.get(name)}"
    for name, (_, line, words) in AUTHOR_MISTAKES.items():
        found = by_file.get(name, [])
        assert any(words in f"{p.what}; {p.fix}" and p.line == line for p in found), \
            f"{name}: expected line {line} with '{words}', got {[str(p) for p in found]}"


def test_a_bad_vignette_never_reaches_the_learner_as_a_traceback(tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    f = _write(folder, "start-list", AUTHOR_MISTAKES["start-list"][0])
    with pytest.raises(CourseError) as e:
        play(f)
    assert "start-list.yml:13:" in str(e.value)


QBASE = GOOD_QUESTIONS.read_text(encoding="utf-8")
QUESTION_MISTAKES = {
    "empty": ("", 1, "this one is empty"),
    "number-prompt": (QBASE.replace('prompt: "Why is the counseling relationship deliberately one-sided?"',
                                    "prompt: 42"), 6, "'prompt' must be text, but it is the number 42"),
    "number-option": (QBASE.replace('text: "A regular meeting time and length."', "text: 5"), 28,
                      "'text' must be text"),
    "codes-string": (QBASE.replace("codes: [aca-2014-a5d]", "codes: aca-2014-a5d"), 22,
                     "codes: [aca-2014-a5d]"),
    "bad-date": (QBASE.replace("id: asymmetry", "id: 2020-13-45"), 4, "month must be in 1..12"),
    "self-alias": ("a: &a [*a]\n", 1, "alias to itself"),
}


def test_every_question_file_mistake_is_path_line_what_fix_in_one_run(tmp_path):
    files = []
    for name, (content, _, _) in QUESTION_MISTAKES.items():
        d = tmp_path / name
        d.mkdir()
        (d / "frame.yml").write_text(content, encoding="utf-8")
        files.append(d / "frame.yml")
    report = validate_questions(files)
    for name, (_, line, words) in QUESTION_MISTAKES.items():
        found = [p for p in report.problems if Path(p.path).parent.name == name]
        assert all(PROBLEM_RE.match(str(p)) and "checker could not read" not in p.what for p in found)
        assert any(words in str(p) and p.line == line for p in found), \
            f"{name}: expected line {line} with '{words}', got {[str(p) for p in found]}"


def test_course_validate_reports_every_file_in_one_run(tmp_path, capsys):
    from course.cli import main

    folder = tmp_path / "transference"
    folder.mkdir()
    for name in ("start-list", "bad-date", "self-alias", "codes-string"):
        _write(folder, name, AUTHOR_MISTAKES[name][0].replace("a: &a", "scenes: 1\na: &a"))
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    for name in ("start-list", "bad-date", "self-alias", "codes-string"):
        assert f"{name}.yml:" in out, out
    assert "Traceback" not in out


HOSTILE_YAML = {   # what an author can do by accident to ANY content file: path:line, never a traceback
    "bad-date": ("concepts:\n  - id: ok\n    since: 2020-13-45\n", 3, "month must be in 1..12"),
    "self-alias": ("concepts: &a [*a]\n", 1, "alias to itself"),
    "alias-bomb": ("concepts: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\n" for p, k in zip("abcdefg", "bcdefgh")), 2,
        "expand to millions"),
    "not-utf8": (b"concepts:\n  - id: caf\xe9\n", 1, "not UTF-8"),
}


@pytest.mark.parametrize("validator", ["course.rubric", "course.grading.items", "course.lens", "course.codes",
                                       "course.case"])
def test_every_content_loader_turns_hostile_yaml_into_path_line(tmp_path, validator):
    """The rubric, answer-key, lens, registry and case validators read through the same hardened
    loader as vignettes and questions (course.yamlio): the same mistakes, the same plain lines."""
    import importlib

    validate_files = importlib.import_module(validator).validate_files
    files = []
    for name, (content, _, _) in HOSTILE_YAML.items():
        f = tmp_path / f"{name}.yml"
        f.write_bytes(content if isinstance(content, bytes) else content.encode())
        files.append(f)
    report = validate_files(files)
    for name, (_, line, words) in HOSTILE_YAML.items():
        found = [p for p in report.problems if Path(p.path).stem == name]
        assert any(words in str(p) and p.line == line for p in found), \
            f"{validator} {name}: expected line {line} with '{words}', got {[str(p) for p in found]}"
        assert all(PROBLEM_RE.match(str(p)) and "Traceback" not in str(p) for p in found)


def test_course_validate_never_passes_a_folder_it_did_not_check(tmp_path, capsys):
    """An empty or unrecognisable .yml in a folder is a problem, not silently skipped; a folder with
    nothing to check is not "All good"."""
    from course.cli import main

    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    (tmp_path / "notes.yml").write_text("title: my notes\n", encoding="utf-8")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yml").write_text("on: push\n", encoding="utf-8")   # hidden: not content
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "empty.yml:1: the file is empty" in out
    assert "notes.yml:1: cannot tell what kind of course file this is" in out
    assert "ci.yml" not in out and "All good" not in out
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    assert main(["validate", str(nothing)]) == 1
    out = capsys.readouterr().out
    assert "Nothing to check" in out and "All good" not in out


# ----------------------------------------------------------------- what a disk does


def test_disk_full_at_open_keeps_the_store_and_says_so(store_dir, monkeypatch):
    record("module.complete", "frame", "")
    progress._reset_default_for_tests()
    set_recorder(None)

    def full(self, conn):
        raise sqlite3.OperationalError("database or disk is full")

    check = progress.ProgressStore._check
    monkeypatch.setattr(progress.ProgressStore, "_check", full)
    record("module.complete", "power", "")            # still works, in memory
    assert isinstance(progress.current_recorder(), progress.SessionRecorder)
    assert not list(store_dir.glob("progress.unreadable-*")), "a good store was moved aside for a full disk"
    assert [n for n in progress.notices() if "disk is full" in n]
    monkeypatch.setattr(progress.ProgressStore, "_check", check)
    progress._reset_default_for_tests()
    set_recorder(None)
    assert [e.module for e in progress.current_events()] == ["frame"]   # the old record is intact


class _FullConnection:
    def __init__(self, real):
        self.real = real
        self.in_transaction = False

    def execute(self, *a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    def close(self):
        self.real.close()


def test_count_and_forget_on_a_failing_disk_are_plain(store_dir, capsys):
    from course.cli import main

    record("module.complete", "frame", "")
    store = progress.current_recorder()
    store._conn = _FullConnection(store._conn)
    assert store.count() == 0      # no exception: nothing can be read now, and the notice says why
    assert [n for n in progress.notices() if "could not be read" in n]
    with pytest.raises(CourseError, match="could not be erased"):
        progress.forget()
    assert main(["progress", "--forget", "--yes"]) == 2   # one line, no traceback
    assert "could not be erased" in capsys.readouterr().err


# ----------------------------------------------------------------- privacy
LEARNER_SIDE = ["course/scenes.py", "course/player.py", "course/figures/vignette_map.py", "course/questions.py",
                "course/progress.py", "course/dashboard.py", "course/figures/progress.py",
                "course/commands/progress.py", "course/orientation.py", "course/recorder.py"]
NETWORK = {"urllib", "urllib2", "urllib3", "requests", "http", "httpx", "socket", "ssl", "ftplib", "smtplib",
           "aiohttp", "websocket", "websockets", "xmlrpc", "telnetlib", "poplib", "imaplib", "webbrowser"}


@pytest.mark.parametrize("rel", LEARNER_SIDE)
def test_learner_side_code_has_no_network_use(rel):
    tree = ast.parse((paths.REPO_ROOT / rel).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names = [getattr(node.args[0], "value", "")] if node.args else []
        for n in names:
            assert str(n).split(".")[0] not in NETWORK, f"{rel}:{node.lineno} imports {n}"
    assert not re.search(r"https?://", (paths.REPO_ROOT / rel).read_text(encoding="utf-8")), \
        f"{rel} names a web address"


def test_export_holds_only_the_learners_own_records(store_dir, tmp_path):
    record("vignette.step", "frame", "v", vignette="frame/v", quality="helpful", concepts=["frame"])
    record("selfcheck.answer", "frame", "asymmetry", question="frame.asymmetry", answer=["a"], correct=True,
           score=1.0, concepts=["asymmetry"])
    # another learner's store on the same machine must not leak into this export
    other = tmp_path / "someone-else"
    other_store = progress.ProgressStore(other)
    from course.recorder import Event

    other_store.record(Event("vignette.step", "frame", "v", {"note": "OTHER-LEARNER"}))
    other_store.close()
    doc = json.loads(progress.export_json(tmp_path / "mine.json").read_text(encoding="utf-8"))
    assert set(doc) == {"format", "schema_version", "exported_at", "saved_in", "event_count", "summary", "events"}
    assert doc["event_count"] == 2 and [e["kind"] for e in doc["events"]] == ["vignette.step", "selfcheck.answer"]
    assert "OTHER-LEARNER" not in json.dumps(doc)
    for e in doc["events"]:
        assert set(e) <= {"kind", "module", "item", "data", "at"}


# ----------------------------------------------------------------- accessibility (no browser)
def test_vignette_map_has_alt_text_and_the_whole_map_in_words():
    import html

    from course.figures.vignette_map import scene_names, vignette_map

    v = load_vignette(TIRED)
    page = vignette_map(TIRED)._repr_html_()
    assert re.search(r'<img [^>]*alt="Map of [^"]+: 10 scenes, 15 choices, 5 endings', page)
    assert "<details><summary>The map in words</summary>" in page  # keyboard operable, natively
    names = scene_names(v)
    for sid, scene in v.scenes.items():
        assert html.escape(names[sid]) in page and f">{sid}" not in page   # human names, not scene ids
        for c in scene.choices:
            assert f"({c.quality}) leads to {html.escape(names[c.next])}" in page   # quality in words, not only colour


def test_every_feedback_panel_is_a_live_region_and_says_quality_in_words(rec):
    p = play(TIRED)

    def helpful() -> int:
        return next(i for i, c in enumerate(p.walk.scene.choices) if c.quality == "helpful")

    p.choose(helpful())
    assert 'role="status"' in p.feedback.value and "Helpful response" in p.feedback.value
    for _ in range(20):
        if p.walk.is_ending:
            break
        p.continue_button.click()
        if not p.walk.is_ending:
            p.choose(helpful())
    p.continue_button.click()
    assert 'role="status"' in p.ending.value and "outcome" in p.ending.value
    q = self_check("frame.asymmetry")[0]
    q.check()  # nothing chosen
    assert "role='status'" in q.feedback.value
    wrong = [o.id for o in q.question.options if not o.correct][0]
    q.select([wrong])
    q.check()
    assert "role='status'" in q.feedback.value and "Not this one" in q.feedback.value


# ----------------------------------------------------------------- restart- and reload-proof notebooks
REPO_ROOT = Path(__file__).resolve().parents[1]
STUDENT_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _code_cells(path: Path):
    import nbformat

    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.name)
def test_every_student_cell_imports_what_it_uses(path):
    """After Kernel > Restart a student may run any single cell: none may lean on another cell."""
    import sys

    sys.path.insert(0, str(REPO_ROOT / "tools" / "notebook_src"))
    from selfcontained import missing_names

    leaning = {i: missing_names(c.source) for i, c in enumerate(_code_cells(path)) if missing_names(c.source)}
    assert leaning == {}, f"cells that use names from other cells: {leaning}"


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.name)
def test_widget_cells_have_their_code_folded_and_no_map_before_play(path):
    for c in _code_cells(path):
        typed = any(m in c.source for m in ('"""', "practice_button()", "check_template("))
        assert c.metadata.get("jupyter", {}).get("source_hidden", False) is (not typed), c.source[:80]
        assert "vignette_map(" not in c.source, "Run All must not draw a map before the student has played"
        assert "done_button" not in c.source and "record(" not in c.source, "completion is one call"


def test_each_cell_runs_alone_in_a_fresh_namespace(tmp_path, monkeypatch):
    """Every cell of every student notebook, run with the kernel's names wiped before it (what a
    restart does to them), runs without an error."""
    from nbclient import NotebookClient
    import nbformat

    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "progress"))
    cells = []
    for path in STUDENT_NOTEBOOKS:
        for c in _code_cells(path):
            if '"""' in c.source or "check_template(" in c.source:
                continue                      # the start notebook's practice answer: a typed cell
            cells.append(nbformat.v4.new_code_cell("%reset -f\n" + c.source))
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(REPO_ROOT / "notebooks")}}).execute()
    errors = [(c.source.splitlines()[1][:60], o.get("ename"), o.get("evalue"))
              for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_name_and_module_errors_become_the_course_alert_and_still_fail_the_cell():
    """After `import course`, a NameError or ModuleNotFoundError shows the plain alert with a fix,
    and the cell still carries an error record (one plain line) so nbgrader never counts it as run."""
    from nbclient import NotebookClient
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import course"),
        nbformat.v4.new_code_cell("check_template('practice_answer')"),
        nbformat.v4.new_code_cell("import course_helpers_that_do_not_exist"),
    ])
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    for cell, words in ((nb.cells[1], "check_template&#x27;, which an earlier cell sets up"),
                        (nb.cells[2], "is not installed")):
        kinds = [o.output_type for o in cell.outputs]
        assert kinds == ["display_data", "error"], kinds
        html = cell.outputs[0].data["text/html"]
        assert "Something needs your attention" in html and words in html and "role=\"alert\"" in html
        assert cell.outputs[1].traceback == ["This cell stopped before the end: see the note above."]
