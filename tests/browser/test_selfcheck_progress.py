"""Self-checks and the progress dashboard as a learner sees them in JupyterLab.

A self-check is answered with the keyboard alone (options found by their accessible labels);
the answer is saved without the learner doing anything, and 99_my_progress.ipynb then draws it.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "questions" / "good"


def _probe(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [nbformat.v4.new_code_cell(f"from course.questions import self_check\nself_check('frame', {str(FIXTURES)!r})")]
    nbformat.write(nb, root / "selfcheck_probe.ipynb")
    return "selfcheck_probe.ipynb"


def test_self_check_by_keyboard_then_dashboard(lab, page, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    open_notebook(page, _probe(lab.root))
    run_all(page)
    first = page.locator(".selfcheck").nth(0)
    first.wait_for()
    # single answer: a wrong option by keyboard, feedback, try again, the right one
    wrong = page.get_by_label("Because counselors are trained never to feel anything about clients.")
    wrong.focus()
    page.keyboard.press("Space")
    check = first.get_by_role("button", name="Check my answer")
    check.focus()
    page.keyboard.press("Enter")
    fb = first.locator(".selfcheck-feedback")
    fb.get_by_text("Not this one.").wait_for()
    assert "have reactions" in fb.inner_text()
    retry = first.get_by_role("button", name="Try again")
    retry.focus()
    page.keyboard.press("Enter")
    right = page.get_by_label("So that the session stays the client's space to speak and be helped.")
    expect(right).to_be_enabled()          # the kernel has re-enabled the options
    expect(fb).to_have_text("")
    right.focus()
    page.keyboard.press("Space")
    check.focus()
    page.keyboard.press("Enter")
    fb.get_by_text("Correct.").wait_for()

    # multiple answer: tick two of the three right ones with the keyboard
    second = page.locator(".selfcheck").nth(1)
    for label in ("A regular meeting time and length.", "The limits of confidentiality."):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
    second.get_by_role("button", name="Check my answer").focus()
    page.keyboard.press("Enter")
    second.locator(".selfcheck-feedback").get_by_text("Partly right").wait_for()
    assert "You left blank" in second.locator(".selfcheck-feedback").inner_text()
    page.screenshot(path=str(artifacts / "selfcheck.png"), full_page=True)

    # the answers were saved without being asked; the dashboard draws them
    open_notebook(page, "99_my_progress.ipynb")
    run_all(page)
    dash = page.locator(".progress-dashboard")
    dash.wait_for()
    imgs = dash.locator("img")
    assert imgs.count() == 3
    assert "self-check questions answered" in imgs.nth(0).get_attribute("alt")
    assert "What next:" in dash.inner_text()
    page.screenshot(path=str(artifacts / "99_my_progress.png"), full_page=True)
