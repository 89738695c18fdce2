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
    plt = _plt()
    n = max(1, len(names))
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * n + 2.0), dpi=110)
    ys = list(range(len(names)))[::-1]
    diff = [s["difficulty"] if s["difficulty"] is not None else 0 for s in stats]
    disc = [s["discrimination"] for s in stats]
    ax.barh(ys, diff, color=BLUE, height=0.6, label="difficulty (share of points earned)")
    for y, r in zip(ys, disc):
        if r is not None:
            ax.plot([r], [y], marker="D", color=ORANGE, linestyle="none")
    ax.plot([], [], marker="D", color=ORANGE, linestyle="none", label="discrimination (item-rest r)")
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.axvline(0.2, color=GREY, linewidth=0.8, linestyle=":")
    ax.set_yticks(ys)
    ax.set_yticklabels(names)
    ax.set_xlim(-1, 1.05)
    ax.set_xlabel("value (dotted line: discrimination 0.2)")
    ax.set_title("Items: difficulty and discrimination")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize="small", frameon=False)
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
