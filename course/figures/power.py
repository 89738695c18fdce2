"""Figures for module 4, power and boundaries.

Pure functions: each returns a new matplotlib Figure and touches no global pyplot state. Each figure
has a `describe_*()` text, shown beneath it in the notebook for readers who cannot see the image.

    from course.figures.power import boundary_map, describe_boundary_map, show_figure
    show_figure(boundary_map(), describe_boundary_map(), alt="...")

The boundary map is a schematic: each example's position is a teaching judgment about a typical
case, not a measurement, and the axes say so. There are no numbers on it to over-read.
"""
from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from course.figures.frame import figure_html, figure_png, show_figure  # noqa: F401  (re-exported)

CROSSING_COLOR = "#0072B2"   # Okabe-Ito blue
DRIFT_COLOR = "#E69F00"      # Okabe-Ito orange
VIOLATION_COLOR = "#D55E00"  # Okabe-Ito vermillion
NEUTRAL = "#6b6b6b"

# (label, whose need: 0 = the client's, 1 = the counselor's; openness: 0 = private, 1 = open;
#  group, marker). Positions are schematic judgments about a typical case.
EXAMPLES = (
    ("Attending a client's family\nprayers, planned and recorded", 0.16, 0.92, "crossing", "o"),
    ("Accepting a small gift\nof food, and noting it", 0.22, 0.72, "crossing", "o"),
    ("A brief hug the client\nasked for, noted", 0.33, 0.56, "crossing", "o"),
    ("Barter under a written\nagreement the client requested", 0.44, 0.84, "crossing", "o"),
    ("Accepting a current client's\nfollow request", 0.60, 0.36, "violation", "^"),
    ("Sessions with a favorite\nclient running over", 0.70, 0.20, "drift", "s"),
    ("Hiring a client's business\nat a discount", 0.80, 0.50, "violation", "^"),
    ("Private late-night texting\nwith a client", 0.86, 0.08, "violation", "^"),
)
GROUPS = {
    "crossing": ("Considered crossing", CROSSING_COLOR),
    "drift": ("Drift: a warning sign", DRIFT_COLOR),
    "violation": ("Violation or second role", VIOLATION_COLOR),
}


def boundary_map() -> Figure:
    """Departures from the frame placed by whose need they serve and how openly they are handled."""
    fig = Figure(figsize=(10, 6.2), layout="constrained")
    ax = fig.subplots()
    # Shaded zones: upper left (client's need, in the open) versus lower right.
    ax.fill_between([0, 0.5], 0.5, 1, color=CROSSING_COLOR, alpha=0.07, linewidth=0)
    ax.fill_between([0.5, 1], 0, 0.5, color=VIOLATION_COLOR, alpha=0.07, linewidth=0)
    ax.text(0.02, 0.985, "Zone of considered crossings", color=CROSSING_COLOR, fontsize=10, va="top",
            fontweight="bold")
    ax.text(0.98, 0.015, "Zone of violations", color=VIOLATION_COLOR, fontsize=10, ha="right", va="bottom",
            fontweight="bold")
    seen = set()
    for label, x, y, group, marker in EXAMPLES:
        name, color = GROUPS[group]
        ax.scatter([x], [y], s=70, marker=marker, color=color, edgecolor="black", linewidth=0.6, zorder=3,
                   label=name if group not in seen else None)
        seen.add(group)
        ha = "left" if x < 0.75 else "right"
        dx = 0.018 if ha == "left" else -0.018
        ax.annotate(label, (x, y), xytext=(x + dx, y), fontsize=10, ha=ha, va="center", color="#222222")
    # The slope: drift from the upper left toward the lower right.
    ax.add_patch(FancyArrowPatch((0.26, 0.64), (0.78, 0.13), arrowstyle="-|>", mutation_scale=16,
                                 color=NEUTRAL, linestyle="--", linewidth=1.2, zorder=2))
    ax.text(0.30, 0.33, "the slippery slope:\nsmall steps, each a little\nmore private, a little more\nfor the counselor",
            fontsize=10, color=NEUTRAL, ha="center", va="center", rotation=0, style="italic")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xticks([0.05, 0.5, 0.95], ["the client's", "both", "the counselor's"])
    ax.set_yticks([0.05, 0.5, 0.95], ["private,\nunexamined", "partly\ndiscussed", "in the open:\nconsented,\nconsulted, recorded"])
    ax.set_xlabel("Whose need the step mainly serves (schematic judgment, not measured)")
    ax.set_ylabel("How openly it is handled (schematic)")
    ax.set_title("Where typical departures from the frame tend to fall", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper right", frameon=False, fontsize=10)
    fig.suptitle("Crossings and violations: a map, not a rule", fontsize=13)
    return fig


def describe_boundary_map() -> str:
    where = []
    for label, x, y, group, _ in EXAMPLES:
        need = "mainly the client's" if x < 0.4 else ("mixed" if x < 0.6 else "mainly the counselor's")
        openness = "handled in the open" if y > 0.6 else ("partly discussed" if y > 0.3 else "kept private")
        where.append(f"{label.replace(chr(10), ' ')}: {need} need, {openness} ({GROUPS[group][0].lower()})")
    return (
        "A schematic map, not measured data. The horizontal axis runs from steps that mainly serve the "
        "client's need (left) to steps that mainly serve the counselor's need (right); the vertical axis "
        "runs from steps kept private and unexamined (bottom) to steps handled in the open, with consent, "
        "consultation and a record (top). The upper left is shaded as the zone of considered crossings and "
        "the lower right as the zone of violations. Eight typical examples are placed on it: "
        + "; ".join(where) + ". "
        "A dashed arrow runs from the upper left down to the lower right, labelled as the slippery slope: "
        "small steps, each a little more private and a little more for the counselor. The positions are "
        "teaching judgments about a typical case; context can move any example, which is the point of "
        "Gutheil and Gabbard's distinction."
    )
