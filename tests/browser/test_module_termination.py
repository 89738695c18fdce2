"""Module 5 (termination) as a learner sees it in JupyterLab: the reading renders, its figure shows
with alt text and a text description, and Ximena's vignette plays by label through to its helpful,
honestly unresolved ending."""
from __future__ import annotations

from playwright.sync_api import expect


def _say(player, label_snippet: str, feedback_snippet: str) -> None:
    player.get_by_label(label_snippet, exact=False).check()
    player.get_by_role("button", name="Say this").click()
    expect(player.locator(".vignette-feedback").get_by_text(feedback_snippet, exact=False)).to_be_visible()


def test_termination_reading_renders_and_the_trainee_vignette_plays_to_an_ending(page, open_notebook, run_all, artifacts):
    open_notebook(page, "05_termination.ipynb")
    run_all(page)

    # The former-clients figure renders as an image with alt text, followed by its text description.
    figures = page.locator("figure.course-figure")
    expect(figures).to_have_count(1)
    expect(figures.first.locator("img")).to_have_attribute("alt", "Schematic timeline comparing code rules on sexual relationships and on friendship with former clients")
    expect(figures.first.locator(".figure-description")).to_contain_text("Text description.")
    expect(figures.first.locator(".figure-description")).to_contain_text("not measured data")

    # Three vignettes have a home in the reading.
    for name in ("Ximena Paredes", "Sunita Raman", "Harold"):
        expect(page.locator(".vignette-player").filter(has_text=name)).to_have_count(1)

    # Play Ximena's vignette along the helpful path, choosing each response by its label.
    player = page.locator(".vignette-player").filter(has_text="Ximena Paredes")
    player.scroll_into_view_if_needed()
    _say(player, "Stay with the midterm", "You honor her achievement")
    page.screenshot(path=str(artifacts / "05_termination_feedback.png"), full_page=False)
    player.get_by_role("button", name="Continue").click()
    _say(player, "You said that fast", "You notice the speed of her reassurance")
    player.get_by_role("button", name="Continue").click()
    _say(player, "This ending is real, and it isn't about you", "You take her history seriously")
    player.get_by_role("button", name="Continue").click()
    _say(player, "Send a short note through the secure portal", "Outreach after a missed session")
    player.get_by_role("button", name="Continue").click()
    _say(player, "Tova is the person to tell now", "You answer the feeling")
    player.get_by_role("button", name="See how it ends").click()

    ending = player.locator(".vignette-ending")
    expect(ending).to_contain_text("You told Ximena early and plainly")
    expect(ending).to_contain_text("you will never know for certain")
    expect(ending).to_contain_text("For reflection")
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "05_termination_ending.png"), full_page=False)

    # Completion is offered, and recorded only when the learner presses the button after the work.
    done = page.get_by_role("button", name="Mark module 5 complete")
    done.scroll_into_view_if_needed()
    expect(done).to_be_enabled()
    done.click()
    # one rule: with vignettes and questions still to do, the press records nothing and says what is left
    note = page.locator(".module-complete-note")
    expect(note).to_contain_text("Not complete yet")
    expect(note).to_contain_text("To complete it")
    expect(done).to_be_enabled()
