"""Module 1 (the frame) as a learner sees it in JupyterLab: the reading renders, its figures show
with alt text and a text description, and a vignette plays by label through to an ending."""
from __future__ import annotations


def _say(player, label_snippet: str, feedback_snippet: str) -> None:
    player.get_by_label(label_snippet, exact=False).check()
    player.get_by_role("button", name="Say this").click()
    player.locator(".vignette-feedback").get_by_text(feedback_snippet, exact=False).wait_for()


def test_frame_reading_renders_and_a_vignette_plays_to_an_ending(page, open_notebook, run_all, artifacts):
    open_notebook(page, "01_the_frame.ipynb")
    run_all(page)

    # Both reading figures render as images with alt text, each followed by its text description.
    figures = page.locator("figure.course-figure")
    figures.first.wait_for()
    assert figures.count() == 2
    for i in range(2):
        assert figures.nth(i).locator("img").get_attribute("alt")
        assert "Text description." in (figures.nth(i).locator(".figure-description").text_content() or "")

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
    ending.get_by_text("welcomed the wish", exact=False).wait_for()
    assert "For reflection" in (ending.text_content() or "")
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "01_the_frame_ending.png"), full_page=False)

    # Completion is offered, and not recorded until the learner presses the button.
    done = page.get_by_role("button", name="Mark module 1 complete")
    done.scroll_into_view_if_needed()
    assert done.is_enabled()
    done.click()
    page.locator("p[role=status]", has_text="Module 1 is marked complete").wait_for()
    assert done.is_disabled()
