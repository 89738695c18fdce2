"""Module 3 (countertransference) as a learner sees it in JupyterLab: the reading renders, both
figures show with alt text and a text description, and the dislike-and-repair vignette plays by label
through to its helpful ending, which stays honestly unresolved."""
from __future__ import annotations

from playwright.sync_api import expect


def _say(player, label_snippet: str, feedback_snippet: str) -> None:
    player.get_by_label(label_snippet, exact=False).check()
    player.get_by_role("button", name="Say this").click()
    expect(player.locator(".vignette-feedback").get_by_text(feedback_snippet, exact=False)).to_be_visible()


def _next(player, name: str = "Continue") -> None:
    player.get_by_role("button", name=name).click()


def test_countertransference_reading_renders_and_a_vignette_plays_to_an_ending(page, open_notebook, run_all,
                                                                             artifacts):
    open_notebook(page, "03_countertransference.ipynb")
    run_all(page)

    # The two reading figures render as images with alt text, each followed by its text description.
    for alt_start in ("Schematic: three sources", "Bar chart of correlations"):
        fig = page.locator("figure.course-figure").filter(has=page.locator(f'img[alt^="{alt_start}"]'))
        expect(fig).to_have_count(1)
        expect(fig.locator(".figure-description")).to_contain_text("Text description.")

    # Play Bernie's vignette along the repair-and-consultation path, choosing each response by its label.
    player = page.locator(".vignette-player").filter(has_text="Bernie")
    player.scroll_into_view_if_needed()
    _say(player, "“I'm glad you came. I've been", "A specific, brief acknowledgement")
    page.screenshot(path=str(artifacts / "03_countertransference_feedback.png"), full_page=False)
    _next(player)
    _say(player, "“You notice a lot, and you", "small, real accommodation")
    _next(player)
    _say(player, "Take the link to your mother", "self-insight in action")
    _next(player)
    _say(player, "Tell him about the curt remark", "the case and the counselor")
    _next(player)
    _say(player, "“I notice that when things feel", "now understood, became a hypothesis")
    _next(player, "See how it ends")

    ending = player.locator(".vignette-ending")
    expect(ending.get_by_text("Nothing was transformed", exact=False)).to_be_visible()
    expect(ending).to_contain_text("For reflection")
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "03_countertransference_ending.png"), full_page=False)

    # Completion is offered, and recorded only when the learner presses the button.
    done = page.get_by_role("button", name="Mark module 3 complete")
    done.scroll_into_view_if_needed()
    expect(done).to_be_enabled()
    done.click()
    # one rule: with vignettes and questions still to do, the press records nothing and says what is left
    note = page.locator(".module-complete-note")
    expect(note).to_contain_text("Not complete yet")
    expect(note).to_contain_text("To complete it")
    expect(done).to_be_enabled()
