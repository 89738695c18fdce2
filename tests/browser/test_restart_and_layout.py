"""A student restarts the kernel mid-vignette, and reads self-checks at 1280 px, 800 px and 200% zoom.

Issue 14: after Kernel > Restart a single cell must run on its own (no NameError), widget cells open
with their code folded, and a long self-check option sits beside its radio button, wrapping as text,
with nothing smaller than 13 px.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from course.scenes import load_vignette

FRIENDS = "frame/can-we-be-friends"


def _cell_index(root: Path, relpath: str, needle: str) -> int:
    cells = json.loads((root / relpath).read_text(encoding="utf-8"))["cells"]
    return next(i for i, c in enumerate(cells) if needle in "".join(c["source"]))


def _run_cell(page, cell) -> None:
    """Select a cell by clicking its left edge (its code is folded) and run it with Shift+Enter."""
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-Cell-inputWrapper, .jp-InputPlaceholder").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")              # command mode: Shift+Enter runs the selected cell
    page.keyboard.press("Shift+Enter")


def _say_first_choice(page, player, v) -> None:
    from playwright.sync_api import expect

    opening = v.scenes[v.start] if isinstance(v.start, str) else v.start
    choice = opening.choices[0]
    player.get_by_label(choice.text).check()
    player.get_by_role("button", name="Say this").click()
    expect(player.locator(".vignette-feedback")).not_to_be_empty()


def test_restart_mid_vignette_then_run_only_that_cell(lab, page, open_notebook, artifacts):
    from playwright.sync_api import expect

    nb_path = "01_the_frame.ipynb"
    open_notebook(page, nb_path)
    # widget cells open folded in JupyterLab 4: a placeholder instead of code
    hidden = sum(1 for c in nbformat.read(lab.root / nb_path, as_version=4).cells
                 if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden"))
    assert hidden >= 8
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-CodeCell .jp-InputPlaceholder")).to_have_count(hidden)
    expect(panel.locator(".jp-CodeCell .jp-InputArea-editor").filter(has_text="play(")).to_have_count(0)

    i = _cell_index(lab.root, nb_path, f'play("{FRIENDS}")')
    cell = panel.locator(".jp-Cell").nth(i)
    v = load_vignette(FRIENDS)
    _run_cell(page, cell)
    player = cell.locator(".vignette-player")
    expect(player).to_have_count(1)
    _say_first_choice(page, player, v)

    # Kernel > Restart Kernel..., confirm
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.get_by_text("Python 3 (ipykernel) | Idle", exact=False).first.wait_for(timeout=60_000)

    # run only that cell again: the vignette plays from the start, no error anywhere in the cell
    _run_cell(page, cell)
    player = cell.locator(".vignette-player")
    expect(player).to_have_count(1)
    expect(player.get_by_role("button", name="Say this")).to_be_visible()
    _say_first_choice(page, player, v)
    expect(cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)
    expect(cell).not_to_contain_text("NameError")
    page.screenshot(path=str(artifacts / "restart_mid_vignette.png"), full_page=False)


def _probe(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [nbformat.v4.new_code_cell("from course import self_check\nself_check('countertransference', seed=None)"),
                nbformat.v4.new_code_cell("from course import self_check\nself_check('power', seed=None)")]
    nbformat.write(nb, root / "selfcheck_layout_probe.ipynb")
    return "selfcheck_layout_probe.ipynb"


# Every option label: where its button sits against its text, how many lines the text takes.
_GEOMETRY = r"""() => [...document.querySelectorAll('.selfcheck .widget-radio-box label, .selfcheck .widget-checkbox label')]
  .filter(l => l.offsetParent !== null && l.querySelector('input'))
  .map(l => { const i = l.querySelector('input').getBoundingClientRect();
              const r = document.createRange(); r.selectNodeContents(l);
              const rects = [...r.getClientRects()].filter(x => x.width > 1 && x.left > i.right - 1);
              const top = Math.min(...rects.map(x => x.top)), left = Math.min(...rects.map(x => x.left));
              const lines = new Set(rects.map(x => Math.round(x.top))).size;
              return {text: l.innerText.slice(0, 50), inputTop: i.top, inputRight: i.right, textTop: top,
                      textLeft: left, lines: lines, labelRight: l.getBoundingClientRect().right}; })"""

# The smallest computed font size of any text shown inside a self-check.
_MIN_FONT = r"""() => { let min = 99, where = '';
  for (const el of document.querySelectorAll('.selfcheck *')) {
    if (el.offsetParent === null) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < min) { min = px; where = el.tagName + ': ' + el.textContent.trim().slice(0, 40); }
  }
  return [min, where]; }"""


def test_self_check_options_sit_beside_their_buttons_at_every_width(lab, page, open_notebook, run_all, artifacts):
    """1280 px, 800 px, and 640 px (a 1280 px window at 200% zoom): each option's text starts to the
    right of its button, on the button's line, and long options wrap onto more lines."""
    from playwright.sync_api import expect

    open_notebook(page, _probe(lab.root))
    run_all(page)
    from course.questions import load_questions

    n = len(load_questions("countertransference")) + len(load_questions("power"))
    expect(page.locator(".selfcheck")).to_have_count(n)
    for width in (1280, 800, 640):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)   # let the layout settle after the resize (no condition to wait on)
        geo = page.evaluate(_GEOMETRY)
        assert len(geo) >= 20
        for g in geo:
            assert g["textLeft"] >= g["inputRight"], (width, g)           # text beside, not under
            assert abs(g["textTop"] - g["inputTop"]) < 12, (width, g)     # on the button's first line
        assert max(g["lines"] for g in geo) >= 2, "the long options wrap"
        px, where = page.evaluate(_MIN_FONT)
        assert px >= 13, f"{px}px at {width}: {where}"
        first = page.locator(".selfcheck").first
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"selfcheck_layout_{width}px.png"), full_page=False)
