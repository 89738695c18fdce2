"""Figures for module 1, the frame.

Pure functions: each returns a new matplotlib Figure and touches no global pyplot state, so
they can be tested without a display and reused in slides. Each figure has a `describe_*()`
text, shown beneath it in the notebook for readers who cannot see the image.

    from course.figures.frame import friendship_vs_counseling, show_figure
    show_figure(friendship_vs_counseling(), describe_friendship_vs_counseling())

Numbers in `alliance_in_context` come only from the course fact sheet (meta-analyses published
in *Psychotherapy*, 2018); the friendship/counseling panel is a schematic, labelled as such.
"""
from __future__ import annotations

import base64
import html
import io

from matplotlib.figure import Figure

# Colour-blind-safe pair (Okabe-Ito blue and vermillion) plus a neutral grey.
CLIENT_COLOR = "#0072B2"
COUNSELOR_COLOR = "#D55E00"
NEUTRAL = "#6b6b6b"

# --- Figure 1: who the relationship is for ------------------------------------------------------
# (dimension, friendship share for person A, counseling share for the client). Schematic values:
# they show a shape, not a measurement.
DIMENSIONS = (
    ("Telling one's own story", 50, 92),
    ("Whose personal needs it serves", 50, 100),
    ("Caring about the other person", 50, 50),
    ("Holding the limits of the relationship", 50, 10),
)


def friendship_vs_counseling() -> Figure:
    """Two panels, same four dimensions: in a friendship each runs both ways; in counseling
    disclosure and need run one way, care runs both ways, and the counselor holds the frame."""
    fig = Figure(figsize=(10, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    labels = [d[0] for d in DIMENSIONS]
    rows = list(range(len(DIMENSIONS)))[::-1]
    panels = (
        ("Friendship", [d[1] for d in DIMENSIONS], ("Friend A", "Friend B")),
        ("Counseling relationship", [d[2] for d in DIMENSIONS], ("Client", "Counselor")),
    )
    for ax, (title, shares, (left_name, right_name)) in zip(axes, panels):
        left = shares
        right = [100 - s for s in shares]
        ax.barh(rows, left, color=CLIENT_COLOR, height=0.6, label=left_name)
        ax.barh(rows, right, left=left, color=COUNSELOR_COLOR, height=0.6, label=right_name, hatch="//",
                edgecolor="white")
        for y, l_val, r_val in zip(rows, left, right):
            if l_val >= 8:
                ax.text(l_val / 2, y, f"{l_val}", ha="center", va="center", color="white", fontsize=10)
            if r_val >= 8:
                ax.text(l_val + r_val / 2, y, f"{r_val}", ha="center", va="center", color="white", fontsize=10)
        ax.axvline(50, color=NEUTRAL, linewidth=0.8, linestyle=":")
        ax.set_xlim(0, 100)
        ax.set_title(title, fontsize=12, fontweight="bold", pad=24)
        ax.set_xlabel("Share carried by each person (schematic, %)")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=10)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_yticks(rows, labels)
    axes[0].set_ylabel("Dimension of the relationship")
    fig.suptitle("Same warmth, different shape: who the relationship is for", fontsize=13)
    return fig


def describe_friendship_vs_counseling() -> str:
    parts = []
    for name, friend, client in DIMENSIONS:
        parts.append(f"{name}: friendship {friend}/{100 - friend}; counseling, client {client} and counselor {100 - client}")
    return (
        "Two side-by-side bar charts compare a friendship with a counseling relationship on four "
        "dimensions, as schematic shares carried by each person (not measured data). "
        + "; ".join(parts) + ". "
        "In the friendship every bar is split evenly. In counseling, telling one's story and having "
        "needs met run almost entirely toward the client, caring still runs both ways, and the "
        "counselor carries most of the responsibility for the relationship's limits. The point: "
        "the asymmetry is in disclosure, need and responsibility, not in warmth."
    )


# --- Figure 2: the alliance among other relationship findings ----------------------------------
# (label, r, k studies, source) -- from /shared/content/FACTS.md, section 2, all marked [V].
RELATIONSHIP_FINDINGS = (
    ("Working alliance", 0.278, 295, "Flückiger et al., 2018"),
    ("Rupture repair", 0.29, 11, "Eubanks et al., 2018"),
    ("Countertransference\nmanagement", 0.39, 9, "Hayes et al., 2018"),
    ("Countertransference\nreactions", -0.16, 14, "Hayes et al., 2018"),
)
ALLIANCE_R = RELATIONSHIP_FINDINGS[0][1]


def alliance_in_context() -> Figure:
    """Left: four correlations with outcome from three 2018 meta-analyses, with the number of studies
    behind each. Right: what r = .278 means as shared variance (100 squares, about 8 filled)."""
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax, waffle = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})

    labels = [f[0] for f in RELATIONSHIP_FINDINGS]
    values = [f[1] for f in RELATIONSHIP_FINDINGS]
    colors = [CLIENT_COLOR if i == 0 else (NEUTRAL if v > 0 else COUNSELOR_COLOR) for i, v in enumerate(values)]
    ys = list(range(len(values)))[::-1]
    ax.barh(ys, values, color=colors, height=0.6)
    for y, (label, r, k, src) in zip(ys, RELATIONSHIP_FINDINGS):
        sign = "−" if r < 0 else ""
        text = f"r = {sign}{abs(r):.3f}".rstrip("0").rstrip(".") + f"  ({k} studies; {src})"
        x = r + 0.01 if r >= 0 else 0.01
        ax.text(x, y, text, va="center", ha="left", fontsize=10)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ys, labels)
    ax.set_xlim(-0.25, 0.75)
    ax.set_xlabel("Correlation with counseling outcome (r)")
    ax.set_ylabel("Relationship factor (meta-analysis)")
    ax.set_title("The alliance among other relationship findings", fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    shared = round(ALLIANCE_R ** 2 * 100)
    for i in range(100):
        row, col = divmod(i, 10)
        filled = i < shared
        waffle.add_patch(_square(col, 9 - row, CLIENT_COLOR if filled else "#e6e6e6"))
    waffle.set_xlim(-0.2, 10.2)
    waffle.set_ylim(-0.2, 10.2)
    waffle.set_aspect("equal")
    waffle.set_xticks([])
    waffle.set_yticks([])
    waffle.set_xlabel(f"1 square = 1% of outcome variance\n{shared} filled: r² = {ALLIANCE_R ** 2:.3f}")
    waffle.set_ylabel("Outcome variance (100%)")
    waffle.set_title(f"r = .278 means about {shared}%\nof outcome variance shared", fontsize=11, fontweight="bold")
    for side in waffle.spines.values():
        side.set_visible(False)
    fig.suptitle("The working alliance predicts outcome: consistently, and modestly", fontsize=13)
    return fig


def _square(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.05, y + 0.05), 0.9, 0.9, facecolor=color, edgecolor="white")


def describe_alliance_in_context() -> str:
    items = []
    for label, r, k, src in RELATIONSHIP_FINDINGS:
        items.append(f"{label.replace(chr(10), ' ')}: r = {r} from {k} studies ({src})")
    shared = round(ALLIANCE_R ** 2 * 100)
    return (
        "Left, a horizontal bar chart of four correlations with counseling outcome, from three meta-analyses "
        "published in 2018: " + "; ".join(items) + ". The alliance bar is highlighted; its estimate rests "
        "on far more studies than the others, so it is the most stable of the four. "
        f"Right, a grid of 100 squares with {shared} filled, showing that r = .278 corresponds to about "
        f"{shared}% of the variance in outcomes. The alliance matters reliably, but it is one important "
        "ingredient among many, and a correlation does not by itself show cause."
    )


# --- Display --------------------------------------------------------------------------------------
def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """Render a Figure to PNG bytes with the Agg canvas (no pyplot, no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


FIGURE_MIN_WIDTH = 960   # px: 10 pt figure text stays at or above about 12 px on screen


def figure_html(fig: Figure, description: str, alt: str | None = None) -> str:
    """The figure as an <img> with alt text, followed by its full text description."""
    dpi = 110
    data = base64.b64encode(figure_png(fig, dpi=dpi)).decode("ascii")
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else "Figure"
    alt = alt or title
    # On a narrow window (800 px) a figure scaled to fit would shrink its 10 pt labels to 8-9 px:
    # below FIGURE_MIN_WIDTH it keeps that width and the figure scrolls sideways instead.
    natural = int(fig.get_figwidth() * dpi)
    min_width = min(natural, FIGURE_MIN_WIDTH)
    return (
        '<figure class="course-figure" style="margin:0;overflow-x:auto">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'style="max-width:100%;min-width:{min_width}px">'
        f'<figcaption class="figure-description"><strong>Text description.</strong> {html.escape(description)}'
        "</figcaption></figure>"
    )


def show_figure(fig: Figure, description: str, alt: str | None = None):
    """Display a figure with alt text and its description beneath, in any matplotlib backend."""
    from IPython.display import HTML, display

    out = HTML(figure_html(fig, description, alt))
    display(out)
    return None
