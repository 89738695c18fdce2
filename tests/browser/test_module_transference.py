"""Module 2 (transference) as a learner sees it in JupyterLab: the reading renders, its figures
carry text descriptions, a vignette is played by its accessible labels through to feedback, and
completion is recorded only when the learner presses the button."""
from __future__ import annotations


def test_transference_reading_plays_a_vignette(page, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    open_notebook(page, "02_transference.ipynb")
    run_all(page)

    # both figures rendered as images whose alt text is the description printed beneath them
    figures = page.locator(".course-figure img")
    expect(figures).to_have_count(2)
    alts = [figures.nth(i).get_attribute("alt") for i in range(2)]
    assert all(a.startswith("Text description of the figure.") for a in alts)
    assert any("Notice" in a and "Revise" in a for a in alts)
    figure = page.locator(".course-figure").nth(1)
    figure.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # let the notebook's virtual scrolling settle before the picture
    figure.screenshot(path=str(artifacts / "02_transference_figure.png"))

    # three vignette players and the self-check are on the page
    players = page.locator(".vignette-player")
    expect(players).to_have_count(3)
    expect(page.locator(".selfcheck").first).to_be_attached()

    # play Leah's vignette: choose by the option's accessible label, say it, read the feedback
    leah = players.filter(has_text="I think about you more than I should")
    leah.scroll_into_view_if_needed()
    option = page.get_by_label("Feelings like these are welcome here", exact=False)
    option.focus()
    page.keyboard.press("Space")
    say = leah.get_by_role("button", name="Say this")
    say.focus()
    page.keyboard.press("Enter")
    feedback = leah.locator(".vignette-feedback")
    expect(feedback).to_contain_text("Helpful")
    expect(feedback).to_contain_text("protects the very space")
    page.screenshot(path=str(artifacts / "02_transference_vignette.png"), full_page=False)

    # the next scene continues the story
    leah.get_by_role("button", name="Continue").click()
    leah.get_by_text("Nobody does that", exact=False).wait_for()

    # completion: nothing was recorded by Run All; the button records it and says so
    done = page.get_by_role("button", name="Mark module 2 complete")
    done.scroll_into_view_if_needed()
    expect(done).to_be_enabled()
    done.click()
    # one rule: with vignettes and questions still to do, the press records nothing and says what is left
    note = page.locator(".module-complete-note")
    expect(note).to_contain_text("Not complete yet")
    expect(note).to_contain_text("To complete it")
    expect(done).to_be_enabled()
    page.screenshot(path=str(artifacts / "02_transference_complete.png"), full_page=False)
