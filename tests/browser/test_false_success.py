"""No false success (issue 14, items 1 and 2), as a student meets it in JupyterLab.

Start notebook and a graded notebook: fill the answer, run it and its check (it can be read);
delete the quotes, run both again: the check now says in plain words that the answer cannot be
read and how to fix it, although the kernel still holds the earlier value. In the graded notebook,
after Kernel > Restart the check cell run alone gives plain guidance, never a NameError.
"""
from __future__ import annotations

import re

import nbformat

from tests.browser.conftest import REPO, wait_idle

REFLECTION = ("Jordan can thank Priya for saying it and explain warmly that the hour stays hers, "
              "which is why he will not meet her for lunch, and then explore the loneliness behind it.")


def _replace_cell_text(page, cell, text: str) -> None:
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def _run_cell_and_next(page, cell) -> None:
    """Shift+Enter on the answer cell; once it has run (as a student sees its number change),
    Shift+Enter on the check cell below. (Pressed at once, the kernel would drop the queued check
    after the answer cell's SyntaxError, as Jupyter does after any error.)"""
    from playwright.sync_api import expect

    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.text_content() or ""
    page.keyboard.press("Shift+Enter")
    expect(prompt).not_to_have_text(before)
    expect(prompt).to_have_text(re.compile(r"\[\d+\]"))
    page.keyboard.press("Shift+Enter")


def _student_copy(dest) -> None:
    """m1 as released: answer templates without the solution, check cells without hidden tests."""
    nb = nbformat.read(str(REPO / "grading/source/m1_frame/m1_frame.ipynb"), as_version=4)
    for cell in nb.cells:
        for marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            if marker in cell.source:
                cell.source = cell.source.split(marker)[0].rstrip() + "\n"
    nbformat.write(nb, str(dest))


def test_start_notebook_practice_check_reads_the_cell_not_the_kernel(page, open_notebook, run_all):
    from playwright.sync_api import expect

    open_notebook(page, "00_start_here.ipynb")
    run_all(page)
    message = page.locator(".orientation-template")
    expect(message).to_contain_text("The template is still empty")

    answer = page.locator(".jp-CodeCell").filter(has_text="practice_answer = ")
    _replace_cell_text(page, answer, f'practice_answer = """{REFLECTION}"""')
    _run_cell_and_next(page, answer)
    expect(message).to_contain_text("Readable:")

    # delete the quotes: the cell fails to run, the kernel keeps the old text, the check must not
    _replace_cell_text(page, answer, f"practice_answer = {REFLECTION}")
    _run_cell_and_next(page, answer)
    expect(message).to_contain_text("cannot read this answer")
    expect(message).to_contain_text("Put the template back")
    expect(message).not_to_contain_text("Readable")
    expect(message).not_to_contain_text("Saved")


def test_graded_self_check_reads_the_cell_and_survives_a_restart(page, lab, open_notebook):
    from playwright.sync_api import expect

    _student_copy(lab.root / "m1_frame.ipynb")
    open_notebook(page, "m1_frame.ipynb")
    check = page.locator(".course-selfcheck")
    answer = page.locator(".jp-CodeCell").filter(has_text='answer_1 = """')

    _replace_cell_text(page, answer, f'answer_1 = """\n{REFLECTION}\n"""')
    _run_cell_and_next(page, answer)
    expect(check).to_contain_text("Question 1: the grader can read your reflection")

    # delete the closing quotes (the case in the issue): plain words, no word count
    _replace_cell_text(page, answer, f'answer_1 = """\n{REFLECTION}\n')
    _run_cell_and_next(page, answer)
    expect(check).to_contain_text("Question 1: the grader cannot read this answer")
    expect(check).to_contain_text("Put the template back")
    expect(check).not_to_contain_text("words")

    # Kernel > Restart, then the check cell alone: guidance, not NameError
    wait_idle(page)
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel(…|\.\.\.)")).first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()  # the dialog's "Restart" button
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    wait_idle(page)
    check_cell = page.locator(".jp-CodeCell").filter(has_text='check_answer("answer_1")')
    check_cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(check).to_contain_text("has not seen the answer cell run yet")
    expect(page.locator(".jp-OutputArea-output").filter(has_text="NameError")).to_have_count(0)
    expect(page.locator(".jp-OutputArea-output").filter(has_text="Traceback")).to_have_count(0)
