"""Self-checks say what the grader will read (issue 14, item 1: no false success).

The check of a graded answer (course/selfcheck.py) and the start notebook's practice check
(course/orientation.py) judge the answer cell's text as last run in the kernel, never the
variable the kernel still holds.
"""
from __future__ import annotations

import nbformat
import pytest

from course import selfcheck
from course.orientation import template_message

GOOD = '# Type your reflection between the triple quotes. Do not delete the quotes.\nanswer_1 = """\n' + \
       "Jordan can receive the request warmly and explain that the hour is Priya's, which is why he will " \
       "not meet her for lunch. " * 3 + '\n"""\n'
BLANK = '# Type your reflection between the triple quotes. Do not delete the quotes.\nanswer_1 = """\n\n"""\n'
NO_CLOSING = GOOD.rstrip().removesuffix('"""') + "\n"          # the closing quotes deleted
NO_QUOTES = GOOD.replace('"""', "")                            # both sets deleted


def test_blank_template_is_called_blank():
    v = selfcheck.verdict_for("answer_1", history=[BLANK])
    assert not v.ready and "still blank" in v.message
    assert not v.alert  # blank is the next step, not an alert (Run All on a fresh notebook is normal)


@pytest.mark.parametrize("src", [NO_CLOSING, NO_QUOTES], ids=["closing-quotes-deleted", "all-quotes-deleted"])
def test_deleted_quotes_say_unreadable_and_how_to_fix(src):
    v = selfcheck.verdict_for("answer_1", history=[GOOD, src])
    assert not v.ready
    assert "cannot read this answer" in v.message and "Put the template back" in v.message
    assert "words" not in v.message and "Saved" not in v.message
    assert v.alert


def test_filled_answer_counts_words():
    v = selfcheck.verdict_for("answer_1", history=[BLANK, GOOD])
    words = len(GOOD.split('"' * 3)[1].split())
    assert v.ready and f"({words} words" in v.message


def test_nothing_run_yet_says_run_the_answer_cell():
    v = selfcheck.verdict_for("answer_1", history=['from course.selfcheck import check_answer\ncheck_answer("answer_1")'])
    assert not v.ready and "Shift+Enter" in v.message


@pytest.mark.parametrize("name,form,src,ready,words", [
    ("choice_2", {"options": "ABCD"}, 'choice_2 = ""', False, "no answer yet"),
    ("choice_2", {"options": "ABCD"}, 'choice_2 = " b "', True, "(B)"),
    ("choice_2", {"options": "ABCD"}, 'choice_2 = "E"', False, "not one of the letters"),
    ("choice_2", {"options": "ABCD"}, 'choice_2 = "B', False, "cannot read"),
    ("multi_3", {"options": "ABCDE"}, 'multi_3 = "a, c; B"', True, "(A, C, B)"),
    ("multi_3", {"options": "ABCDE"}, 'multi_3 = "A, F"', False, "F is not one"),
    ("order_5", {"steps": "ABCD"}, 'order_5 = "D, C, B, A"', True, "(D, C, B, A)"),
    ("order_5", {"steps": "ABCD"}, 'order_5 = "D, C, B"', False, "exactly once"),
    ("match_4", {"statements": "ab", "choices": ["transference", "boundary crossing"]},
     'match_4 = {"a": "Transference", "b": "boundary-crossing"}', True, "every statement"),
    ("match_4", {"statements": "ab", "choices": ["transference", "boundary crossing"]},
     'match_4 = {"a": "", "b": ""}', False, "no answer yet"),
    ("match_4", {"statements": "ab", "choices": ["transference", "boundary crossing"]},
     'match_4 = {"a": "transference", "b": "friendship"}', False, "not one of the choices: b"),
    ("answer_1", {}, 'answer_1 = hello', False, "not written between quotes"),
    ("answer_1", {}, 'answer_1 = " ".join(["a", "b"])', False, "not written between quotes"),
])
def test_structured_forms(name, form, src, ready, words):
    v = selfcheck.verdict_for(name, history=[src], **form)
    assert v.ready is ready and words in v.message, v.message


def test_reader_agrees_with_the_grader():
    """The check reads a cell exactly as course.grading.pipeline.extract_answer does."""
    from course.grading.pipeline import extract_answer

    sources = [GOOD, BLANK, NO_CLOSING, NO_QUOTES, 'choice_2 = "B"', "choice_2: str = 'C'", 'choice_2 = x',
               'choice_2 = "A"\nchoice_2 = "D"', 'choice_2 = "A"\nfor choice_2 in "B": pass',
               'import choice_2', 'match_4 = {"a": "transference"}', 'multi_3 = ["A", "C"]',
               'answer_1 = """text"""\nprint(answer_1)', 'order_5 = "A, B"\ndel order_5']
    for src in sources:
        name = next(n for n in ("answer_1", "choice_2", "match_4", "multi_3", "order_5") if n in src)
        cell = nbformat.v4.new_code_cell(src)
        cell.metadata["nbgrader"] = {"grade": False, "grade_id": name, "locked": False, "solution": True,
                                     "schema_version": 3, "task": False}
        grader = extract_answer(nbformat.v4.new_notebook(cells=[cell]), name)
        mine = selfcheck.read_answer(name, src)
        assert (mine.status == "ok") == grader.found, src
        if grader.found:
            assert mine.value == grader.value, src


def test_a_stale_kernel_variable_does_not_hide_broken_source():
    """The bug in the issue: the kernel still holds the old value after the cell stopped parsing."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell(GOOD, store_history=True)
        assert isinstance(shell.user_ns.get("answer_1"), str) and shell.user_ns["answer_1"].strip()
        shell.run_cell(NO_CLOSING, store_history=True)        # SyntaxError: the variable stays as it was
        assert shell.user_ns["answer_1"].strip()
        v = selfcheck.verdict_for("answer_1")                # reads this shell's history
        assert not v.ready and "cannot read" in v.message
        shell.run_cell(GOOD, store_history=True)
        assert selfcheck.verdict_for("answer_1").ready
        # the start notebook's practice check, same shell
        shell.run_cell('practice_answer = """A counselor is not a friend: the hour belongs to the client alone."""',
                       store_history=True)
        assert template_message()[0]
        shell.run_cell('practice_answer = A counselor is not a friend"""', store_history=True)
        ready, msg = template_message()
        assert not ready and "cannot read" in msg and "Saved" not in msg and "words" not in msg
    finally:
        InteractiveShell.clear_instance()


def test_practice_template_blank_and_restart():
    assert template_message(history=['practice_answer = """type your answer here"""']) == (
        False, template_message(history=['practice_answer = """"""'])[1])
    assert "still empty" in template_message(history=['practice_answer = """type your answer here"""'])[1]
    ready, msg = template_message(history=[])      # after a restart nothing has run yet
    assert not ready and "Run the answer cell above first" in msg


def test_validate_mode_writes_a_plain_failure_to_stderr(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    selfcheck.show(selfcheck.verdict_for("answer_1", history=[BLANK]))
    selfcheck.show(selfcheck.verdict_for("choice_2", options="ABCD", history=['choice_2 = "B"']))
    out, err = capsys.readouterr()
    assert "Question 1: still blank" in err and "Traceback" not in err
    assert "Question 2" in out and "Question 2" not in err
