"""Figures stay readable in a narrow window: below a minimum width they scroll sideways rather than
shrink their labels (issue 14: at 800 px the module figures' 10 pt text fell to 8-9 px)."""
from __future__ import annotations

import re

from matplotlib.figure import Figure

from course.figures.frame import FIGURE_MIN_WIDTH, figure_html


def _style(html: str) -> str:
    return re.search(r'<img [^>]*style="([^"]*)"', html).group(1)


def test_a_wide_figure_keeps_a_readable_minimum_width_and_scrolls():
    fig = Figure(figsize=(11, 5))
    fig.suptitle("Wide")
    html = figure_html(fig, "A wide figure.")
    assert f"min-width:{FIGURE_MIN_WIDTH}px" in _style(html) and "max-width:100%" in _style(html)
    assert "overflow-x:auto" in html.split("<img", 1)[0]
    # 10 pt at 110 dpi is about 15 px at natural size; at the minimum width it is still >= 12 px
    natural = 11 * 110
    assert 10 * 110 / 72 * FIGURE_MIN_WIDTH / natural >= 12


def test_a_small_figure_is_never_stretched_beyond_its_natural_size():
    fig = Figure(figsize=(4, 3))
    assert "min-width:440px" in _style(figure_html(fig, "A small figure."))
