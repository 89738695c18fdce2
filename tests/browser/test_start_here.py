"""The orientation notebook, as a learner sees it in JupyterLab."""
from __future__ import annotations


def test_start_notebook_renders_and_responds(page, open_notebook, run_all, artifacts):
    from playwright.sync_api import expect

    open_notebook(page, "00_start_here.ipynb")
    run_all(page)
    button = page.get_by_role("button", name="Click me")
    button.wait_for()
    button.focus()
    page.keyboard.press("Enter")  # keyboard alone is enough
    page.locator(".orientation-message").get_by_text("It works.").wait_for()
    page.locator(".orientation-template").get_by_text("The template is still empty").wait_for()
    # the module map is rendered as a table a screen reader can walk
    expect(page.locator("table").filter(has_text="Transference").first).to_be_visible()
    page.screenshot(path=str(artifacts / "00_start_here.png"), full_page=False)
