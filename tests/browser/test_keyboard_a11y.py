"""Keyboard only, in JupyterLab: a whole vignette and a self-check without the mouse, and every
control named for assistive technology (read from the browser's accessibility tree).

Focus moves only by Tab, Shift+Tab, arrow keys, Space and Enter, from the notebook's own
focus after Run All; nothing is clicked and nothing is focused programmatically.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

FIX = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = FIX / "vignettes" / "ok" / "transference" / "fixture-minimal.yml"
QUESTIONS = FIX / "questions" / "good"


def _probe(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [
        nbformat.v4.new_code_cell("from course import play, self_check"),
        nbformat.v4.new_code_cell(f"play({str(MINIMAL)!r})"),
        nbformat.v4.new_code_cell(f"self_check('frame.asymmetry', {str(QUESTIONS)!r})"),
    ]
    nbformat.write(nb, root / "keyboard_probe.ipynb")
    return "keyboard_probe.ipynb"


def _active(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        const lab = e && e.closest('label');
        return {tag: e ? e.tagName : '', type: e && e.type || '', cls: e ? String(e.className) : '',
                text: ((e && e.innerText) || (lab && lab.innerText) || '').trim(),
                where: e && e.closest('.vignette-player') ? 'player' : e && e.closest('.selfcheck') ? 'selfcheck' : ''}; }""")


def tab_to(page, test, limit: int = 80, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies test(active)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        a = _active(page)
        seen.append(f"{a['tag']}.{a['cls'][:30]}:{a['text'][:30]}")
        if test(a):
            return a
    raise AssertionError("keyboard focus never got there; it visited: " + " | ".join(seen[-25:]))


def _radio(text_start: str):
    return lambda a: a["tag"] == "INPUT" and a["type"] == "radio" and a["text"].startswith(text_start)


def _button(name: str, where: str):
    return lambda a: a["tag"] == "BUTTON" and a["text"] == name and a["where"] == where


def settle_in_choices(page) -> None:
    """After Continue, Go back or Start again the player moves focus to its choices by a message from
    the kernel; wait for it to land, or a Tab pressed meanwhile is overtaken by that late focus."""
    page.wait_for_function("""() => { const e = document.activeElement;
        return !!e && e.type === 'radio' && !!e.closest('.vignette-player'); }""", timeout=15000)


def _unnamed_controls(region) -> list[str]:
    """Lines of the accessibility snapshot that are controls without a name."""
    snap = region.aria_snapshot()
    return [ln for ln in snap.splitlines()
            if re.match(r"\s*- (button|radio|checkbox|textbox|combobox|slider|link)\b(?!\s*\")", ln)]


def test_a_whole_vignette_and_a_self_check_by_keyboard_alone(page, lab, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    open_notebook(page, _probe(lab.root))
    run_all(page)
    player = page.locator(".vignette-player").first
    expect(player).to_contain_text("Do you like me?")
    selfcheck = page.locator(".selfcheck").first
    expect(selfcheck).to_be_visible()

    # every control is named, in the browser's own accessibility tree
    assert _unnamed_controls(player) == []
    assert _unnamed_controls(selfcheck) == []
    snap = player.aria_snapshot()
    assert 'radio "“Of course.”"' in snap and 'button "Say this"' in snap

    # leave the code editor (Escape: command mode), then Tab to the second response and press
    # Space (ipywidgets 8 gives each radio its own Tab stop; arrow keys do not move between them)
    page.keyboard.press("Escape")
    tab_to(page, _radio("“Of course.”"))
    page.keyboard.press("Space")
    expect(player.get_by_label("“Of course.”")).to_be_checked()
    tab_to(page, _button("Say this", "player"))
    page.keyboard.press("Enter")
    feedback = player.locator(".vignette-feedback")
    expect(feedback).to_contain_text("Mixed response")
    expect(feedback.locator("[role=status]")).to_have_count(1)
    continue_ = player.get_by_role("button", name="Continue")
    expect(continue_).to_be_focused()               # focus followed the learner's action
    expect(continue_).to_have_attribute("title", re.compile(r"^Mixed response"))
    page.keyboard.press("Enter")
    expect(player.locator(".vignette-transcript")).to_contain_text("Okay.")
    settle_in_choices(page)                         # focus followed to the next scene's choices

    # go back a step with the keyboard, then take the helpful path to its ending
    tab_to(page, _button("Go back a step", "player"))
    page.keyboard.press("Enter")
    expect(player.locator(".vignette-transcript")).to_contain_text("Do you like me?")
    settle_in_choices(page)
    tab_to(page, _radio("“What makes you ask?”"), back=True)
    page.keyboard.press("Space")
    expect(player.get_by_label("“What makes you ask?”")).to_be_checked()
    tab_to(page, _button("Say this", "player"))
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("Helpful response")
    expect(player.get_by_role("button", name="See how it ends")).to_be_focused()
    page.keyboard.press("Enter")
    ending = player.locator(".vignette-ending")
    expect(ending).to_contain_text("Helpful outcome")
    expect(ending.locator("[role=status]")).to_have_count(1)
    expect(player.get_by_role("button", name="Start again")).to_be_focused()
    page.keyboard.press("Enter")                    # restart at the ending
    expect(player.locator(".vignette-transcript")).to_contain_text("Do you like me?")
    settle_in_choices(page)
    expect(player.get_by_role("button", name="Say this")).to_be_visible()
    page.screenshot(path=str(artifacts / "keyboard_vignette.png"))

    # the self-check below, still by keyboard: a wrong answer, try again, the right one
    wrong_text = "Because counselors are trained never to feel anything about clients."
    right_text = "So that the session stays the client's space to speak and be helped."
    tab_to(page, lambda a: a["where"] == "selfcheck" and a["type"] == "radio" and a["text"] == wrong_text)
    page.keyboard.press("Space")
    expect(selfcheck.get_by_label(wrong_text)).to_be_checked()
    tab_to(page, _button("Check my answer", "selfcheck"))
    page.keyboard.press("Enter")
    fb = selfcheck.locator(".selfcheck-feedback")
    expect(fb).to_contain_text("Not this one.")
    expect(fb.locator("[role=status]")).to_have_count(1)
    tab_to(page, _button("Try again", "selfcheck"))
    page.keyboard.press("Enter")
    right = selfcheck.get_by_label(right_text)
    expect(right).to_be_enabled()
    tab_to(page, lambda a: a["where"] == "selfcheck" and a["type"] == "radio" and a["text"] == right_text, back=True)
    page.keyboard.press("Space")
    expect(right).to_be_checked()
    tab_to(page, _button("Check my answer", "selfcheck"))
    page.keyboard.press("Enter")
    expect(fb).to_contain_text("Correct.")
    assert _unnamed_controls(selfcheck) == []
    page.screenshot(path=str(artifacts / "keyboard_selfcheck.png"))
