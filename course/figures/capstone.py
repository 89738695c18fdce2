"""Figures for the capstone: the threads that run from one episode of a case to later ones.

    show_figure(case_threads("hala-and-tamsin"), describe_case_threads("hala-and-tamsin"), alt=...)

The figure is drawn from the vignette files themselves: each flag an episode can set is a dot in
that episode's column, and an arc joins it to every later episode whose scenes, lines or choices
depend on it. It is a schematic of the case's structure, not a measurement of anything.
"""
from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from course.figures.frame import figure_html, show_figure  # noqa: F401  (re-exported for the notebook)


def _episodes(case_id: str):
    from course.case import load_case
    from course.scenes import load_vignette

    case = load_case(case_id)
    return [load_vignette(e["vignette"]) for e in case["episodes"]]


def threads(case_id: str) -> list[tuple[int, str, list[int]]]:
    """(episode that sets the flag, flag, [later episodes that read it]) for every flag."""
    from course.scenes import _referenced

    eps = _episodes(case_id)
    reads = {v.episode: _referenced(v) for v in eps}
    out = []
    for v in eps:
        for flag in v.flags:
            later = [w.episode for w in eps if w.episode > v.episode and flag in reads[w.episode]]
            out.append((v.episode, flag, later))
    return out


def case_threads(case_id: str = "hala-and-tamsin") -> Figure:
    eps = _episodes(case_id)
    rows = threads(case_id)
    fig = Figure(figsize=(10, 6.2), dpi=100)
    ax = fig.add_subplot()
    n = len(eps)
    per_ep: dict[int, list[tuple[str, list[int]]]] = {}
    for ep, flag, later in rows:
        per_ep.setdefault(ep, []).append((flag, later))
    pos = {}
    for ep, items in per_ep.items():
        for i, (flag, _) in enumerate(items):
            pos[flag] = (ep, -0.9 - i * 0.95)
    for v in eps:
        ax.text(v.episode, 0, "\n".join(textwrap.wrap(v.title.split(": ", 1)[-1], 16)),
                ha="center", va="center", fontsize=10, fontweight="bold",
                bbox=dict(boxstyle="round,pad=0.4", facecolor="#eef2ff", edgecolor="#3730a3"))
        ax.text(v.episode, 0.62, f"Episode {v.episode}", ha="center", fontsize=10, color="#374151")
    for ep, flag, later in rows:
        x, y = pos[flag]
        ax.plot([x], [y], marker="o", color="#0369a1", markersize=6, zorder=3)
        ax.text(x, y - 0.22, "\n".join(textwrap.wrap(flag.replace("-", " "), 14)), ha="center", va="top",
                fontsize=10, color="#111827")
        for target in later:
            arrow = FancyArrowPatch((x + 0.05, y), (target - 0.05, 0 - 0.35), arrowstyle="-|>", mutation_scale=9,
                                    connectionstyle="arc3,rad=-0.18", color="#0369a1", alpha=0.55, linewidth=1.1)
            ax.add_patch(arrow)
    ax.set_xlim(0.4, n + 0.6)
    lowest = min((p[1] for p in pos.values()), default=-1)
    ax.set_ylim(lowest - 0.9, 1.0)
    ax.axis("off")
    fig.suptitle("Schematic: what each episode can set (dots), and the later episodes that depend on it (arrows)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def describe_case_threads(case_id: str = "hala-and-tamsin") -> str:
    eps = {v.episode: v for v in _episodes(case_id)}
    parts = []
    for ep, flag, later in threads(case_id):
        what = eps[ep].flags[flag].rstrip(".")
        if later:
            where = ", ".join(f"episode {x}" for x in later)
            parts.append(f"From episode {ep}: {what}. This changes {where}.")
        else:
            parts.append(f"From episode {ep}: {what}. This is recorded in your case summary "
                         "but does not change a later episode.")
    return ("A schematic of the case, drawn from the episodes themselves, not a measurement. Five episodes run left to "
            "right; below each are the things a path through it can set, with arrows to the later episodes whose "
            "scenes, lines or choices depend on them. " + " ".join(parts))
