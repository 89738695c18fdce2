"""Figures for module 5, termination.

Pure functions: each returns a new matplotlib Figure and touches no global pyplot state. Each
figure has a `describe_*()` text, shown beneath it in the notebook for readers who cannot see it.

    from course.figures.termination import former_clients_figure, describe_former_clients, show_figure
    show_figure(former_clients_figure(), describe_former_clients())

The rules come from the course fact sheet (section 1, "Key differences" and "State law"). The
figure is a schematic: bar lengths after a fixed period are open-ended, not measured, and AAMFT
1.5 is drawn as the fact sheet gives it (the proposal's text is checked, the final adoption is not).
"""
from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from course.figures.frame import figure_html, figure_png, show_figure  # noqa: F401  (re-exported)

# Okabe-Ito colours (colour-blind safe), each state also carries a hatch so print and
# greyscale readers can tell them apart.
BARRED = ("#D55E00", "")          # vermillion, solid
EXCEPTIONAL = ("#E69F00", "//")   # orange, hatched: possible only on strict conditions, burden on the practitioner
                                  # (APA "most unusual circumstances", ACA documented forethought, BACP "exceptionally")
JUDGMENT = ("#56B4E9", "..")      # sky blue, dotted: no period; a harm-and-exploitation judgment
HORIZON = 7.0                     # right edge of the schematic (years); "and after"
STATES = {"barred": BARRED, "exceptional": EXCEPTIONAL, "judgment": JUDGMENT}
STATE_WORDS = {
    "barred": "barred",
    "exceptional": "possible only on strict conditions, with the burden on the practitioner",
    "judgment": "no waiting period; judged by the risk of harm or exploitation",
}


@dataclass(frozen=True)
class Rule:
    label: str                     # row label
    segments: tuple                # ((start, end, state), ...) in years since the last contact
    note: str                      # short text drawn on the bar
    words: str                     # for the text description
    checked: bool = True           # False: drawn with a dashed outline (fact sheet marks it unverified)


SEXUAL = (
    Rule("APA 10.08", ((0, 2, "barred"), (2, HORIZON, "exceptional")),
         "2 years; then only in the most unusual circumstances (7 factors)",
         "APA 10.08(a) and (b): barred for at least two years; after that only in the most unusual "
         "circumstances, with the psychologist bearing the burden across seven factors"),
    Rule("ACA A.5.c", ((0, 5, "barred"), (5, HORIZON, "exceptional")),
         "5 years; then only with documented forethought",
         "ACA A.5.c: barred for five years after the last professional contact; after that only with "
         "documented forethought about exploitation or harm, and avoided if either is possible"),
    Rule("NASW 1.09(c)", ((0, HORIZON, "barred"),),
         "no period set; any exception carries the full burden",
         "NASW 1.09(c): no sexual contact with former clients and no period after which it becomes "
         "acceptable; anyone claiming extraordinary circumstances carries the full burden"),
    Rule("AAMFT 1.5", ((0, HORIZON, "barred"),),
         "never, as proposed for 2015 (final wording unverified)",
         "AAMFT 1.5: as proposed for the code effective in 2015, prohibited with no time limit, "
         "replacing an earlier two-year rule; the course has checked the proposal, not the final "
         "adopted wording", checked=False),
    Rule("BACP 37", ((0, HORIZON, "exceptional"),),
         "no fixed interval; exceptionally, after supervision and consultation",
         "BACP Good Practice 37: avoid sexual relationships with former clients; no fixed interval; "
         "only exceptionally, after supervision and consultation, when enough time and change have "
         "passed and the therapeutic dynamics are resolved"),
)

FRIENDSHIP = (
    Rule("The five codes", ((0, HORIZON, "judgment"),),
         "ACA A.6.e, APA 3.05(a), NASW 1.06(c), BACP 37; AAMFT 1.3 (multiple relationships)",
         "The five codes: none sets a waiting period; friendship or another nonsexual relationship "
         "with a former client is judged by the risk of harm or exploitation (ACA A.6.e, APA 3.05(a), "
         "NASW 1.06(c), BACP 37, and AAMFT 1.3 on multiple relationships in general)"),
    Rule("Texas counselors", ((0, 2, "barred"), (2, HORIZON, "judgment")),
         "state rule: no non-therapeutic relationship for 2 years",
         "Texas rule for licensed counselors (22 TAC 681): no non-therapeutic relationship with a "
         "former client for two years, and no romantic one for five; state law can be stricter than "
         "any code"),
)


def former_clients_figure() -> Figure:
    """Two panels on one time axis: sexual or romantic relationships with former clients, code by
    code; and friendship or other nonsexual relationships, with one state rule for contrast."""
    fig = Figure(figsize=(11, 6.4), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [len(SEXUAL), len(FRIENDSHIP) + 0.6]})
    _panel(top, SEXUAL, "Sexual or romantic relationships with a former client")
    _panel(bottom, FRIENDSHIP, "Friendship and other nonsexual relationships with a former client")
    bottom.set_xlabel("Years since the last professional contact (schematic: the bars' right ends are open-ended)")
    top.set_xlabel("Years since the last professional contact")
    top.xaxis.set_tick_params(labelbottom=True)
    for ax in (top, bottom):
        ax.set_xticks(range(0, 7), [str(i) for i in range(0, 7)])
        ax.set_xlim(0, HORIZON)
    handles = [Patch(facecolor=STATES[k][0], hatch=STATES[k][1], edgecolor="white", label=STATE_WORDS[k])
               for k in ("barred", "exceptional", "judgment")]
    handles.append(Patch(facecolor="white", edgecolor="black", linestyle="--",
                         label="dashed outline: wording the course could not verify"))
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=10)
    fig.suptitle("After the ending: what the codes say about relationships with former clients (schematic)",
                 fontsize=12.5)
    return fig


def _panel(ax, rules, title):
    ys = list(range(len(rules)))[::-1]
    for y, rule in zip(ys, rules):
        for start, end, state in rule.segments:
            color, hatch = STATES[state]
            ax.barh(y, end - start, left=start, height=0.62, color=color, hatch=hatch, edgecolor="white",
                    linewidth=0.8)
        if not rule.checked:
            ax.barh(y, HORIZON, left=0, height=0.62, fill=False, edgecolor="black", linestyle="--", linewidth=1.2)
        ax.text(0.08, y, rule.note, va="center", ha="left", fontsize=10, color="black",
                bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_yticks(ys, [r.label for r in rules])
    ax.set_ylabel("Code or rule")
    ax.set_title(title, fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def describe_former_clients() -> str:
    sexual = "; ".join(r.words for r in SEXUAL)
    friendship = "; ".join(r.words for r in FRIENDSHIP)
    return (
        "A schematic on one time axis, years since the last professional contact, drawn from 0 to 7 "
        "with the right ends open (the rules do not expire at 7 years; the axis simply stops). It is "
        "not measured data. Top panel, sexual or romantic relationships with a former client, one bar "
        "per code, coloured as barred, possible only on strict conditions with the burden on the "
        f"practitioner, or left to judgment: {sexual}. Bottom panel, friendship and other nonsexual "
        f"relationships: {friendship}. The point: for friendship no code sets a waiting period, so "
        "the question is always harm and exploitation; for sex the codes disagree on time but agree "
        "that it is never simply permitted by the calendar, and state rules can be stricter."
    )
