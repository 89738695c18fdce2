"""The vignette format's flags, conditions and cases: parser, validator, Walk and the map."""
from __future__ import annotations

from pathlib import Path

import pytest

from course.errors import CourseError
from course.scenes import (ConditionError, Walk, explore, load_vignette, parse_condition,
                           validate_files)

FIX = Path(__file__).parent / "fixtures" / "vignettes"
CASE = FIX / "case" / "capstone"
ONE, TWO = CASE / "fixture-case-one.yml", CASE / "fixture-case-two.yml"
BROKEN = FIX / "broken" / "capstone"


def test_conditions_read_like_python_booleans():
    c = parse_condition("a and not (b or c-d)")
    assert c.holds({"a"}) and not c.holds({"a", "b"}) and not c.holds({"a", "c-d"}) and not c.holds(set())
    assert c.flags == ["a", "b", "c-d"]
    assert parse_condition("a or b and c").holds({"a"})          # and binds tighter than or
    assert not parse_condition("not a or b").holds({"a"})        # not binds tightest


@pytest.mark.parametrize("text,says", [
    ("", "empty"), ("a &&", "'&&'"), ("a and", "ends where a flag name"), ("(a", "does not close"),
    ("a)", "never opened"), ("Told", "not a flag name"), ("a b", "after a complete condition"),
    ("!a", "'!'"), (7, "the number 7"), ("a or or b", "'or' where a flag name"),
])
def test_unreadable_conditions_say_what_and_how_to_fix(text, says):
    with pytest.raises(ConditionError) as err:
        parse_condition(text)
    assert says in err.value.what and err.value.fix


def test_every_new_error_kind_has_a_broken_fixture():
    kinds = {p.stem for p in BROKEN.glob("*.yml")}
    assert {"condition-syntax", "unknown-flag", "flag-never-set", "unreachable-under-conditions",
            "no-fallback", "never-offered", "too-few-offered", "duplicate-episode"} <= kinds
    # (each is checked at its line by tests/test_scenes.py, which reads every '# expect:' marker)


def test_the_fixture_case_is_valid_and_episodes_share_flags():
    assert validate_files([ONE, TWO]).ok
    one, two = load_vignette(ONE), load_vignette(TWO)
    assert (one.case, one.episode, two.case, two.episode) == ("fixture-case", 1, "fixture-case", 2)
    assert list(one.flags) == ["told-end-date"] and two.starts == ["expected", "surprised"]


def test_walk_sets_flags_and_back_and_restart_undo_them():
    w = Walk(load_vignette(ONE))
    w.choose(0)
    assert w.flags == {"told-end-date"} and w.flags_set == ["told-end-date"] and w.is_ending
    w.back()
    assert w.flags == set() and w.current == "opening"
    w.choose(1)
    assert w.flags_set == [] and w.current == "not-told"
    w.restart()
    assert w.flags == set() and w.path == ["opening"]


def test_an_earlier_choice_changes_the_later_start_lines_and_route():
    two = load_vignette(TWO)
    told = Walk(two, flags={"told-end-date"})
    assert told.current == "expected"
    assert [ln.text for ln in told.scene.lines] == ["I knew May was coming.", "She says it before you do."]
    assert told.flags_set == []                      # carried-in flags are not this episode's
    told.choose(0)                                   # names the loss
    assert told.scene.choices[0].next == "good-end"  # the conditional route, resolved
    told.choose(0)
    assert told.current == "good-end" and told.flags_set == ["named-the-loss"]

    fresh = Walk(two)
    assert fresh.current == "surprised" and len(fresh.scene.choices) == 2
    fresh.choose(1)                                  # blames the paperwork: nothing set
    fresh.choose(0)
    assert fresh.current == "flat-end"


def test_choose_takes_an_index_into_the_offered_choices_only():
    w = Walk(load_vignette(TWO))
    with pytest.raises(CourseError):
        w.choose(2)
    with pytest.raises(CourseError):
        w.choose(True)


def test_exploration_finds_every_ending_flag_set():
    result = explore(load_vignette(ONE), [frozenset()])
    assert result.ending_flags == {frozenset({"told-end-date"}), frozenset()}


def test_a_later_episode_is_checked_against_what_earlier_ones_can_set(tmp_path):
    """Delete the `sets:` from episode 1 and episode 2's condition can never hold: reported in
    episode 2 at the condition's line, as the issue's 'flag never set'."""
    folder = tmp_path / "capstone"
    folder.mkdir()
    (folder / ONE.name).write_text(ONE.read_text().replace("        sets: [told-end-date]\n", ""))
    (folder / TWO.name).write_text(TWO.read_text())
    problems = [str(p) for p in validate_files([folder / TWO.name]).problems]
    assert any("names the flag 'told-end-date', which no choice in fixture-case-one.yml sets" in p
               and p.startswith(f"{folder / TWO.name}:") for p in problems), problems


def test_a_later_episode_cannot_set_an_earlier_episodes_flag(tmp_path):
    folder = tmp_path / "capstone"
    folder.mkdir()
    (folder / ONE.name).write_text(ONE.read_text())
    (folder / TWO.name).write_text(TWO.read_text().replace("sets: [named-the-loss]", "sets: [told-end-date]", 1))
    problems = [str(p) for p in validate_files([folder / TWO.name]).problems]
    assert any("sets the flag 'told-end-date', which belongs to fixture-case-one.yml" in p for p in problems), problems


def test_map_draws_conditional_routes_and_says_them_in_words():
    from course.figures.vignette_map import describe_map, vignette_map

    two = load_vignette(TWO)
    head, rows = describe_map(two)
    text = " ".join(rows)
    assert "if told-end-date" in text and "if named-the-loss" in text and "otherwise" in text
    fig = vignette_map(two)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any("if named-the-loss" in t for t in labels)
    assert "sets named-the-loss" in text
