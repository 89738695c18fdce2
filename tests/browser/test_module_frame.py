"""Module 1 (the frame) as a learner sees it in JupyterLab: the reading renders, its figures show
with alt text and a text description, and a vignette plays by label through to an ending."""
from __future__ import annotations

import re


def _say(player, label_snippet: str, feedback_snippet: str) -> None:
    player.get_by_label(label_snippet, exact=False).check()
    player.get_by_role("button", name="Say this").click()
    player.locator(".vignette-feedback").get_by_text(feedback_snippet, exact=False).wait_for()


def _completions(folder) -> int:
    """module.complete records for module 1 in the progress store the kernel wrote."""
    import sqlite3

    db = next(iter(sorted(folder.glob("*.sqlite3"))), None)
    if db is None:
        return 0
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM events WHERE kind = 'module.complete' AND module = 'frame'").fetchone()[0]


def test_frame_reading_renders_and_a_vignette_plays_to_an_ending(lab, page, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    open_notebook(page, "01_the_frame.ipynb")
    run_all(page)

    # Both reading figures render as images with alt text, each followed by its text description.
    # (waiting assertions: the second figure renders a moment after the first)
    figures = page.locator("figure.course-figure")
    expect(figures).to_have_count(2)
    for i in range(2):
        expect(figures.nth(i).locator("img")).to_have_attribute("alt", re.compile(r"\w"))
        expect(figures.nth(i).locator(".figure-description")).to_contain_text("Text description.")

    # Play Marcus Bell's vignette along the helpful path, choosing each response by its label.
    player = page.locator(".vignette-player").filter(has_text="Marcus Bell")
    player.scroll_into_view_if_needed()
    _say(player, "Before I answer, can we look at it together?", "treat the wish as welcome")
    page.screenshot(path=str(artifacts / "01_the_frame_feedback.png"), full_page=False)
    player.get_by_role("button", name="Continue").click()
    _say(player, "a no to the coffee", "answer his question directly")
    player.get_by_role("button", name="Continue").click()
    _say(player, "connect with clients online", "same line online")
    player.get_by_role("button", name="See how it ends").click()

    ending = player.locator(".vignette-ending")
    expect(ending).to_contain_text("welcomed the wish")
    expect(ending).to_contain_text("For reflection")
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "01_the_frame_ending.png"), full_page=False)

    # Completion is offered, and recorded only when the learner presses the button after the work.
    done = page.get_by_role("button", name="Mark module 1 complete")
    done.scroll_into_view_if_needed()
    expect(done).to_be_enabled()
    assert _completions(lab.progress) == 0, "Run All must not record completion"
    done.click()
    # one rule: with vignettes and questions still to do, the press records nothing and says what is left
    note = page.locator(".module-complete-note")
    expect(note).to_contain_text("Not complete yet")
    expect(note).to_contain_text("To complete it")
    expect(done).to_be_enabled()
    assert _completions(lab.progress) == 0, "a module with work left is not recorded complete"
