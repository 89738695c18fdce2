"""The projector view and anonymous votes, driven through the widget API (no browser).

Rendering at 1920x1080 (text size, the keys in JupyterLab, a second page's vote) is tested in
tests/browser/test_projector.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import play, votes
from course.figures.vignette_map import PATH_COLOUR, vignette_map
from course.projector import KEYS, MAP_STYLE, ProjectorView
from course.scenes import load_vignette

TIRED = "transference/are-you-tired-of-me"
SESSION = "2026-03-02"


@pytest.fixture(autouse=True)
def no_vote_dir(monkeypatch):
    monkeypatch.delenv(votes.ENV, raising=False)
    votes._mine.clear()


def helpful(ref, scene):
    return next(i for i, c in enumerate(load_vignette(ref).scenes[scene].choices) if c.quality == "helpful")


def test_projector_mode_uses_the_rooms_letters_and_staged_reveal_puts_the_rooms_choice_first(rec):
    p = play(TIRED, mode="projector", session=SESSION)
    d = play(TIRED, mode="discussion", session=SESSION)
    assert isinstance(p, ProjectorView) and p.order() == d.order()   # same letters as the room's screens
    n = len(p.scene.choices)
    assert p.stage == 0 and p.cards not in p.children and "Helpful" not in p.options_view.value
    # the leader types the counts: C has most votes
    letters = "ABCDEFGHIJ"[:n]
    p.set_counts(**{letters[0]: 2, letters[2]: 7})
    assert "7 votes" in p.options_view.value and "9 votes so far" in p.options_view.value
    room = p.order()[2]
    assert p.room_choice() == room and p.reveal_order()[0] == room
    p.key("PageDown")   # reveal: the room's choice first, alone
    assert p.stage == 1 and len(p.cards.children) == 1
    first = p.cards.children[0].children[0].value
    c = p.scene.choices[room]
    assert f"<strong>{letters[2]}.</strong>" in first and "the room&#x27;s choice" not in first
    assert "the room's choice" in first and c.text[:30].replace("'", "&#x27;") in first   # the card repeats the wording
    for k in range(2, n + 1):   # then the others, one at a time
        p.key("ArrowRight")
        assert p.stage == k and len(p.cards.children) == k
    assert p.reveal_order() == [room] + [i for i in p.order() if i != room]
    p.key("PageDown")   # after the last card, next follows the room's choice
    assert p.walk.path == ["opening", c.next] and p.stage == 0
    p.key("PageUp")     # back: the previous scene, every card shown again
    assert p.walk.path == ["opening"] and p.stage == n
    p.key("ArrowLeft")
    assert p.stage == n - 1
    assert set(KEYS.values()) == {"next", "back", "follow", "reveal", "count", "map", "zoom"}


def test_follow_without_a_vote_asks_which_way_and_marking_the_rooms_choice_answers(rec):
    p = play(TIRED, mode="projector", session=SESSION)
    p.key("Enter")
    assert p.walk.path == ["opening"] and "Which way does the class go?" in p.status.value
    target = p.order()[1]
    p.mark.value = target
    assert p.room_choice() == target
    p.key("Enter")
    assert len(p.walk.path) == 2 and p.walk.steps[0][1] == target


def test_a_projector_run_records_discussion_kinds_only_and_ends_with_the_class_path_on_the_map(rec):
    from course.progress import catalog, summarize

    p = play(TIRED, mode="projector", session=SESSION)
    while not p.walk.is_ending:
        p.follow(helpful(TIRED, p.walk.current))
    assert p.ending_view in p.children and "The class's path" in p.ending_view.value
    assert {e.kind for e in rec.events} <= {"discussion.start", "discussion.step", "discussion.ending"}
    assert len(rec.of_kind("discussion.ending")) == 1
    totals = summarize(list(rec.events), catalog())["totals"]
    assert totals["choices"] == 0 and totals["vignettes_finished"] == 0 and totals["vignettes_started"] == 0
    p.key("PageDown")   # at an ending, next shows the map
    assert p.map_shown and p.map_view in p.children and "<img" in p.map_view.value
    p.key("PageUp")
    assert not p.map_shown
    assert p.walk.path[-1] not in p.scene_view.value   # no internal ids on screen


def test_the_map_before_an_ending_is_refused_with_a_reason(rec):
    p = play(TIRED, mode="projector", session=SESSION)
    p.key("m")
    assert not p.map_shown and "debrief" in p.status.value
    p.key("z")
    assert not p.map_full and "show the map first" in p.status.value


def test_the_map_is_shown_alone_fitted_to_the_screen_and_z_switches_to_full_size(rec):
    p = play(TIRED, mode="projector", session=SESSION)
    while not p.walk.is_ending:
        p.follow(helpful(TIRED, p.walk.current))
    assert p.zoom_button.layout.display == "none"   # no zoom without a map
    p.key("m")
    assert p.children[1] is p.map_view and p.ending_view not in p.children   # the map alone, under the title
    assert p.zoom_button.layout.display is None and not p.map_full
    assert "pv-map-full" not in p.map_view._dom_classes
    p.key("Z")
    assert p.map_full and "pv-map-full" in p.map_view._dom_classes
    assert p.zoom_button.description == "Map fitted to the screen"
    p.key("z")
    assert not p.map_full and "pv-map-full" not in p.map_view._dom_classes
    p.key("PageUp")   # back: the ending again, no zoom button
    assert not p.map_shown and p.ending_view in p.children and p.zoom_button.layout.display == "none"


def test_every_label_of_every_projector_map_is_at_least_the_projector_size():
    """Step numbers, route conditions and the legend are smaller than the scene labels on a
    laptop; on the projector none is below PROJECTOR_FONT (about 21 px in the picture)."""
    from course import paths

    refs = sorted(f"{p.parent.name}/{p.stem}" for p in paths.VIGNETTES_DIR.glob("*/*.yml"))
    assert len(refs) >= 10
    for ref in refs:
        v = load_vignette(ref)
        path = [v.starts[0]]   # a way through (first choices), so the step numbers are drawn too
        while not v.scenes[path[-1]].is_ending and len(path) < 12:
            path.append(next(c.next for c in v.scenes[path[-1]].choices if c.next in v.scenes))
        fig = vignette_map(v, path=path, **MAP_STYLE)
        ax = fig.axes[0]
        sizes = [t.get_fontsize() for t in ax.texts if t.get_text().strip()]
        assert any(t.get_text() == "1" for t in ax.texts), ref
        sizes += [t.get_fontsize() for t in ax.get_legend().get_texts()]
        assert min(sizes) >= MAP_STYLE["min_font"], (ref, min(sizes))


def test_the_map_draws_a_path_and_its_labels_are_readable_at_1280_and_on_a_projector():
    v = load_vignette(TIRED)
    path = ["opening", "explore-the-fear", "next-session", "understood"]
    fig = vignette_map(v, path=path)
    ax = fig.axes[0]
    width_px = fig.get_size_inches()[0] * fig.dpi
    sizes = [t.get_fontsize() * fig.dpi / 72 for t in ax.texts if t.get_text().strip()]
    # shown 100% wide in a ~1180 px notebook column at 1280 px, and ~1840 px on a 1920 px projector
    at_1280 = min(sizes) * min(1.0, 1180 / width_px)
    at_1920 = min(sizes) * 1840 / width_px
    print(f"map: {width_px:.0f} px wide; smallest label {min(sizes):.1f} px in the PNG, "
          f"{at_1280:.1f} px at 1280, {at_1920:.1f} px on a 1920 projector")
    assert at_1280 >= 12 and at_1920 >= 18
    texts = " ".join(t.get_text() for t in ax.texts)
    assert not any(sid in texts for sid in v.scenes)   # no scene ids
    assert not any(t.get_text() in {"A", "B", "C", "D"} for t in ax.texts)   # no letters the options never carry
    steps = [t for t in ax.texts if t.get_text() in {"1", "2", "3"}]
    assert len(steps) == 3   # the path's steps are numbered
    boxes = [t.get_bbox_patch() for t in ax.texts if t.get_bbox_patch() is not None and t.get_bbox_patch().get_linewidth() == 4]
    assert len(boxes) == len(path)   # every scene on the path is outlined in the path colour
    assert PATH_COLOUR


# ------------------------------------------------------------------------------------------ votes
def test_votes_cast_by_two_processes_are_tallied_and_a_second_vote_replaces_the_first(tmp_path):
    code = ("import sys; from course import votes\n"
            "for letter in sys.argv[1:]:\n"
            "    votes.cast(sys.argv[0] if False else r'%s', '%s', '%s', 'opening', letter)\n"
            % (tmp_path, SESSION, TIRED))
    env = {**os.environ}
    # process 1 votes A then changes its mind to C (replace, not add); process 2 votes C
    for letters in (["A", "C"], ["C"]):
        subprocess.run([sys.executable, "-c", code, *letters], check=True, env=env, timeout=120)
    files = sorted(tmp_path.glob("*.vote"))
    assert len(files) == 2
    assert votes.tally(tmp_path, SESSION, TIRED, "opening") == {"C": 2}
    assert votes.tally(tmp_path, SESSION, TIRED, "other-scene") == {}
    assert votes.tally(tmp_path, "another-session", TIRED, "opening") == {}
    for f in files:   # nothing identifies a voter: a random name and four fields
        data = json.loads(f.read_text())
        assert set(data) == {"session", "vignette", "scene", "letter"}
        assert len(f.stem) == 32 and os.environ.get("USER", "nobody-here") not in f.read_text()


def test_one_vote_per_student_on_a_shared_server(tmp_path):
    """On a hub each student is a Linux user: a student who restarts the kernel (or opens a second
    notebook) and votes again is counted once, with the newest vote; the leader's own votes (the
    folder's owner, as on one laptop) are each counted."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give vote files to other users (CI runs as root; the hub test checks real users)")
    first = votes.cast(tmp_path, SESSION, TIRED, "opening", "A")
    votes._mine.clear()                                   # a restarted kernel forgets its ballot
    second = votes.cast(tmp_path, SESSION, TIRED, "opening", "C")
    votes._mine.clear()
    other = votes.cast(tmp_path, SESSION, TIRED, "opening", "B")
    votes._mine.clear()
    for _ in range(2):                                    # two people at the leader's own machine
        votes.cast(tmp_path, SESSION, TIRED, "opening", "D")
        votes._mine.clear()
    assert votes.tally(tmp_path, SESSION, TIRED, "opening") == {"A": 1, "B": 1, "C": 1, "D": 2}  # all the leader's
    for f in (first, second):
        os.chown(f, 61001, 61001)
    os.chown(other, 61002, 61002)
    os.utime(first, (1_000_000, 1_000_000))                # the first vote is the older one
    assert votes.tally(tmp_path, SESSION, TIRED, "opening") == {"C": 1, "B": 1, "D": 2}


def test_the_tally_skips_what_is_not_a_vote(tmp_path):
    votes.cast(tmp_path, SESSION, TIRED, "opening", "b")
    (tmp_path / "junk.vote").write_text("not json")
    (tmp_path / "big.vote").write_text(json.dumps({"session": SESSION, "vignette": TIRED, "scene": "opening",
                                                   "letter": "A", "pad": "x" * 1000}))
    (tmp_path / "bad-letter.vote").write_text(json.dumps({"session": SESSION, "vignette": TIRED,
                                                          "scene": "opening", "letter": "<script>"}))
    (tmp_path / "list.vote").write_text("[1, 2]")
    (tmp_path / "notes.txt").write_text("A")
    assert votes.tally(tmp_path, SESSION, TIRED, "opening") == {"B": 1}
    with pytest.raises(Exception, match="not a letter"):
        votes.cast(tmp_path, SESSION, TIRED, "opening", "AB")


def test_the_projector_counts_votes_from_the_folder_and_the_ballot_follows_its_question(rec, tmp_path, monkeypatch):
    monkeypatch.setenv(votes.ENV, str(tmp_path))
    p = play(TIRED, mode="projector", session=SESSION)
    assert p.count_button.layout.display is None
    ballot = votes.vote(session=SESSION)
    assert ballot.choices in ballot.children
    opening = load_vignette(TIRED).scenes["opening"]
    # the ballot shows the projector's letters with the same wording
    assert [label[:2] for label, _ in ballot.choices.options] == [f"{x}." for x in "ABCDEFGHIJ"[:len(opening.choices)]]
    assert ballot.choices.options[0][0][3:] == opening.choices[p.order()[0]].text
    ballot.choices.value = "B"
    ballot.send.click()
    assert "is in" in ballot.status.value
    ballot.choices.value = "A"   # changed their mind: replaces
    ballot.send.click()
    p.key("v")
    assert p.counts()["A"] == 1 and p.counts()["B"] == 0 and "1 vote so far" in p.options_view.value
    p.set_counts(C=2)   # hands in the room add to the screens' votes
    assert p.counts()["C"] == 2 and p.room_choice() == p.order()[2]
    p.key("r")   # the reveal closes the vote
    ballot.choices.value = "B"
    ballot.send.click()
    assert "moved on" in ballot.status.value
    ballot.refresh.click()
    assert "closed" in ballot.head.value
    assert p.counts()["A"] == 1 and p.counts()["B"] == 0


def test_the_ballot_without_a_vote_folder_says_hands_are_counted():
    ballot = votes.vote(session=SESSION)
    assert "count hands" in ballot.head.value


def test_projector_text_is_escaped(rec, tmp_path):
    src = Path(load_vignette(TIRED).path).read_text(encoding="utf-8")
    f = tmp_path / "transference" / "escaped.yml"
    f.parent.mkdir()
    f.write_text(src.replace("id: are-you-tired-of-me", "id: escaped", 1)
                 .replace("Tomás Reyes", "Tomás <b>Reyes</b>", 1), encoding="utf-8")
    v = load_vignette(str(f))
    p = ProjectorView(v, session=SESSION)
    assert "<b>Reyes" not in p.header.value and "&lt;b&gt;Reyes" in p.header.value


def test_going_back_to_a_revealed_scene_keeps_the_vote_closed(rec, tmp_path, monkeypatch):
    monkeypatch.setenv(votes.ENV, str(tmp_path))
    p = play(TIRED, mode="projector", session=SESSION)
    assert votes.current_question(tmp_path, SESSION)["scene"] == "opening"
    p.mark.value = p.order()[0]
    p.follow()
    assert votes.current_question(tmp_path, SESSION)["scene"] == p.walk.current
    p.back()
    assert p.walk.current == "opening" and p.stage == len(p.scene.choices)
    assert votes.current_question(tmp_path, SESSION)["scene"] == ""   # the cards are shown: no voting


def test_the_ballot_says_so_when_the_vote_folder_is_missing(tmp_path):
    ballot = votes.vote(session=SESSION, folder=tmp_path / "not-there")
    assert "is not there" in ballot.head.value and ballot.send not in ballot.children
