"""Figures for module 2 (transference). Pure: each function returns a matplotlib Figure and
shows or saves nothing; each has a `describe_*()` twin that returns the text description
printed beneath it for screen-reader users (and for anyone who prefers words).

    sources_figure()   where a client's reaction in the room can come from, for five moments
    cycle_figure()     notice -> hypothesize -> explore -> revise, inside the frame
    show(fig, alt)     display a figure in a notebook as an image with alt text

Colours are Okabe-Ito, always paired with a hatch pattern and a text label, so nothing relies
on colour alone. Figures are built with `matplotlib.figure.Figure`, not pyplot.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# Okabe-Ito
BLUE, ORANGE, GREEN, VERMILLION, SKY, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#999999"
_FONT = 11

# source key -> (label, colour, hatch)
SOURCES = {
    "past": ("Earlier relationships (transference)", BLUE, ""),
    "real": ("The real relationship: what the counselor actually did", ORANGE, "//"),
    "context": ("Culture, history and present circumstances", GREEN, ".."),
}


@dataclass(frozen=True)
class Moment:
    label: str          # short, shown on the y axis
    who: str            # which vignette or example it comes from
    weights: dict       # source key -> a rough level: "a little", "some" or "much"
    note: str           # one line: why the estimate looks like this


# Rough levels, in words, for the share of a reaction each source may feed. They are a counselor's
# working hunches, not measurements, so the figure shows no percentages: a number such as "60%"
# would claim a precision nobody has (issue 11). Bar lengths are proportional to the levels only to
# draw the mix; the axis has no scale.
LEVELS = {"a little": 1, "some": 2, "much": 3}
MOMENTS: tuple[Moment, ...] = (
    Moment("\"You must be sick of me\"", "Tom\u00e1s, session 9",
           {"past": "much", "real": "a little", "context": "some"},
           "A repeated fear with a long history; little in the counselor's conduct explains it."),
    Moment("\"I think about you more than I should\"", "Leah, session 14",
           {"past": "much", "real": "some", "context": "some"},
           "Old longing to be seen, real attentiveness from the counselor, and isolation as a lesbian in a small ranching town."),
    Moment("\"You're the only one who gets me\"", "An idealizing client",
           {"past": "much", "real": "some", "context": "a little"},
           "Idealization often carries an old hope; the counselor's real skill is part of it too."),
    Moment("Anger, minute 1", "Darnell, session 4",
           {"past": "a little", "real": "much", "context": "much"},
           "A same-day cancellation, unreadable handouts, and a wife's stroke missed in the ER."),
    Moment("\"Twice as good, half as loud\"", "Darnell, minute 40",
           {"past": "some", "real": "some", "context": "some"},
           "After repair, the client himself links a father's rule to how he spoke today."),
)


def sources_figure(moments: tuple[Moment, ...] = MOMENTS) -> Figure:
    """Horizontal stacked bars: for each moment, the counselor's working estimate of how much of
    the client's reaction comes from earlier relationships, from the real relationship, and from
    culture and context."""
    n = max(len(moments), 1)
    fig = Figure(figsize=(8.5, 0.62 * n + 2.3), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Where a reaction in the room may come from\n(rough working hunches for five moments, not measurements)",
                 fontsize=_FONT + 2, loc="left")
    labels = [f"{m.label}\n({m.who})" for m in moments]
    ys = list(range(len(moments)))[::-1]
    left = [0.0] * len(moments)
    totals = [sum(LEVELS.get(m.weights.get(k), 0) for k in SOURCES) or 1 for m in moments]
    for key, (label, colour, hatch) in SOURCES.items():
        words = [m.weights.get(key) for m in moments]
        widths = [100.0 * LEVELS.get(wd, 0) / t for wd, t in zip(words, totals)]
        bars = ax.barh(ys, widths, left=left, color=colour, hatch=hatch, edgecolor="white",
                       linewidth=0.8, label=label, height=0.62)
        for bar, w, wd in zip(bars, widths, words):
            if w > 0:
                ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, wd,
                        ha="center", va="center", fontsize=_FONT - 1, color="black", fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.9))
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(ys, labels, fontsize=_FONT - 0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Rough share of the reaction (a counselor's working hunch; illustrative, not measured, no scale)",
                  fontsize=_FONT)
    ax.set_xticks([])
    ax.set_ylabel("Moment in the session", fontsize=_FONT)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.22), ncol=1, frameon=False, fontsize=_FONT - 0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def describe_sources(moments: tuple[Moment, ...] = MOMENTS) -> str:
    parts = [
        "Text description of the figure. A horizontal stacked bar chart with one bar per moment; "
        "each bar is split into three parts, each labelled a little, some or much: earlier relationships "
        "(transference), the real relationship (what the counselor actually did), and culture, history "
        "and present circumstances. The levels are rough working hunches, not measurements, so no "
        "percentages are given."
    ]
    for m in moments:
        w = m.weights
        parts.append(
            f"{m.label} ({m.who}): earlier relationships {w.get('past')}, real relationship "
            f"{w.get('real')}, culture and context {w.get('context')}. {m.note}"
        )
    parts.append(
        "What the figure shows: no reaction is pure transference, the mix differs a great deal between "
        "moments, and for the same client it changes within one session once real lapses are repaired."
    )
    return " ".join(parts)


# --------------------------------------------------------------------------------- the cycle
CYCLE_STEPS = (
    ("Notice", "the client's words, tone, behavior\ntoward you, and your own pull\n(to reassure, defend, rescue)"),
    ("Hypothesize", "tentatively: earlier relationships?\nwhat I actually did?\nculture and context?"),
    ("Explore", "in the here and now, in words\nthe client can disagree with:\n\"Does that fit, or is it off?\""),
    ("Revise", "let the client's answer and\nyour own conduct change\nthe hypothesis"),
)


def cycle_figure() -> Figure:
    """The working cycle for a transference moment, drawn inside a box standing for the frame."""
    fig = Figure(figsize=(8.5, 6.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.set_aspect("equal")
    ax.set_title("Working with a transference moment: a cycle that runs inside the frame",
                 fontsize=_FONT + 2, loc="left")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("The frame (time, roles, boundaries, confidentiality) stays fixed around every step",
                  fontsize=_FONT)
    for side in ax.spines.values():
        side.set_visible(False)
    frame = FancyBboxPatch((0.25, 0.25), 9.5, 9.5, boxstyle="round,pad=0.02,rounding_size=0.4",
                           fill=False, edgecolor=GREY, linewidth=3, linestyle="--")
    ax.add_patch(frame)
    ax.text(0.55, 9.35, "THE FRAME", fontsize=_FONT, color="#555555", fontweight="bold", va="center")
    centres = [(5, 7.7), (7.75, 5), (5, 2.3), (2.25, 5)]
    colours = [(SKY, ""), (ORANGE, "//"), (GREEN, ".."), (BLUE, "\\\\")]
    for i, ((x, y), (name, body), (colour, hatch)) in enumerate(zip(centres, CYCLE_STEPS, colours)):
        box = FancyBboxPatch((x - 1.75, y - 0.95), 3.5, 1.9, boxstyle="round,pad=0.05,rounding_size=0.25",
                             facecolor=colour, alpha=0.22, edgecolor=colour, linewidth=2, hatch=hatch)
        ax.add_patch(box)
        ax.text(x, y + 0.55, f"{i + 1}. {name}", ha="center", va="center", fontsize=_FONT + 1.5,
                fontweight="bold")
        ax.text(x, y - 0.25, body, ha="center", va="center", fontsize=_FONT - 1.5)
    for a, b in zip(centres, centres[1:] + centres[:1]):
        ax.add_patch(FancyArrowPatch(_toward(a, b, 1.75), _toward(b, a, 1.75), arrowstyle="-|>",
                                     mutation_scale=18, color="#333333", linewidth=1.6,
                                     connectionstyle="arc3,rad=-0.25"))
    ax.text(5, 5, "the client's\nresponse is\nnew information", ha="center", va="center",
            fontsize=_FONT - 1.5, style="italic", color="#333333")
    return fig


def _toward(p, q, dist):
    (x1, y1), (x2, y2) = p, q
    dx, dy = x2 - x1, y2 - y1
    n = (dx * dx + dy * dy) ** 0.5 or 1.0
    return (x1 + dx / n * dist * 0.85, y1 + dy / n * dist * 0.85)


def describe_cycle() -> str:
    steps = "; ".join(f"{i + 1}. {name}: {' '.join(body.split())}" for i, (name, body) in enumerate(CYCLE_STEPS))
    return (
        "Text description of the figure. Four boxes arranged in a circle and joined by arrows into a loop: "
        f"{steps}. After step 4 the arrow returns to step 1, because the client's response is new "
        "information. A dashed box labeled 'the frame' surrounds the whole loop: time, roles, boundaries "
        "and confidentiality stay fixed while the understanding changes."
    )


# --------------------------------------------------------------------------------- display
def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def show(fig: Figure, alt: str) -> None:
    """Display `fig` in a notebook as an image carrying `alt` as its alternative text, followed by
    the same text as a visible description. Works with any matplotlib backend."""
    from IPython.display import HTML, display

    data = base64.b64encode(figure_png(fig)).decode("ascii")
    display(HTML(
        f'<figure class="course-figure" style="margin:0">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%">'
        f'<figcaption style="font-size:0.92em;color:#222;margin-top:6px">{html.escape(alt)}</figcaption>'
        f"</figure>"
    ))
