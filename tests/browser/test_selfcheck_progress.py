"""Self-checks and the progress dashboard as a learner sees them in JupyterLab.

A self-check is answered with the keyboard alone (options found by their accessible labels);
the answer is saved without the learner doing anything, and 99_my_progress.ipynb then draws it.
"""
from __future__ import annotations

import re
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
    expect(fb).to_contain_text("Not this one.")
    expect(fb).to_contain_text("have reactions")
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
    expect(fb).to_contain_text("Correct.")

    # multiple answer: tick two of the three right ones with the keyboard
    second = page.locator(".selfcheck").nth(1)
    for label in ("A regular meeting time and length.", "The limits of confidentiality."):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
    second.get_by_role("button", name="Check my answer").focus()
    page.keyboard.press("Enter")
    expect(second.locator(".selfcheck-feedback")).to_contain_text("Partly right")
    expect(second.locator(".selfcheck-feedback")).to_contain_text("You left this unticked. It applies.")
    expect(second.locator(".selfcheck-feedback")).not_to_contain_text("You left blank")
    page.screenshot(path=str(artifacts / "selfcheck.png"), full_page=True)

    # the answers were saved without being asked (in this test's own progress folder, which was
    # empty when the test began); the dashboard, in a new kernel, reads them back and draws them:
    # both questions answered, counted once each, whatever else any other test answered
    assert any(lab.progress.glob("*.sqlite3")), "nothing was saved in this test's progress folder"
    open_notebook(page, "99_my_progress.ipynb")
    run_all(page)
    dash = page.locator(".progress-dashboard")
    expect(dash).to_be_visible()
    imgs = dash.locator("img")
    expect(imgs).to_have_count(3)
    expect(imgs.nth(0)).to_have_attribute("alt", re.compile(r"(^|\D)2 self-check questions answered"))
    expect(dash).to_contain_text("What next:")
    page.screenshot(path=str(artifacts / "99_my_progress.png"), full_page=True)
