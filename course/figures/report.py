"""Figures for the cohort report (`course report`): plain matplotlib, saved as PNG.

Colour-blind-safe colours, direct labels, and every figure has a title and axis labels; the
report gives each one alt text.
"""
from __future__ import annotations

from pathlib import Path

BLUE, ORANGE, GREY = "#0072B2", "#D55E00", "#999999"


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def score_histogram(dist: dict, max_total: float, path: Path, title: str = "Total scores") -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=110)
    edges = dist["edges"]
    widths = [b - a for a, b in zip(edges, edges[1:])]
    ax.bar(edges[:-1], dist["histogram"], width=widths, align="edge", color=BLUE, edgecolor="white")
    if dist.get("mean") is not None:
        ax.axvline(dist["mean"], color=ORANGE, linestyle="--", linewidth=1.5)
        ax.text(dist["mean"], max(dist["histogram"] or [1]) * 0.95, f" mean {dist['mean']:.1f}",
                color=ORANGE, va="top")
    ax.set_xlim(0, max_total or 1)
    ax.set_xlabel(f"total score (out of {max_total:g})")
    ax.set_ylabel("students")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def item_chart(names: list[str], stats: list[dict], path: Path) -> Path:
    """Two panels on their own scales: difficulty (0 to 1) and discrimination (item-rest r)."""
    plt = _plt()
    n = max(1, len(names))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 0.45 * n + 2.0), dpi=110, sharey=True)
    ys = list(range(len(names)))[::-1]
    diff = [s["difficulty"] for s in stats]
    disc = [s["discrimination"] for s in stats]
    a1.barh(ys, [d or 0 for d in diff], color=BLUE, height=0.6)
    for y, d in zip(ys, diff):
        a1.text((d or 0) + 0.02, y, "n/a" if d is None else f"{d:.2f}", va="center", fontsize="small")
    a1.set_xlim(0, 1.15)
    a1.set_xlabel("difficulty: share of points earned")
    a1.set_yticks(ys)
    a1.set_yticklabels(names)
    lo = min([0.0] + [r for r in disc if r is not None])
    for y, r in zip(ys, disc):
        if r is None:
            a2.text(0.02, y, "n/a (no spread)", va="center", fontsize="small", color=GREY)
            continue
        a2.barh([y], [r], color=ORANGE if r < 0.2 else BLUE, height=0.6)
        a2.text(r + 0.02 if r >= 0 else r - 0.02, y, f"{r:.2f}", va="center", ha="left" if r >= 0 else "right",
                fontsize="small")
    a2.axvline(0, color=GREY, linewidth=0.8)
    a2.axvline(0.2, color=GREY, linewidth=0.8, linestyle=":")
    a2.set_xlim(min(-0.2, lo - 0.15), 1.0)
    a2.set_xlabel("discrimination: item-rest r (dotted: 0.2)")
    fig.suptitle("Items: difficulty and discrimination")
    for ax in (a1, a2):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def concept_chart(coverage: list, path: Path, limit: int = 15) -> Path:
    plt = _plt()
    rows = coverage[:limit]
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * max(1, len(rows)) + 1.4), dpi=110)
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, [100 * c.miss_rate for c in rows], color=ORANGE, height=0.6)
    for y, c in zip(ys, rows):
        ax.text(100 * c.miss_rate + 1, y, f"{c.missing} of {c.found + c.missing}", va="center", fontsize="small")
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{c.concept} ({c.question})" for c in rows], fontsize="small")
    ax.set_xlim(0, 120)
    ax.set_xlabel("reflections missing the concept (%)")
    ax.set_title("Concepts the cohort missed most")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
