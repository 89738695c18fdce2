"""A learner plays a vignette in JupyterLab, in a real (headless) browser, by label and keyboard."""
from __future__ import annotations

import re

from course.scenes import load_vignette

TIRED = "transference/are-you-tired-of-me"


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def press_tab_until(page, css_class: str, limit: int = 8) -> None:
    """Move keyboard focus forward with Tab until it rests on an element with css_class."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("c => !!document.activeElement.closest('.' + c)", css_class):
            return
    raise AssertionError(f"Tab never reached .{css_class}")


def tab_until_label(page, text: str, limit: int = 8) -> None:
    """Move focus forward with Tab until it rests on the radio whose label starts with text."""
    for _ in range(limit):
        if page.evaluate("t => { const l = document.activeElement.closest('label');"
                         " return !!l && l.innerText.trim().startsWith(t); }", text):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the response {text[:40]!r}")


def by_quality(scene, quality: str):
    """The scene's choice of that quality: the player shuffles choices, so tests name them by
    what they are, never by position."""
    return next(c for c in scene.choices if c.quality == quality)


def test_play_a_vignette_by_label_go_back_and_reach_an_ending(page, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    v = load_vignette(TIRED)
    opening = v.scenes["opening"]
    open_notebook(page, "authoring/try_a_vignette.ipynb")
    run_all(page)
    player = page.locator(".vignette-player.vignette-solo").first
    expect(player).to_contain_text("you must be sick of me")

    say = player.get_by_role("button", name="Say this")

    # choose the mixed response by its accessible label, and say it
    mixed = by_quality(opening, "mixed")
    player.get_by_label(mixed.text).check()
    player.get_by_role("button", name="Say this").click()
    feedback = player.locator(".vignette-feedback")
    expect(feedback).to_contain_text("Mixed response")
    expect(feedback).to_contain_text(first_sentence(mixed.feedback))
    page.screenshot(path=str(artifacts / "vignette_feedback.png"))

    # go back a step and choose differently, this time with the keyboard alone
    player.get_by_role("button", name="Go back a step").click()
    expect(feedback).to_have_count(0)
    helpful = player.get_by_label(by_quality(opening, "helpful").text)
    expect(helpful).to_be_enabled()
    helpful.focus()
    page.keyboard.press("Space")
    expect(helpful).to_be_checked()
    expect(say).to_be_enabled()  # the kernel enables it once the choice reaches it
    press_tab_until(page, "vignette-say")
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("Helpful response")
    expect(feedback).to_contain_text(first_sentence(by_quality(opening, "helpful").feedback))
    # the player moved focus to Continue, and after it to the choices: Enter, Space, Tab, Enter
    expect(player.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(player.locator(".vignette-transcript")).to_contain_text("My dad worked doubles")
    # focus lands on the first response shown (the order is shuffled for this visit); Tab to the helpful one
    expect(player.locator(".vignette-choice input[type=radio]").first).to_be_focused()
    chosen = by_quality(v.scenes["explore-the-fear"], "helpful")
    tab_until_label(page, chosen.text[:40])
    page.keyboard.press("Space")
    expect(player.get_by_label(chosen.text)).to_be_checked()
    expect(say).to_be_enabled()
    press_tab_until(page, "vignette-say")
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("Helpful response")
    page.keyboard.press("Enter")

    # one more helpful response, by mouse this time, leads to the 'understood' ending
    choice = by_quality(v.scenes["next-session"], "helpful")
    player.get_by_label(choice.text).check()
    player.get_by_role("button", name="Say this").click()
    expect(feedback).to_contain_text("Helpful response")
    player.locator(".vignette-continue").click()
    ending = player.locator(".vignette-ending")
    expect(ending).to_contain_text("Helpful outcome")
    expect(ending).to_contain_text("The path you took")
    expect(ending).to_contain_text(first_sentence(v.scenes["understood"].ending.summary))
    expect(ending).to_contain_text("Parental transference")  # a concept label from concepts.yml
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "vignette_ending.png"))

    # the discussion view further down reveals every consequence side by side
    seminar = page.locator(".vignette-player.vignette-discussion").first
    seminar.get_by_role("button", name="Reveal consequences").click()
    cards = seminar.locator(".vignette-consequences .vp-card")
    expect(cards).to_have_count(3)
    for word in ("Helpful response", "Mixed response", "Harmful response"):
        expect(seminar.locator(".vignette-consequences")).to_contain_text(word)
    seminar.locator(".vignette-consequences").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "vignette_discussion.png"))
