"""Figures for the progress dashboard. Pure: each takes summary data (from
`course.progress.summarize`) and returns a matplotlib Figure; nothing is shown or saved here.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision differences)
and every colour is paired with a hatch pattern and a text label, so no figure relies on colour
alone. Figures are built with `matplotlib.figure.Figure`, not pyplot, so they never leak into a
notebook's automatic display or into global state.
"""
from __future__ import annotations

from typing import Any, Sequence

from matplotlib.figure import Figure

# Okabe-Ito
BLUE, ORANGE, GREEN, VERMILLION, GREY, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999", "#56B4E9"
QUALITY_STYLE = {  # quality -> (colour, hatch, label)
    "helpful": (GREEN, "", "Helpful"),
    "mixed": (ORANGE, "//", "Mixed"),
    "harmful": (VERMILLION, "xx", "Harmful"),
}
_FONT = 12   # at the dashboard's 90 dpi, 11-12 pt is 14-15 px on screen: nothing smaller is used


def _empty(fig: Figure, ax, message: str) -> Figure:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=_FONT + 1, wrap=True, transform=ax.transAxes)
    return fig


def module_completion_figure(modules: Sequence[dict[str, Any]]) -> Figure:
    """One horizontal bar per module: the share of its vignettes and self-checks done.
    Complete modules are solid blue and labelled 'complete'; others are light with a pattern."""
    n = max(len(modules), 1)
    fig = Figure(figsize=(7.5, 0.55 * n + 1.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Modules: how much of each you have done", fontsize=_FONT + 1, loc="left")
    if not modules:
        return _empty(fig, ax, "No modules found.")
    names = [f"{m.get('number', '')}. {_short(m.get('title', m['id']))}" for m in modules]
    ys = list(range(len(modules)))[::-1]
    for y, m in zip(ys, modules):
        frac = float(m.get("fraction", 0.0))
        ax.barh(y, 1.0, color="#f1f5f9", edgecolor="#cbd5e1", height=0.6)            # the track
        if m.get("complete"):
            ax.barh(y, 1.0, color=BLUE, edgecolor="black", height=0.6)
            label = "complete"
        else:
            ax.barh(y, max(frac, 0.0), color=SKY, edgecolor="black", hatch="..", height=0.6)
            total = m.get("items_total", 0)
            label = f"{m.get('items_done', 0)} of {total} done" if total else "no activities yet"
        ax.text(1.02, y, label, va="center", fontsize=_FONT - 1)
    ax.set_yticks(ys, names, fontsize=_FONT - 1)
    ax.set_xlim(0, 1.3)
    ax.set_xticks([0, 0.5, 1.0], ["0%", "50%", "100%"])
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_FONT - 1)
    ax.set_xlabel("share of the module's vignettes and self-check questions done", fontsize=_FONT - 1)
    return fig


def concepts_figure(concepts: Sequence[tuple[str, int]], labels: dict[str, str] | None = None,
                    top: int = 12) -> Figure:
    """The concepts met so far (in vignette choices and self-checks), most frequent first."""
    items = list(concepts)[:top]
    fig = Figure(figsize=(7.5, 0.4 * max(len(items), 1) + 1.3), layout="constrained")
    ax = fig.add_subplot()
    more = f" (the {top} most frequent of {len(concepts)})" if len(concepts) > top else ""
    ax.set_title(f"Concepts you have worked with{more}", fontsize=_FONT + 1, loc="left")
    if not items:
        return _empty(fig, ax, "No concepts yet: they appear as you play vignettes and answer self-checks.")
    labels = labels or {}
    names = [labels.get(tag, tag) for tag, _ in items][::-1]
    counts = [c for _, c in items][::-1]
    bars = ax.barh(range(len(items)), counts, color=BLUE, edgecolor="black", height=0.6)
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=3, fontsize=_FONT - 1)
    ax.set_yticks(range(len(items)), names, fontsize=_FONT - 1)
    ax.set_xlabel("times met", fontsize=_FONT - 1)
    ax.set_xlim(0, max(counts) * 1.15 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_FONT - 1)
    return fig


def choice_quality_figure(by_day: Sequence[dict[str, Any]]) -> Figure:
    """Stacked bars per day: how many vignette choices were helpful, mixed or harmful."""
    days = list(by_day)
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Your vignette choices over time", fontsize=_FONT + 1, loc="left")
    if not days:
        return _empty(fig, ax, "No vignette choices yet: play a vignette to see how your choices develop.")
    xs = range(len(days))
    bottom = [0] * len(days)
    for q, (colour, hatch, label) in QUALITY_STYLE.items():
        vals = [int(d.get(q, 0)) for d in days]
        ax.bar(xs, vals, bottom=bottom, color=colour, hatch=hatch, edgecolor="black", label=label, width=0.6)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(list(xs), [_day_label(d["day"]) for d in days], fontsize=_FONT - 1,
                  rotation=0 if len(days) <= 8 else 45)
    ax.set_ylabel("choices", fontsize=_FONT - 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(bottom) * 1.2 + 0.5)
    ax.legend(loc="upper left", ncols=3, frameon=False, fontsize=_FONT - 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_FONT - 1)
    return fig


def _short(title: str, n: int = 34) -> str:
    head = title.split(":")[0].strip()
    return head if len(head) <= n else head[: n - 1] + "\u2026"


def _day_label(day: str) -> str:
    try:
        from datetime import date

        d = date.fromisoformat(day)
        return f"{d.strftime('%b')} {d.day}"
    except ValueError:
        return day
