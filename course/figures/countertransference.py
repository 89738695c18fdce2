"""Figures for module 3, countertransference.

Pure functions: each returns a new matplotlib Figure and touches no global pyplot state. Each has a
`describe_*()` text shown beneath it for readers who cannot see the image.

    from course.figures.countertransference import two_paths, describe_two_paths, show_figure
    show_figure(two_paths(), describe_two_paths(), alt=...)

`two_paths` is a schematic (a way of thinking, not data) and says so on the figure. The numbers
in `research_findings` come only from the course fact sheet (Hayes, Gelso & Hummel, 2011; Hayes,
Gelso, Goldberg & Kivlighan, 2018; both in *Psychotherapy*, marked verified there).
"""
from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from course.figures.frame import figure_html, show_figure  # noqa: F401  (re-exported for the notebook)

BLUE = "#0072B2"       # Okabe-Ito blue: managed path
VERMILLION = "#D55E00"  # Okabe-Ito vermillion: acted-out path
GREY = "#6b6b6b"
LIGHT = "#f2f2f2"

# --- Figure 1: one reaction, two paths (schematic) -----------------------------------------------
SOURCES = (
    "The counselor's own history\nand unresolved conflicts",
    "The client's way of relating\n(what they pull from people)",
    "The situation: fatigue, values,\nsetting, culture, the day",
)
REACTION = "A strong reaction\nattraction · irritation · dread\nboredom · a pull to rescue"
MANAGED_STEPS = (
    "Notice it,\nname it\nto yourself",
    "Separate yours\nfrom theirs\n(supervision,\nself-insight)",
    "Use it: a tentative\nhypothesis, a repair,\na steadier frame",
)
ACTED_STEPS = (
    "Act before\nnoticing",
    "Withdraw, punish,\ngratify, rescue\nor steer",
    "Rupture, drift\nof the frame, or an\nunexplained transfer",
)
MANAGED_LABEL = "Managed: information"
ACTED_LABEL = "Acted out: interference"


def _box(ax, x, y, w, h, text, face, edge, color="black", size=9, weight="normal", style="round,pad=0.02"):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=face, edgecolor=edge, linewidth=1.4))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=color, weight=weight,
            wrap=True)


def _arrow(ax, start, end, color, style="-|>", ls="-"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color, linewidth=1.6,
                                 linestyle=ls))


def two_paths() -> Figure:
    """Three sources feed one reaction; from it, a managed path (solid, blue, top) turns the reaction into
    information and an acted-out path (dotted, vermillion, bottom) turns it into interference."""
    fig = Figure(figsize=(11, 5.6), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 60)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)

    for i, text in enumerate(SOURCES):
        y = 42 - i * 15
        _box(ax, 1, y, 22, 11, text, LIGHT, GREY, size=10)
        _arrow(ax, (23, y + 5.5), (30, 30), GREY)
    _box(ax, 29.5, 23, 20, 14, REACTION, "white", "black", size=9.5, weight="bold")

    for i, text in enumerate(MANAGED_STEPS):
        x = 53 + i * 15.5
        _box(ax, x, 42, 14, 12, text, "#e6f1f8", BLUE, size=9.5)
        if i:
            _arrow(ax, (x - 1.5, 48), (x, 48), BLUE)
    _arrow(ax, (49, 34), (53, 46), BLUE)
    ax.text(53, 56.5, MANAGED_LABEL, color=BLUE, fontsize=11, weight="bold", ha="left")

    for i, text in enumerate(ACTED_STEPS):
        x = 53 + i * 15.5
        _box(ax, x, 6, 14, 12, text, "#fbeee6", VERMILLION, size=9.5, style="square,pad=0.02")
        if i:
            _arrow(ax, (x - 1.5, 12), (x, 12), VERMILLION, ls=":")
    _arrow(ax, (49, 26), (53, 14), VERMILLION, ls=":")
    ax.text(53, 1.5, ACTED_LABEL, color=VERMILLION, fontsize=11, weight="bold", ha="left")

    ax.set_title("Where a reaction comes from, and where it can go", loc="left", fontsize=11, weight="bold")
    ax.set_xlabel("Schematic, not data: a way of thinking about one reaction in one session")
    fig.suptitle("One reaction, two paths: countertransference as information or interference", fontsize=13)
    return fig


def describe_two_paths() -> str:
    srcs = "; ".join(s.replace("\n", " ") for s in SOURCES)
    managed = ", then ".join(s.replace("\n", " ") for s in MANAGED_STEPS)
    acted = ", then ".join(s.replace("\n", " ") for s in ACTED_STEPS)
    return (
        "A schematic diagram, not data. On the left, three grey boxes name where a counselor's reaction can "
        f"come from: {srcs}. Arrows from all three lead to one central box: a strong reaction, such as "
        "attraction, irritation, dread, boredom or a pull to rescue. From the reaction two paths lead right. "
        f"The upper path, drawn in solid blue and labelled '{MANAGED_LABEL}', runs: {managed}. "
        f"The lower path, drawn with dotted vermillion arrows and square boxes and labelled '{ACTED_LABEL}', "
        f"runs: {acted}. The point: the same reaction, from the same mix of sources, can help or harm; what "
        "decides is whether it is noticed and understood before it is acted on."
    )


# --- Figure 2: what the meta-analyses found ----------------------------------------------------
# (association, r, k studies, significant?) from FACTS.md section 2, both marked [V].
FINDINGS = {
    "Hayes, Gelso & Hummel (2011)": (
        ("Reactions and outcome", -0.16, 10, True),
        ("Management and reactions", -0.14, None, False),
        ("Management and outcome", 0.56, 7, True),
    ),
    "Hayes, Gelso, Goldberg & Kivlighan (2018)": (
        ("Reactions and outcome", -0.16, 14, True),
        ("Management and reactions", -0.27, 13, True),
        ("Management and outcome", 0.39, 9, True),
    ),
}


def _r(r: float) -> str:
    return ("−" if r < 0 else "") + f"{abs(r):.2f}".lstrip("0")


def research_findings() -> Figure:
    """Grouped horizontal bars: for each of three associations, the correlation found in 2011 and in 2018,
    each labelled with r and the number of studies (k) where the fact sheet gives it."""
    fig = Figure(figsize=(10, 4.8), layout="constrained")
    ax = fig.subplots()
    labels = [row[0] for row in next(iter(FINDINGS.values()))]
    colors = (GREY, BLUE)
    hatches = ("//", "")
    height = 0.36
    for j, (study, rows) in enumerate(FINDINGS.items()):
        ys = [len(labels) - 1 - i + (0.2 if j == 0 else -0.2) for i in range(len(labels))]
        ax.barh(ys, [r for _, r, _, _ in rows], height=height, color=colors[j], hatch=hatches[j],
                edgecolor="white", label=study)
        for y, (_, r, k, sig) in zip(ys, rows):
            note = f"r = {_r(r)}" + (f", k = {k}" if k else "") + ("" if sig else ", not significant")
            x = r + 0.01 if r >= 0 else 0.01
            ax.text(x, y, note, va="center", ha="left", fontsize=10)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(labels))[::-1], labels)
    ax.set_xlim(-0.35, 0.85)
    ax.set_xlabel("Correlation (r) across studies; k = number of studies")
    ax.set_ylabel("Association studied")
    ax.set_title("Two meta-analyses in Psychotherapy", loc="left", fontsize=11, weight="bold")
    ax.legend(loc="upper right", frameon=False, fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle("Reactions carry a modest cost; managing them is linked with better outcomes", fontsize=12.5)
    return fig


def describe_research_findings() -> str:
    parts = []
    for study, rows in FINDINGS.items():
        items = []
        for label, r, k, sig in rows:
            items.append(f"{label.lower()}: r = {_r(r)}" + (f" across {k} studies" if k else "")
                         + ("" if sig else ", not statistically significant"))
        parts.append(f"{study}: " + "; ".join(items))
    return (
        "A grouped bar chart of correlations from two meta-analyses of countertransference research, with "
        "grey hatched bars for 2011 and solid blue bars for 2018. " + ". ".join(parts) + ". "
        "Reading it: counselors' countertransference reactions were modestly linked with poorer outcomes in both "
        "analyses; better management was linked with fewer reactions (clearly so only in 2018) and with better "
        "outcomes in both, though the management findings rest on few studies (7 and 9) and are correlations, "
        "not proof that management causes better outcomes."
    )
