"""Module 6 (capstone) as a learner sees it in JupyterLab: an early choice changes a later episode.

The learner plays episode 1 along two different paths; after each, the episode 5 cell is run again
and opens differently (she knew the end date / nobody told her). The learner writes a case note, sees
the model note, builds the case summary and downloads it as Markdown and HTML."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import wait_idle


def _say(player, label_snippet: str, feedback_snippet: str) -> None:
    player.get_by_label(label_snippet, exact=False).check()
    player.get_by_role("button", name="Say this").click()
    expect(player.locator(".vignette-feedback").get_by_text(feedback_snippet, exact=False)).to_be_visible()


def _next(player, name: str = "Continue") -> None:
    player.get_by_role("button", name=name).click()


def _rerun_cell(page, code_snippet: str):
    """Run one cell again. Its code is folded (not in the page), so find it by its place in the notebook."""
    import json

    from tests.browser.conftest import REPO

    cells = json.loads((REPO / "notebooks" / "06_capstone.ipynb").read_text(encoding="utf-8"))["cells"]
    index = [i for i, c in enumerate(cells) if code_snippet in "".join(c["source"])]
    assert len(index) == 1, code_snippet
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(index[0])
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-Cell-inputWrapper").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    return cell


def test_capstone_early_choice_changes_a_later_episode_notes_and_summary_download(
        page, open_notebook, run_all, artifacts, tmp_path):
    open_notebook(page, "06_capstone.ipynb")
    run_all(page)

    first = page.locator(".case-episode").filter(has_text="Episode 1: The first hour")
    first.scroll_into_view_if_needed()

    # Path 1: trainee status, the end date, recording and social media all explained at intake.
    _say(first, "“A few things matter for you", "You kept the hour hers")
    _next(first)
    _say(first, "“Only two people hear it: me", "Specific facts")
    _next(first)
    _say(first, "“My professional page is on the", "You explained the boundary before any request")
    _next(first)
    _say(first, "“Here's what I heard: you carry", "A summary in her own words")
    _next(first, "See how it ends")
    expect(first.locator(".vignette-ending")).to_contain_text("Hala knows who she is working with")

    last = _rerun_cell(page, 'play_episode("capstone/the-last-weeks")')
    expect(last.locator(".case-memory")).to_contain_text("ends in early May")
    expect(last.locator(".vignette-transcript")).to_contain_text("Three more Tuesdays. I counted.")
    last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "06_capstone_ending_expected.png"), full_page=False)

    # Path 2: start episode 1 again and never say who you are or when you leave.
    first.scroll_into_view_if_needed()
    first.get_by_role("button", name="Start again").click()
    _say(first, "“I'm one of the counselors here", "It sounds kind, but")
    _next(first)
    _say(first, "“As long as you need. There's", "the warmest-sounding answer")
    _next(first, "See how it ends")
    expect(first.locator(".vignette-ending")).to_contain_text("You offered Hala what she most lacks")

    last = _rerun_cell(page, 'play_episode("capstone/the-last-weeks")')
    expect(last.locator(".vignette-transcript")).to_contain_text("Twenty-three sessions and nobody told me")
    expect(last.locator(".vignette-transcript")).not_to_contain_text("I counted")
    last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "06_capstone_ending_surprised.png"), full_page=False)

    # The case note after episode 1: the model note appears only after the learner's note is saved.
    note = page.locator(".case-note").filter(has_text="Case notes after episode 1")
    note.scroll_into_view_if_needed()
    expect(note.locator(".case-note-model")).not_to_contain_text("A model note")
    note.locator(".case-note-text textarea").fill("Intake with Hala, 46. I did not tell her I am a trainee.")
    note.locator(".case-note-question textarea").fill("How do I correct what I left out of consent?")
    note.get_by_role("button", name="Save my note").click()
    expect(note.locator(".case-note-model")).to_contain_text("A model note")
    expect(note.locator(".case-note-status")).to_contain_text("Saved")

    # The case summary: built from the store, downloaded as Markdown and as HTML.
    summary = page.locator(".case-summary")
    summary.scroll_into_view_if_needed()
    summary.get_by_role("button", name="Build my case summary").click()
    expect(summary.locator(".case-summary-links")).to_contain_text("1 of 5 notes written")
    with page.expect_download() as info:
        summary.get_by_role("link", name="Download as Markdown (.md)").click()
    md_file = Path(info.value.path())
    assert info.value.suggested_filename == "case-summary-hala-and-tamsin.md"
    text = md_file.read_text(encoding="utf-8")
    assert "I did not tell her I am a trainee." in text and "How do I correct what I left out" in text
    assert "You offered Hala what she most lacks" in text        # the latest path through episode 1
    with page.expect_download() as info:
        summary.get_by_role("link", name="Download as HTML (.html)").click()
    assert info.value.suggested_filename == "case-summary-hala-and-tamsin.html"
    assert "I did not tell her I am a trainee." in Path(info.value.path()).read_text(encoding="utf-8")
    page.screenshot(path=str(artifacts / "06_capstone_summary.png"), full_page=False)
