"""The projector view at 1920x1080 in JupyterLab, run with the keyboard alone, and a second page
that casts an anonymous vote the projector counts (COURSE_VOTE_DIR set for the kernels)."""
from __future__ import annotations

import json

import nbformat
import pytest

from course.figures.vignette_map import vignette_map
from course.player import LETTERS, order_seed, shuffled_order
from course.projector import MAP_STYLE
from course.scenes import load_vignette

TIRED = "transference/are-you-tired-of-me"
SESSION = "browser-room"


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("md:") else nbformat.v4.new_code_cell(s)
                for s in sources]
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}
    nbformat.write(nb, str(path))


def letters_for(v, scene_id: str) -> list[int]:
    """Author indices in the order of the letters the room sees this session."""
    return shuffled_order(order_seed(v, "discussion", SESSION), scene_id, len(v.scenes[scene_id].choices))


def active_cell(page) -> int:
    return page.evaluate("() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')]"
                         ".findIndex(c => c.classList.contains('jp-mod-active'))")


def smallest_label_px(v, path: list[str]) -> float:
    """The smallest label of the map the projector draws for `path`, in pixels of its picture."""
    fig = vignette_map(v, path=path, **MAP_STYLE)
    return min(t.get_fontsize() for t in fig.axes[0].texts if t.get_text().strip()) * fig.dpi / 72


def map_geometry(img) -> dict:
    """The <img>'s box, its picture's size, the scale the picture is drawn at (object-fit: contain
    keeps its proportions) and the height of the notebook's visible area."""
    img.evaluate("e => e.decode()")   # loaded: its natural size is known
    g = img.evaluate("""e => { const r = e.getBoundingClientRect();
      const area = e.closest('.jp-WindowedPanel-outer') || e.closest('.jp-Notebook');
      return {w: r.width, h: r.height, nw: e.naturalWidth, nh: e.naturalHeight,
              area: area.getBoundingClientRect().height}; }""")
    return {**g, "scale": min(g["w"] / g["nw"], g["h"] / g["nh"])}


def map_in_view(img, wait: float = 10) -> dict:
    """The <img>'s top and bottom and those of the notebook's visible area, once the picture is
    wholly inside it (or as they are after `wait` seconds)."""
    import time

    deadline = time.time() + wait
    while True:
        g = img.evaluate("""e => { const r = e.getBoundingClientRect();
          const a = (e.closest('.jp-WindowedPanel-outer') || e.closest('.jp-Notebook')).getBoundingClientRect();
          return {top: r.top, bottom: r.bottom, area_top: a.top, area_bottom: a.bottom}; }""")
        g["inside"] = g["top"] >= g["area_top"] - 1 and g["bottom"] <= g["area_bottom"] + 1
        if g["inside"] or time.time() > deadline:
            return g
        time.sleep(0.2)


def test_a_map_taller_than_the_screen_is_fitted_and_z_shows_it_at_a_readable_full_size(
        lab, _browser, open_notebook, run_all, artifacts):
    """The tallest map (a vignette with many rows): fitted, the whole of it is in the notebook's
    visible height at 1920x1080; Z shows it at full size, every label at least 20 px."""
    from playwright.sync_api import expect

    ref = "termination/the-coffee-invitation"
    _notebook(lab.root / "projector_tall.ipynb",
              f"from course import play\np = play({ref!r}, mode='projector', session='tall')\n"
              "while not p.walk.is_ending:\n    p.follow(0)\np.toggle_map()\np")
    page = _browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.set_default_timeout(30_000)
    try:
        open_notebook(page, "projector_tall.ipynb")
        run_all(page)
        view = page.locator(".vignette-projector").first
        img = view.locator(".pv-map img")
        expect(img).to_be_visible()
        v = load_vignette(ref)
        path = ["opening"]
        while not v.scenes[path[-1]].is_ending:
            path.append(v.scenes[path[-1]].choices[0].next)
        smallest = smallest_label_px(v, path)
        fitted = map_geometry(img)
        print(f"tall map fitted: {fitted['nw']}x{fitted['nh']} px picture at {fitted['scale']:.2f}, "
              f"{fitted['h']:.0f} px tall in a {fitted['area']:.0f} px area: smallest label "
              f"{smallest * fitted['scale']:.1f} px")
        assert fitted["nh"] > fitted["area"], "this map is taller than the screen at its own size"
        assert fitted["h"] <= fitted["area"]
        page.screenshot(path=str(artifacts / "projector_tall_map_fitted.png"))
        view.locator(".pv-zoom").click()
        expect(view.locator(".pv-map.pv-map-full img")).to_be_visible()
        full = map_geometry(img)
        print(f"tall map at full size: {full['w']:.0f}x{full['h']:.0f} px: smallest label "
              f"{smallest * full['scale']:.1f} px")
        assert full["h"] > full["area"] and smallest * full["scale"] >= 20
        expect(view.locator(".pv-zoom")).to_have_text("Map fitted to the screen")
    finally:
        page.context.close()


def test_projector_by_keyboard_with_a_second_pages_vote(lab, _browser, open_notebook, run_all, artifacts, tmp_path):
    from playwright.sync_api import expect

    v = load_vignette(TIRED)
    box = tmp_path / "votes"
    box.mkdir()
    env = f"import os\nos.environ['COURSE_VOTE_DIR'] = {str(box)!r}"
    _notebook(lab.root / "projector_room.ipynb", "md:# Seminar", env,
              f"from course import play\nplay({TIRED!r}, mode='projector', session={SESSION!r})",
              "md:Notes after the projector")
    student_nb = json.loads((lab.root / "vote.ipynb").read_text())
    code = next(s for s in ("".join(c["source"]) for c in student_nb["cells"]) if "vote()" in s)
    _notebook(lab.root / "vote_student.ipynb", env, code.replace("vote()", f"vote(session={SESSION!r})"))

    leader = _browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    student = _browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    leader.set_default_timeout(30_000)
    student.set_default_timeout(30_000)
    try:
        open_notebook(leader, "projector_room.ipynb")
        run_all(leader)
        view = leader.locator(".vignette-projector").first
        expect(view.locator(".pv-scene")).to_contain_text("Scene 1")
        leader.wait_for_function("() => window.__courseProjectorKeys === true")   # the key script ran
        # large type on a 1920 px screen, and the view spans the notebook's width
        size = view.locator(".pv-scene p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        option_size = view.locator(".pv-options li").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        width = view.evaluate("e => e.getBoundingClientRect().width")
        print(f"projector at 1920x1080: scene text {size:.1f} px, options {option_size:.1f} px, view {width:.0f} px wide")
        assert size >= 24 and option_size >= 24 and width >= 1400
        reveal = view.locator(".pv-reveal")
        expect(reveal).to_have_text("Reveal consequences")
        assert reveal.evaluate("b => b.scrollWidth <= b.clientWidth + 1")   # the label is not cut off
        assert "opening" not in view.locator(".pv-scene").inner_text()

        # a second browser session votes from its own screen
        open_notebook(student, "vote_student.ipynb")
        run_all(student)
        ballot = student.locator(".course-vote")
        opening = letters_for(v, "opening")
        voted = LETTERS[1]
        ballot.get_by_label(f"{voted}. {v.scenes['opening'].choices[opening[1]].text}").check()
        ballot.get_by_role("button", name="Send my vote").click()
        expect(ballot.locator(".vote-status")).to_contain_text("is in")
        student.screenshot(path=str(artifacts / "vote_student.png"))

        # the leader: keyboard only from here (focus is given, not clicked)
        view.locator(".pv-scene").evaluate("e => { const r = e.closest('.vignette-projector');"
                                           " r.setAttribute('tabindex', '0'); r.focus(); }")
        # JupyterLab makes the cell that holds the focus the active one: the projector's (index 2)
        leader.wait_for_function("() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')]"
                                 ".findIndex(c => c.classList.contains('jp-mod-active')) === 2")
        before = active_cell(leader)
        leader.keyboard.press("v")
        expect(view.locator(".pv-options-view")).to_contain_text("1 vote so far")
        # hands in the room: three for A, typed in the count box
        view.locator(".pv-typed input").first.focus()
        leader.keyboard.press("Control+a")
        leader.keyboard.type("3")
        expect(view.locator(".pv-options-view")).to_contain_text("4 votes so far")
        leader.keyboard.press("PageDown")    # staged reveal: the room's choice (A, 3 votes) first, alone
        cards = view.locator(".pv-card")
        expect(cards).to_have_count(1)
        room = v.scenes["opening"].choices[opening[0]]
        expect(cards.first).to_contain_text("A.")
        expect(cards.first).to_contain_text("the room's choice")
        expect(cards.first).to_contain_text(room.text[:40])
        leader.screenshot(path=str(artifacts / "projector_first_card.png"))
        n = len(opening)
        for k in range(2, n + 1):
            leader.keyboard.press("PageDown")
            expect(cards).to_have_count(k)
        leader.keyboard.press("PageDown")    # after the last card: follow the room's choice
        expect(view.locator(".pv-scene")).to_contain_text("Scene 2")
        leader.keyboard.press("PageUp")      # back: the opening again, every card shown
        expect(view.locator(".pv-scene")).to_contain_text("Scene 1")
        expect(cards).to_have_count(n)
        leader.keyboard.press("ArrowRight")  # follow again
        expect(view.locator(".pv-scene")).to_contain_text("Scene 2")
        assert active_cell(leader) == before   # the keys never moved JupyterLab's cell selection

        # scene 2: the room votes for a choice that ends the vignette; reveal, follow, then the map
        second = room.next
        order = letters_for(v, second)
        to_end = next(p for p, i in enumerate(order) if v.scenes[v.scenes[second].choices[i].next].is_ending)
        view.locator(".pv-typed input").nth(to_end).focus()
        leader.keyboard.press("Control+a")
        leader.keyboard.type("5")
        expect(view.locator(".pv-options-view")).to_contain_text("5 votes so far")
        for k in range(1, len(order) + 1):   # one card at a time, each seen before the next press
            leader.keyboard.press("PageDown")
            expect(cards).to_have_count(k)
        leader.keyboard.press("PageDown")        # after the last card: follow the room's choice
        expect(view.locator(".pv-ending")).to_contain_text("The class's path")
        leader.keyboard.press("PageDown")    # the debrief: the map with the class's path
        img = view.locator(".pv-map img")
        expect(img).to_be_visible()
        path = ["opening", second, v.scenes[second].choices[order[to_end]].next]
        smallest = smallest_label_px(v, path)
        g = map_geometry(img)
        scale = g["scale"]
        shown = smallest * scale
        print(f"map fitted: {g['nw']}x{g['nh']} px picture shown at {scale:.2f}, {g['h']:.0f} px tall in a "
              f"{g['area']:.0f} px notebook area: smallest label {shown:.1f} px")
        assert shown >= 20
        assert g["h"] <= g["area"], "the whole map fits the notebook's visible height"
        seen = map_in_view(img)   # in view without the leader scrolling
        print(f"map at the debrief: {seen['top']:.0f}-{seen['bottom']:.0f} px in the notebook's "
              f"{seen['area_top']:.0f}-{seen['area_bottom']:.0f} px")
        assert seen["inside"], seen
        leader.screenshot(path=str(artifacts / "projector_map.png"))
        leader.keyboard.press("z")            # full size: as wide as the view, the page scrolls
        expect(view.locator(".pv-map.pv-map-full img")).to_be_visible()
        full = map_geometry(img)
        print(f"map at full size: {full['w']:.0f}x{full['h']:.0f} px")
        assert abs(full["h"] - full["w"] * full["nh"] / full["nw"]) <= 2 and full["scale"] >= scale
        leader.keyboard.press("z")
        expect(view.locator(".pv-map.pv-map-full")).to_have_count(0)
        assert active_cell(leader) == before
    finally:
        leader.context.close()
        student.context.close()


def _busy_button(seconds: int = 4) -> str:
    """A cell whose button keeps the kernel busy for `seconds` (a slow server, a loaded hub)."""
    return ("import time, ipywidgets as w\nbusy = w.Button(description='Keep the kernel busy')\n"
            f"busy.add_class('busy-maker')\nbusy.on_click(lambda _b: time.sleep({seconds}))\nbusy")


@pytest.mark.parametrize("by", ["PageDown", "mouse"])
def test_a_count_typed_while_the_kernel_is_busy_counts_before_the_view_moves_on(
        by, lab, _browser, open_notebook, run_all):
    """The leader types a count while the kernel is busy and the clicker goes on at once: every
    card, then the room's choice. ipywidgets sends the first keystroke of a box and holds back the
    rest until the kernel has handled it, and does not hold back a button's press. Before the
    key script waited for the counts, the presses overtook "12" in about half the runs: the
    kernel saw "1", the class followed A (5 votes) instead of B (12) and the step was recorded
    with B's 1 vote. The same with the mouse on "Next"."""
    from playwright.sync_api import expect

    from course.progress import ProgressStore

    session = "busy-room"
    v = load_vignette(TIRED)
    order = shuffled_order(order_seed(v, "discussion", session), "opening", len(v.scenes["opening"].choices))
    a, b = (v.scenes["opening"].choices[i] for i in order[:2])
    assert a.next != b.next, "the test needs A and B to lead to different scenes"
    _notebook(lab.root / "projector_busy.ipynb",
              f"from course import play\nplay({TIRED!r}, mode='projector', session={session!r})",
              _busy_button())
    page = _browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.set_default_timeout(30_000)
    try:
        open_notebook(page, "projector_busy.ipynb")
        run_all(page)
        view = page.locator(".vignette-projector").first
        boxes = view.locator(".pv-typed input")
        boxes.nth(0).fill("5")                  # A: 5, typed while the kernel is idle
        expect(view.locator(".pv-options-view")).to_contain_text("5 votes so far")
        page.locator(".busy-maker button, button.busy-maker").first.click()
        page.get_by_text("Python 3 (ipykernel) | Busy").first.wait_for()
        boxes.nth(1).focus()                    # B: 12, typed while the kernel sleeps
        page.keyboard.press("Control+a")
        page.keyboard.type("12", delay=20)
        for _ in range(len(order) + 1):         # every card, then follow the room's choice
            if by == "PageDown":
                page.keyboard.press("PageDown")
            else:
                view.locator(".pv-next").click()
        expect(view.locator(".pv-scene")).to_contain_text("Scene 2", timeout=30_000)
        expect(view.locator(".pv-options-view")).to_contain_text("What would you say?")
        scene2 = view.locator(".pv-scene").inner_text()
        step = next(e for e in ProgressStore(lab.progress).events() if e.kind == "discussion.step")
        print(f"recorded votes {step.data['votes']}, class went to {step.data['next']}")
        assert step.data["votes"] == {"A": 5, "B": 12, "C": 0}
        assert step.data["next"] == b.next
        assert v.scenes[b.next].lines[0].text[:40] in scene2
        expect(view.locator(".pv-options-view")).to_contain_text("0 votes so far")   # nothing carried over
    finally:
        page.context.close()
