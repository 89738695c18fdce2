"""The learner's ethics code, carried in the graded notebook (issue 15, the ethics-code lens).

The lens (course/lens.py) lives in the progress store on the student's machine; the grader runs
elsewhere and never sees that store. So each graded notebook has one answer-template line

    my_code = "show all"   # or "ACA", "APA", "NASW", "AAMFT", "BACP"

which the student may edit (the setup cell above it says which code they chose in the course).
The grader reads it from the cell SOURCE, like every answer (course.grading.pipeline.extract_answer:
literals only, nothing runs), and orders the codes cited in that student's reflection feedback
with the learner's code first. A missing, unknown or tampered value (set by code, a list, a typo)
means "show all": no error, no review flag, nothing for the student to fix.

    read_lens(nb)                           -> "all" | "aca" | "apa" | ...
    cite_first(feedback, question, lens)    -> the feedback with the learner's code cited first
    setup()                                 the notebook's setup cell (student side)
"""
from __future__ import annotations

VAR = "my_code"
ALL = "all"
ALIASES = {"show all": ALL, "show all codes": ALL, "all codes": ALL, "all": ALL, "": ALL, "none": ALL}


def _lenses() -> dict:
    from course.lens import LENSES

    return LENSES


def normalize(value) -> str:
    """'APA', ' apa ', 'Show all' -> the lens value; anything else -> 'all'. Never raises."""
    if not isinstance(value, str) or len(value) > 40:
        return ALL
    v = " ".join(value.strip().lower().split())
    v = ALIASES.get(v, v)
    try:
        return v if v in _lenses() else ALL
    except Exception:  # pragma: no cover - the lens module always ships with the course
        return ALL


def read_lens(nb) -> str:
    """The lens a submission asks for, read from the source of its `my_code = "..."` line."""
    try:
        from course.grading.pipeline import extract_answer

        ex = extract_answer(nb, VAR)
    except Exception:
        return ALL
    return normalize(ex.value) if ex.found else ALL


def _rubric_codes(question: str, root=None) -> list[str]:
    """Every code id the question's rubric cites (red flags, decisions, misconceptions), in order."""
    from course.rubric import load_rubric

    rub = load_rubric(question, root)
    ids: list[str] = []
    for group in ("red_flags", "decisions", "misconceptions"):
        for entry in getattr(rub, group, None) or []:
            for cid in getattr(entry, "codes", None) or []:
                if cid not in ids:
                    ids.append(cid)
    return ids


def _cite(cid: str) -> str | None:
    from course.codes import cite
    from course.errors import CourseError

    try:
        return cite(cid)
    except CourseError:
        return None


def _order(ids: list[str], lens: str) -> list[str]:
    from course.lens import order_codes

    return order_codes(ids, lens=lens)


def _grouped(ids: list[str]) -> str:
    """'APA ... (2017), 3.05(a), 10.08(a); NASW ... (2021), 1.06(c)': one entry per code, in order."""
    from course.codes import code_entry

    groups: dict[tuple, list[str]] = {}
    for cid in ids:
        e = code_entry(cid)
        groups.setdefault((e["code"], e["version"]), []).append(str(e["section"]))
    return "; ".join(f"{code} ({version}), {', '.join(secs)}" for (code, version), secs in groups.items())


def codes_line(question: str, lens: str, root=None) -> str:
    """One line naming the codes on this question, the learner's code first."""
    from course.lens import code_of

    ids = [c for c in _order(_rubric_codes(question, root), lens) if _cite(c)]
    if not ids:
        return ""
    lenses = _lenses()
    if lens == ALL or lens not in lenses:
        return "Ethics codes on this question: " + _grouped(ids) + "."
    name = lenses[lens][1]
    mine = [c for c in ids if code_of(c) == lens]
    others = [c for c in ids if code_of(c) != lens]
    if mine:
        line = f"Your code, the {name}, on this question: " + _grouped(mine) + "."
        if others:
            line += " Other codes on it: " + _grouped(others) + "."
        return line
    return (f"The course has not matched a section of the {name} to this question; read it in the official "
            "text. The codes cited here: " + _grouped(others) + ".")


def _reorder_citations(feedback: str, question: str, lens: str, root=None) -> str:
    """Citation groups the scorer wrote, '(See A; B.)', with the learner's code first."""
    from course.rubric import load_rubric

    rub = load_rubric(question, root)
    for group in ("red_flags", "decisions", "misconceptions"):
        for entry in getattr(rub, group, None) or []:
            codes = [c for c in getattr(entry, "codes", None) or [] if _cite(c)]
            if len(codes) < 2:
                continue
            before = " (See " + "; ".join(_cite(c) for c in codes) + ".)"
            after = " (See " + "; ".join(_cite(c) for c in _order(codes, lens)) + ".)"
            if before != after:
                feedback = feedback.replace(before, after)
    return feedback


def cite_first(feedback: str, question: str, lens: str, root=None) -> str:
    """The reflection feedback with the learner's code cited first, plus the codes line.
    Never raises: on any problem the feedback comes back unchanged."""
    try:
        out = _reorder_citations(feedback or "", question, lens, root)
        line = codes_line(question, lens, root)
    except Exception:
        return feedback
    return (out.rstrip() + "\n" + line).strip() if line else out


# --------------------------------------------------------------------------- student side
def setup() -> None:
    """The setup cell: say which code the learner chose in the course and how to carry it here."""
    from IPython.display import HTML, display

    try:
        from course.lens import LENSES, get_lens

        lens = get_lens()
    except Exception:
        lens, LENSES = ALL, _lenses()
    if lens == ALL:
        what = ("In the course you have not chosen an ethics code (or chose \"show all\"), so keep "
                f"<code>{VAR} = \"show all\"</code> below, or type your profession's code there.")
    else:
        what = (f"In the course you chose the <strong>{LENSES[lens][1]}</strong>. To have the feedback on your "
                f"reflection cite it first, write <code>{VAR} = \"{lens.upper()}\"</code> in the cell below.")
    display(HTML('<div class="course-setup" role="status" style="border-left:4px solid #1d4ed8;padding:4px 10px">'
                 f"<p>The course's helper is ready.</p><p>{what}</p></div>"))
