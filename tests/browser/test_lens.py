"""The ethics-code lens in JupyterLab: chosen in the start notebook, it changes module 5's comparison
table and the order in which a vignette's feedback cites the codes."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_all_ran, wait_idle

ACA_FIRST = re.compile(r"Codes:\s*ACA Code of Ethics \(2014\), A\.11\.c;\s*APA Ethical Principles.*10\.10\(c\)")
APA_FIRST = re.compile(r"Codes:\s*APA Ethical Principles.*10\.10\(c\);\s*ACA Code of Ethics \(2014\), A\.11\.c")


def _say_midterm(page, expected: re.Pattern) -> None:
    player = page.locator(".vignette-player").filter(has_text="Ximena Paredes")
    player.scroll_into_view_if_needed()
    player.get_by_label("Stay with the midterm", exact=False).check()
    player.get_by_role("button", name="Say this").click()
    expect(player.locator(".vignette-feedback")).to_contain_text(expected)


def test_switching_the_lens_from_aca_to_apa_changes_module_5(page, open_notebook, run_all, artifacts):
    open_notebook(page, "00_start_here.ipynb")
    run_all(page)
    picker = page.locator(".course-lens-picker")
    picker.scroll_into_view_if_needed()
    picker.get_by_label("ACA (counselors)").check()
    expect(page.locator(".course-lens-status")).to_contain_text("Saved. The course now shows the ACA Code of Ethics first")

    module5 = page.context.new_page()
    open_notebook(module5, "05_termination.ipynb")
    run_all(module5)
    table = module5.locator(".course-lens-table")
    expect(table).to_have_attribute("data-lens", "aca")
    expect(table.locator("tr.course-lens-row-mine")).to_have_attribute("data-code", "aca")
    expect(table.locator("tr.course-lens-row-mine")).to_contain_text("(your code)")
    _say_midterm(module5, ACA_FIRST)

    page.bring_to_front()
    picker.get_by_label("APA (psychologists)").check()
    expect(page.locator(".course-lens-status")).to_contain_text("APA Ethics Code first")

    # Module 5 runs again (as its lead-in says) and reads the new choice; nothing else is lost.
    module5.bring_to_front()
    module5.get_by_role("menuitem", name="Run", exact=True).click()
    module5.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    expect(table).to_have_attribute("data-lens", "apa", timeout=90_000)
    wait_all_ran(module5)
    wait_idle(module5)
    expect(table.locator("tr.course-lens-row-mine")).to_have_attribute("data-code", "apa")
    expect(table.locator("tr.course-lens-row-mine")).to_have_count(1)
    table.scroll_into_view_if_needed()
    module5.screenshot(path=str(artifacts / "lens_05_comparison_apa.png"), full_page=False)
    _say_midterm(module5, APA_FIRST)
