"""The ethics-code lens (course.lens): the setting, its fallback, ordering, the topic data and
its validation, and the widgets that follow a change of lens."""
from __future__ import annotations

import sqlite3
import textwrap

import pytest

from course import lens, progress
from course.codes import cite
from course.errors import CourseError
from course.lens import ALL, CORRUPT_NOTICE, get_lens, order_codes, set_lens


def _lens_notices() -> list[str]:
    return [n for n in progress.notices() if "ethics code" in n]


@pytest.fixture(autouse=True)
def _fresh_state():
    lens._STATE = None          # the kernel-wide observable starts fresh per test
    yield
    lens._STATE = None


# --------------------------------------------------------------------------- the setting
def test_default_is_show_all_without_a_notice():
    assert get_lens() == ALL
    assert _lens_notices() == []


def test_set_and_get_are_kept_in_the_progress_store_and_survive_a_new_session(_private_progress_dir):
    from course.recorder import record, set_recorder

    record("module.complete", "frame", "frame")
    assert set_lens("APA") == "apa"
    assert get_lens() == "apa"
    # a new kernel: fresh default store on the same folder
    set_recorder(None)
    progress._reset_default_for_tests()
    assert get_lens() == "apa"
    assert set_lens(" show all ") == ALL and get_lens() == ALL
    # the setting lives beside the records and leaves them alone
    assert [e.kind for e in progress.current_events()] == ["module.complete"]
    with sqlite3.connect(_private_progress_dir / progress.DB_NAME) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'setting.lens'").fetchone() == ("all",)


def test_an_unknown_choice_is_a_plain_error_and_changes_nothing():
    set_lens("nasw")
    with pytest.raises(CourseError, match="not one of the codes"):
        set_lens("ABC")
    assert get_lens() == "nasw"


def test_memory_only_progress_keeps_the_lens_for_the_session(rec):
    set_lens("bacp")
    assert get_lens() == "bacp"


def test_a_corrupt_setting_falls_back_to_show_all_with_one_notice():
    progress.set_setting("lens", "\u00ff\x00 not a code")
    assert get_lens() == ALL
    assert get_lens() == ALL
    assert order_codes(["aca-2014-a5c", "apa-2017-1008a"]) == ["aca-2014-a5c", "apa-2017-1008a"]
    assert _lens_notices() == [CORRUPT_NOTICE]


def test_an_unreadable_store_falls_back_to_show_all_with_one_notice(monkeypatch):
    def broken(_key):
        raise progress.SettingUnreadable("database disk image is malformed")

    monkeypatch.setattr(progress, "get_setting", broken)
    assert get_lens() == ALL and get_lens() == ALL
    assert _lens_notices() == [CORRUPT_NOTICE]


def test_choosing_again_after_a_corrupt_setting_repairs_it():
    progress.set_setting("lens", "42")
    assert get_lens() == ALL
    set_lens("aamft")
    assert get_lens() == "aamft"
    assert len(_lens_notices()) == 1


# --------------------------------------------------------------------------- ordering
IDS = ["aca-2014-a11c", "nasw-2021-116", "apa-2017-1010c", "aca-2014-a12", "apa-2017-1010a", "bacp-2018-39"]


def test_order_codes_puts_the_learners_code_first_and_keeps_the_rest_in_order():
    assert order_codes(IDS) == IDS                         # show all: unchanged
    set_lens("apa")
    assert order_codes(IDS) == ["apa-2017-1010c", "apa-2017-1010a", "aca-2014-a11c", "nasw-2021-116",
                                "aca-2014-a12", "bacp-2018-39"]
    assert order_codes(IDS, lens="aca") == ["aca-2014-a11c", "aca-2014-a12", "nasw-2021-116", "apa-2017-1010c",
                                            "apa-2017-1010a", "bacp-2018-39"]
    assert order_codes(IDS, lens="aamft") == IDS           # no code of theirs here: unchanged
    assert order_codes([]) == [] and order_codes(None) == []


def test_vignette_feedback_cites_the_learners_code_first(rec):
    from course import play

    def feedback_codes(p) -> str:
        return p.feedback.value.split("Codes:</strong>", 1)[1]

    p = play("termination/only-until-may")
    scene = p.walk.scene
    index = next(i for i, c in enumerate(scene.choices) if c.next == "hearing-it")  # the helpful news-breaking
    assert index in [v for _, v in p.choices.options]
    p.choices.value = index
    p.say.click()
    aca, apa = cite("aca-2014-a11c"), cite("apa-2017-1010c")
    text = feedback_codes(p)
    assert text.index(aca) < text.index(apa)               # show all: as authored
    set_lens("apa")
    p.back_button.click()
    p.choices.value = index
    p.say.click()
    text = feedback_codes(p)
    assert text.index(apa) < text.index(aca)


def test_self_check_feedback_cites_the_learners_code_first():
    from course.questions import grade, load_questions, render_feedback

    q = next(q for q in load_questions("countertransference")
             if list(q.codes) == ["aca-2014-c2g", "apa-2017-206a", "apa-2017-206b"])
    result = grade(q, [q.options[0].id])
    see = lambda: render_feedback(q, result).split("See: ", 1)[1]   # noqa: E731
    assert see().index(cite("aca-2014-c2g")) < see().index(cite("apa-2017-206a"))
    set_lens("APA")
    assert see().index(cite("apa-2017-206a")) < see().index(cite("aca-2014-c2g"))


# --------------------------------------------------------------------------- the topic data
def test_the_shipped_topics_validate_and_are_routed_by_course_validate():
    from course.validation import validate

    assert lens.validate_files([lens.DIFFERENCES_FILE]).ok
    report = validate([lens.DIFFERENCES_FILE])
    assert report.ok and report.counts.get("code-difference topics", 0) >= 5
    for t in ("former-client-sexual", "friendship-after-ending", "multiple-relationships", "social-media", "gifts"):
        assert lens.topic(t)["codes"]


BAD = textwrap.dedent("""\
    topics:
      ok-topic:
        title: A topic
        intro: Fine.
        codes:
          aca:
            text: Fine.
            cites: [aca-2014-a5c]
          apa:
            text: Cites another code's section.
            cites: [apa-2017-1008a, nasw-2021-109c]
      Bad_Topic:
        title: Bad
        intro: Bad.
        colour: blue
        codes:
          acaa:
            text: Misspelt code.
            cites: [aca-2014-a5c]
          nasw:
            text: ""
            cites: [nasw-2099-zz]
          bacp:
            text: Cites nothing.
            cites: []
      lonely:
        title: One code only
        intro: Nothing to compare.
        codes:
          aca:
            text: Alone.
            cites: [aca-2014-a5c]
    """)


def test_validation_errors_name_file_line_and_fix(tmp_path):
    f = tmp_path / "code_differences.yml"
    f.write_text(BAD, encoding="utf-8")
    problems = {(p.line, p.what.split(",")[0]): p for p in lens.validate_files([f]).problems}
    by_line = {line for line, _ in problems}
    assert 11 in by_line     # nasw id under apa
    assert 12 in by_line     # topic id not lowercase-with-hyphens
    assert 15 in by_line     # unknown field 'colour'
    assert 17 in by_line     # unknown code 'acaa'
    assert 21 in by_line     # nasw with empty text
    assert 22 in by_line     # unknown citation id
    assert 25 in by_line     # bacp cites nothing
    assert 29 in by_line     # a topic with one code
    for p in problems.values():
        assert str(p).startswith(f"{f}:{p.line}: ") and p.fix
    text = "\n".join(str(p) for p in problems.values())
    assert "nasw-2021-109c', which belongs to another code" in text
    assert "nasw-2099-zz', which is not in codes.yml" in text


def test_a_yaml_syntax_error_is_reported_at_its_line(tmp_path):
    f = tmp_path / "code_differences.yml"
    f.write_text("topics:\n  a:\n    title: [unclosed\n", encoding="utf-8")
    [p] = lens.validate_files([f]).problems
    assert p.line >= 3 and "YAML syntax" in p.what


def test_an_unknown_topic_is_a_plain_error():
    with pytest.raises(CourseError, match="no code-comparison topic called 'socials'"):
        lens.your_code("socials")


# --------------------------------------------------------------------------- widgets follow the lens
def _mine(html: str) -> list[str]:
    import re

    return re.findall(r'class="course-lens-row course-lens-row-mine" data-code="(\w+)"', html)


def test_widgets_re_render_when_the_lens_changes_and_progress_is_kept():
    from course.recorder import record

    record("module.complete", "termination", "termination")
    table = lens.comparison_table("former-client-sexual")
    box = lens.your_code("friendship-after-ending")
    assert _mine(table.value) == [] and 'data-lens="all"' in box.value
    picker_box = lens.choose_lens()
    picker, status = picker_box.children
    assert picker.value == ALL and [v for _, v in picker.options][0] == ALL

    picker.value = "aca"                                   # what a click does
    assert get_lens() == "aca"
    assert _mine(table.value) == ["aca"] and "(your code)" in table.value
    assert 'data-lens="aca"' in box.value and "ACA Code of Ethics (2014), A.6.e" in box.value
    assert "Saved." in status.value

    picker.value = "apa"
    assert _mine(table.value) == ["apa"]
    assert 'data-lens="apa"' in box.value
    assert box.value.index("APA Ethical Principles") < box.value.index("How the other codes compare")
    assert [e.kind for e in progress.current_events()] == ["module.complete"]


def test_a_change_made_in_another_notebook_reaches_this_one_on_the_next_read():
    table = lens.comparison_table("former-client-sexual")
    picker = lens.choose_lens().children[0]
    progress.set_setting("lens", "bacp")                  # another kernel saved a choice
    assert get_lens() == "bacp"
    assert _mine(table.value) == ["bacp"] and picker.value == "bacp"


def test_a_code_the_topic_does_not_cover_is_said_plainly():
    set_lens("aamft")
    box = lens.your_code("social-media")
    assert "has not checked what the AAMFT Code of Ethics says" in box.value
    table = lens.comparison_table("social-media")
    assert "Not checked by the course" in table.value
