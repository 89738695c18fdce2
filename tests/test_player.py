"""The vignette player, driven through the ipywidgets API (no browser, no kernel)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import ipywidgets as widgets
import pytest

from course import play
from course.codes import cite, code_entry, concept_label
from course.errors import CourseError
from course.player import VignettePlayer
from course.scenes import load_vignette

TIRED = "transference/are-you-tired-of-me"
COFFEE = "termination/the-coffee-invitation"
MINIMAL = Path(__file__).parent / "fixtures" / "vignettes" / "ok" / "transference" / "fixture-minimal.yml"


def idx(ref: str, scene: str, quality: str) -> int:
    """The file index of the (first) choice of that quality: tests name choices by what they are,
    not by where an author happened to put them."""
    return next(i for i, c in enumerate(load_vignette(ref).scenes[scene].choices) if c.quality == quality)




def classes(p: VignettePlayer) -> set[str]:
    out: set[str] = set()

    def walk(w):
        out.update(getattr(w, "_dom_classes", ()))
        for c in getattr(w, "children", ()):
            walk(c)

    walk(p)
    return out


def shown(p: VignettePlayer, w) -> bool:
    return w in p.children


def test_play_returns_a_labelled_accessible_player(rec):
    p = play(TIRED)
    v = load_vignette(TIRED)
    assert isinstance(p, widgets.VBox)
    assert {"vignette-player", "vignette-choice", "vignette-say", "vignette-back", "vignette-restart"} <= classes(p)
    assert isinstance(p.choices, widgets.RadioButtons) and p.choices.description  # a visible label
    opening = v.scenes["opening"].choices
    assert [(t, i) for t, i in p.choices.options] == [(opening[i].text, i) for i in p.order()]
    assert sorted(p.order()) == list(range(len(opening)))
    assert p.choices.value is None and not p.say.disabled
    p.say.click()  # nothing chosen yet: a prompt, no step
    assert "Pick a response first" in p.feedback.value and p.feedback in p.children
    assert p.walk.path == ["opening"] and not rec.of_kind("vignette.step")
    assert "Content note" in p.header.value and "Tomás Reyes" in p.header.value
    assert "<em>Seven minutes" in p.transcript.value  # narration in italics
    assert "<strong>Tomás Reyes:</strong>" in p.transcript.value
    assert "Your inner reaction" in p.inner.value and shown(p, p.inner)
    assert p.back_button.disabled and p.restart_button.disabled
    assert [e.kind for e in rec.events] == ["vignette.start"]
    assert rec.events[0].data == {"vignette": TIRED, "mode": "solo"}
    assert (rec.events[0].module, rec.events[0].item) == ("transference", "are-you-tired-of-me")


def test_choosing_shows_feedback_labelled_by_quality_and_records_the_step(rec):
    p = play(TIRED)
    h = idx(TIRED, "opening", "harmful")
    choice = load_vignette(TIRED).scenes["opening"].choices[h]
    p.choices.value = h
    p.say.click()
    assert shown(p, p.feedback) and shown(p, p.continue_button) and not shown(p, p.say)
    assert "Harmful response" in p.feedback.value and "✗" in p.feedback.value  # words and symbol, not colour only
    assert choice.feedback.split(".")[0] in p.feedback.value.replace("&#x27;", "'")
    assert cite("aca-2014-a12") in p.feedback.value
    assert p.choices.disabled and p.choices.value == h
    step = rec.of_kind("vignette.step")[0]
    assert step.data == {"vignette": TIRED, "scene": "opening", "choice": h, "choice_text": choice.text,
                         "next": "door-closes", "quality": "harmful", "concepts": list(choice.concepts),
                         "codes": list(choice.codes)}
    p.continue_button.click()
    assert p.walk.current == "door-closes" and not p.choices.disabled and p.choices.value is None
    assert "Right. Yeah." in p.transcript.value and not shown(p, p.feedback)


def test_going_back_from_feedback_lets_the_learner_choose_differently(rec):
    p = play(TIRED)
    p.choose(idx(TIRED, "opening", "mixed"))
    assert "Mixed response" in p.feedback.value
    p.back_button.click()
    assert p.walk.current == "opening" and p.walk.path == ["opening"]
    assert p.choices.value is None and not p.choices.disabled and shown(p, p.say)
    assert rec.of_kind("vignette.back")[0].data == {"vignette": TIRED, "scene": "opening"}
    p.choose(idx(TIRED, "opening", "helpful"))
    assert "Helpful response" in p.feedback.value
    p.continue_button.click()
    assert p.walk.current == "explore-the-fear"


def test_back_a_step_from_a_scene_returns_to_the_previous_decision(rec):
    p = play(TIRED)
    p.choose(0)
    p.continue_button.click()
    p.back_button.click()
    assert p.walk.current == "opening" and p.choices.value is None


def test_an_ending_shows_outcome_path_concepts_codes_and_reflection(rec):
    p = play(TIRED)
    for i in (idx(TIRED, "opening", "harmful"), idx(TIRED, "door-closes", "harmful")):  # -> door-closes -> dropout
        p.choose(i)
        p.continue_button.click()
    v = load_vignette(TIRED)
    end = v.scenes["dropout"].ending
    assert p.walk.is_ending and shown(p, p.ending) and not shown(p, p.choices)
    html = p.ending.value.replace("&#x27;", "'")
    assert "Harmful outcome" in html and end.summary in html and end.reflection.split("?")[0] in html
    for sid, i, c in p.walk.steps:
        assert c.text.replace("“", "").split("”")[0][:30] in html.replace("“", "")
    for tag in p.walk.concepts:
        assert concept_label(tag) in html
    for code in ("aca-2014-a11c", "aca-2014-a12"):
        assert cite(code) in html and code_entry(code)["paraphrase"] in html
    endings = rec.of_kind("vignette.ending")
    assert len(endings) == 1
    assert endings[0].data["path"] == ["opening", "door-closes", "dropout"]
    assert endings[0].data["outcome"] == "harmful" and endings[0].data["ending"] == "dropout"
    assert set(endings[0].data["codes"]) == {"aca-2014-a11c", "aca-2014-a12"}
    p._render()  # re-rendering never records the ending twice
    assert len(rec.of_kind("vignette.ending")) == 1


def test_start_again_returns_to_the_first_scene(rec):
    p = play(COFFEE)
    p.choose(1)
    p.continue_button.click()
    p.restart_button.click()
    assert p.walk.path == ["opening"] and p.restart_button.disabled
    assert [e.kind for e in rec.events][-1] == "vignette.restart"


def test_counselor_lines_are_labelled_you(rec):
    p = play(TIRED)
    for scene in ("opening", "explore-the-fear", "next-session"):  # the helpful path to 'understood'
        p.choose(idx(TIRED, scene, "helpful"))
        p.continue_button.click()
    assert p.walk.current == "understood"
    assert "<strong>You (counselor):</strong>" in p.transcript.value
    assert "Helpful outcome" in p.ending.value


def test_discussion_mode_letters_choices_and_reveals_every_consequence(rec):
    p = play(COFFEE, mode="discussion")
    v = load_vignette(COFFEE)
    opening = v.scenes["opening"]
    letters = "ABCDEFGH"[:len(opening.choices)]
    assert "vignette-discussion" in p._dom_classes and shown(p, p.reveal) and not shown(p, p.consequences)
    for letter in letters:
        assert f"<strong>{letter}.</strong>" in p.options.value
    assert "Helpful" not in p.options.value  # no spoilers before the vote
    order = p.order()
    for pos, i in enumerate(order):  # the letters go with the order shown, not the file's order
        assert f"<strong>{letters[pos]}.</strong> {opening.choices[i].text[:20]}" in p.options.value.replace("&#x27;", "'")
    p.reveal.click()
    assert shown(p, p.consequences) and len(p.consequences.children) == len(opening.choices)
    cards = [c.children[0].value for c in p.consequences.children]
    for pos, (card, i) in enumerate(zip(cards, order)):  # the reveal uses the same letters
        c = opening.choices[i]
        assert card.startswith('<div class="vp-box ') and f"<strong>{letters[pos]}.</strong>" in card
        assert p.follow_buttons[pos].description == f"Follow {letters[pos]}"
        assert f"{c.quality.capitalize()} response" in card
        assert c.feedback.split(",")[0].replace("'", "&#x27;") in card
        nxt = v.scenes[c.next]
        assert (f"Leads to an ending ({nxt.ending.outcome})" if nxt.is_ending else "Leads to another scene") in card
        assert c.next not in card   # no internal scene ids on screen
        assert c.text[:25].replace("'", "&#x27;") in card   # the card repeats the wording of the choice
        for code in c.codes:
            assert cite(code) in card
        for tag in c.concepts:
            assert concept_label(tag) in card
    # follow a choice that leads on to another scene
    i = next(i for i in order if not v.scenes[opening.choices[i].next].is_ending)
    p.follow_buttons[order.index(i)].click()
    assert p.walk.current == opening.choices[i].next and not p.revealed and not shown(p, p.consequences)
    assert rec.events[0].data["mode"] == "discussion"
    # a seminar run is the class's path: recorded apart, never as the leader's own progress
    assert not [e for e in rec.events if e.kind.startswith("vignette.")]
    assert rec.of_kind("discussion.step")[0].data["choice"] == i
    for _ in range(30):  # the class follows the harmful (else the last) choice to an ending
        if p.walk.is_ending:
            break
        p.reveal.click()
        choices = p.walk.scene.choices
        p.follow(next((j for j, c in enumerate(choices) if c.quality == "harmful"), len(choices) - 1))
    assert shown(p, p.ending) and "outcome" in p.ending.value
    assert len(rec.of_kind("discussion.ending")) == 1
    assert shown(p, p.map_button)   # the leader can show the map at the debrief
    p.map_button.click()
    assert shown(p, p.map_view) and "<img" in p.map_view.value


def test_a_discussion_run_leaves_the_leaders_own_progress_unchanged(rec):
    from course.progress import catalog, summarize

    before = summarize(list(rec.events), catalog())
    p = play(TIRED, mode="discussion")
    while not p.walk.is_ending:
        p.follow(idx(TIRED, p.walk.current, "helpful"))
    after = summarize(list(rec.events), catalog())
    assert len(rec.events) > 3 and after["totals"]["choices"] == before["totals"]["choices"] == 0
    assert after["totals"]["vignettes_finished"] == 0 and after["totals"]["vignettes_started"] == 0
    assert after["modules"] == before["modules"]


def test_scene_headers_show_a_number_never_an_internal_id(rec):
    p = play(TIRED)
    p.choose(idx(TIRED, "opening", "harmful"))
    p.continue_button.click()
    assert "Scene 2" in p.transcript.value and p.walk.current not in p.transcript.value
    d = play(TIRED, mode="discussion")
    d.follow(idx(TIRED, "opening", "harmful"))
    assert "Scene 2" in d.transcript.value and d.walk.current not in d.transcript.value


def test_solo_offers_the_map_only_after_an_ending_with_the_path_drawn(rec):
    p = play(TIRED)
    assert not shown(p, p.map_button)
    p.map_button.click()   # a stray click before the ending shows nothing
    assert not p.map_shown
    for scene in ("opening", "explore-the-fear", "next-session"):
        p.choose(idx(TIRED, scene, "helpful"))
        assert not shown(p, p.map_button)
        p.continue_button.click()
    assert p.walk.is_ending and shown(p, p.map_button)
    p.map_button.click()
    assert shown(p, p.map_view) and '<img src="data:image/png;base64,' in p.map_view.value
    p.back_button.click()
    assert not shown(p, p.map_view) and not shown(p, p.map_button)


def test_invalid_refs_and_modes_raise_course_errors_with_guidance(rec):
    with pytest.raises(CourseError) as e:
        play("termination/coffee")
    assert "termination/the-coffee-invitation" in str(e.value)
    with pytest.raises(CourseError) as e:
        play(TIRED, mode="seminar")
    assert "discussion" in str(e.value)
    broken = MINIMAL.parents[2] / "broken" / "transference" / "dead-end.yml"
    with pytest.raises(CourseError) as e:
        play(broken)
    assert "dead end" in str(e.value)
    assert rec.events == []  # nothing recorded for a vignette that never started


def test_text_from_a_vignette_file_is_escaped(rec, tmp_path):
    folder = tmp_path / "transference"
    folder.mkdir()
    f = folder / "fixture-minimal.yml"
    shutil.copy(MINIMAL, f)
    f.write_text(f.read_text().replace("Do you like me?", "<script>alert(1)</script> & <b>"))
    p = play(f)
    assert "<script>" not in p.transcript.value and "&lt;script&gt;" in p.transcript.value


def test_an_author_copies_edits_validates_and_plays_a_vignette(rec, tmp_path):
    import subprocess
    import sys

    from course import paths

    folder = tmp_path / "termination"
    folder.mkdir()
    mine = folder / "the-tea-invitation.yml"
    text = (paths.VIGNETTES_DIR / "termination" / "the-coffee-invitation.yml").read_text(encoding="utf-8")
    text = text.replace("id: the-coffee-invitation", "id: the-tea-invitation")
    text = text.replace("what if we got coffee now and then?", "what if we had tea now and then?")
    mine.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "course.cli", "validate", str(mine)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "10 scenes" in run.stdout and re.search(r"\b1 vignettes?\b", run.stdout)
    p = play(mine)
    assert "what if we had tea now and then?" in p.transcript.value
    # a mistake in the copy is caught before a learner sees it
    mine.write_text(text.replace("next: what-it-means", "next: what-it-mean", 1), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "course.cli", "validate", str(mine)], capture_output=True, text=True)
    assert run.returncode == 1 and "did you mean 'what-it-means'" in run.stdout
    with pytest.raises(CourseError):
        play(mine)


# ------------------------------------------------------------------ order carries no information
def test_solo_order_is_shuffled_per_visit_and_stable_within_the_visit(rec):
    orders = {tuple(play(TIRED).order("opening")) for _ in range(30)}
    assert len(orders) > 1  # a fresh order per visit
    p = play(TIRED, seed=11)
    assert play(TIRED, seed=11).order("opening") == p.order("opening")  # a given seed is reproducible
    first = list(p.choices.options)
    helpful = next(i for i, c in enumerate(p.walk.scene.choices) if c.quality == "helpful")
    p.choose(helpful)
    p.continue_button.click()
    p.back_button.click()          # back within the visit: the same order
    assert list(p.choices.options) == first
    p.choose(helpful)
    p.continue_button.click()
    p.restart_button.click()       # start again within the visit: still the same order
    assert list(p.choices.options) == first


def test_a_choice_is_recorded_by_its_identity_not_its_position(rec):
    v = load_vignette(TIRED)
    for seed in range(8):
        p = play(TIRED, seed=seed)
        p.choose(2)  # choice 2 of the file, wherever it is shown
        step = rec.of_kind("vignette.step")[-1]
        assert step.data["choice"] == 2 and step.data["choice_text"] == v.scenes["opening"].choices[2].text
        assert step.data["next"] == v.scenes["opening"].choices[2].next
        assert p.choices.value == 2


def test_discussion_order_is_shared_by_the_room_for_a_session(rec):
    a = play(TIRED, mode="discussion", session="2026-03-02")
    b = play(TIRED, mode="discussion", session="2026-03-02")
    assert a.options.value == b.options.value and a.order() == b.order()
    sessions = {tuple(play(TIRED, mode="discussion", session=f"2026-03-{d:02d}").order()) for d in range(1, 21)}
    assert len(sessions) > 1  # another session, another order
    today = play(TIRED, mode="discussion")  # default session: today's date, the same on every screen
    assert today.order() == play(TIRED, mode="discussion").order()
    # following a letter follows the choice shown under that letter
    i = a.order()[0]
    a.reveal.click()
    a.follow_buttons[0].click()
    assert a.walk.path[-1] == load_vignette(TIRED).scenes["opening"].choices[i].next
    assert rec.of_kind("discussion.step")[-1].data["choice"] == i
    assert a.letter(i, "opening") == "A"
