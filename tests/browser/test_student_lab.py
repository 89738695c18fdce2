"""What `make lab` shows a student, and `make grade` an instructor, in Chromium: the student's lab has
no nbgrader instructor tools and no news prompt, wraps a long answer, and opens the reading view from
the notebook's toolbar; the instructor's lab has formgrader."""
from __future__ import annotations

import re

from tests.browser.conftest import IDLE
from tests.make_server import TOKEN

# what would show code on a page: a code cell's input or prompt, a CodeMirror editor (5 or 6)
CODE = ".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputPrompt, .jp-InputArea-editor, .cm-editor, .CodeMirror"
ANSWER = " ".join(["the client may be testing whether the frame holds when she brings her loss into the room"] * 10)


def _open(page, served, path: str = "tree/00_start_here.ipynb"):
    page.goto(f"{served.url}/lab/{path}?token={TOKEN}")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=90_000)
    page.get_by_text(IDLE, exact=False).first.wait_for(timeout=90_000)


def test_students_lab_has_no_instructor_tools_no_news_and_wraps_long_answers(student_lab, page, artifacts):
    from playwright.sync_api import expect

    _open(page, student_lab)
    menubar = page.locator("#jp-MainMenu")
    expect(menubar.get_by_text("Kernel", exact=True)).to_be_visible()
    # nbgrader's student part is there (Validate on the notebook's toolbar), its instructor parts are not
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Toolbar").get_by_text("Validate", exact=True)).to_be_visible()
    expect(menubar.get_by_text("Nbgrader", exact=True)).to_have_count(0)
    expect(page.get_by_text(re.compile("Formgrader|Create Assignment|Course List", re.I))).to_have_count(0)
    # a fresh start (empty user settings) does not ask about Jupyter news
    expect(page.get_by_text(re.compile("Jupyter news", re.I))).to_have_count(0)

    # a long answer typed into an answer cell wraps instead of running off to the right
    cell = panel.locator(".jp-CodeCell").filter(has_text='"""').first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")   # inside the closing quotes
    page.keyboard.insert_text(" " + ANSWER)
    line = cell.locator(".cm-line").filter(has_text="brings her loss").first
    expect(line).to_be_visible()
    page.wait_for_function(
        """el => { const l = el.getBoundingClientRect().height;
                   const one = parseFloat(getComputedStyle(el).lineHeight) || 17;
                   const sc = el.closest('.cm-scroller');
                   return l > 4 * one && sc.scrollWidth <= sc.clientWidth + 2; }""",
        arg=line.element_handle(), timeout=15_000)
    cell.screenshot(path=str(artifacts / "student_lab_answer_wraps.png"))

    # the reading view is a toolbar button away: the same notebook as a page without code
    panel.locator(".jp-Toolbar [title='Render with Voilà']").first.click()
    frame = page.frame_locator("iframe[src*='voila/render/00_start_here.ipynb']")
    expect(frame.locator(".jp-RenderedMarkdown").first).to_be_visible(timeout=120_000)
    expect(frame.locator(".widget-button, button.jupyter-button").first).to_be_visible(timeout=120_000)
    expect(frame.locator(CODE)).to_have_count(0)
    page.screenshot(path=str(artifacts / "student_lab_reading_view.png"))


def test_instructors_lab_has_formgrader(instructor_lab, page, artifacts):
    from playwright.sync_api import expect

    page.goto(f"{instructor_lab.url}/lab?token={TOKEN}")
    menubar = page.locator("#jp-MainMenu")
    menubar.get_by_text("Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name=re.compile("^Formgrader")).click()
    frame = page.frame_locator("iframe[src*='formgrader']")
    expect(frame.get_by_text("Manage Assignments").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile("Jupyter news", re.I))).to_have_count(0)
    page.screenshot(path=str(artifacts / "instructor_lab_formgrader.png"))
