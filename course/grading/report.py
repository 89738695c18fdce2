"""What a cohort found hard: score distribution, item statistics, concept coverage, review queue.

The statistics are pure functions over plain lists so that they can be checked by hand:

* `score_distribution(totals, max_total)`: n, mean, median, sample standard deviation, min, max,
  and a histogram over [0, max_total].
* `item_statistics(matrix, max_scores)`: for each item (column), **difficulty** = mean score /
  points (the proportion of available credit earned; high = easy), **discrimination** = the
  corrected item-total correlation (Pearson r between the item and the total of the OTHER items;
  for 0/1 items this is the point-biserial), and the **upper-lower index** = (mean of the top
  group - mean of the bottom group) / points, groups being the top and bottom 27% by total score.
* `concept_coverage(records)`: for each reflection question, how often each rubric concept was
  found or missed in the cohort's answers (from the review sidecars that autograde writes).

* `reflection_trust(data, root)`: for each reflection question, how many of the cohort's answers
  the scorer auto-accepted (score final, no review flag) and the agreement it measured on the
  project's frozen held-out answers (course.rubric_eval; issue 13).

`build_report(root, assignment)` writes `reports/<assignment>/report.md` with PNG figures.
"""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import CourseError

GROUP_FRACTION = 0.27


# ----------------------------------------------------------------------------- pure statistics
def score_distribution(totals: list[float], max_total: float, bins: int = 10) -> dict:
    n = len(totals)
    if n == 0:
        return {"n": 0, "mean": None, "median": None, "sd": None, "min": None, "max": None,
                "histogram": [0] * bins, "edges": [max_total * i / bins for i in range(bins + 1)]}
    edges = [max_total * i / bins for i in range(bins + 1)]
    hist = [0] * bins
    for t in totals:
        k = bins - 1 if max_total <= 0 else min(bins - 1, max(0, int(t / max_total * bins)))
        hist[k] += 1
    return {
        "n": n,
        "mean": statistics.fmean(totals),
        "median": statistics.median(totals),
        "sd": statistics.stdev(totals) if n > 1 else 0.0,
        "min": min(totals),
        "max": max(totals),
        "histogram": hist,
        "edges": edges,
    }


def _pearson(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def item_statistics(matrix: list[list[float]], max_scores: list[float],
                    group_fraction: float = GROUP_FRACTION) -> list[dict]:
    """One dict per item (column of `matrix`; rows are students)."""
    n = len(matrix)
    k = len(max_scores)
    totals = [sum(row) for row in matrix]
    g = max(1, int(round(group_fraction * n))) if n else 0
    order = sorted(range(n), key=lambda i: totals[i])  # ascending; ties keep student order
    lower, upper = order[:g], order[n - g:] if g else []
    out = []
    for j in range(k):
        col = [row[j] for row in matrix]
        mx = max_scores[j]
        rest = [totals[i] - col[i] for i in range(n)]
        item = {
            "index": j,
            "max": mx,
            "mean": statistics.fmean(col) if n else None,
            "difficulty": (statistics.fmean(col) / mx) if n and mx > 0 else None,
            "discrimination": _pearson(col, rest),
            "upper_lower": ((statistics.fmean(col[i] for i in upper) - statistics.fmean(col[i] for i in lower)) / mx)
            if n >= 2 and mx > 0 and g else None,
        }
        out.append(item)
    return out


def flag_item(stat: dict) -> str:
    """A plain-language note for an item whose numbers deserve a look (conventional rules of thumb)."""
    notes = []
    d, r = stat.get("difficulty"), stat.get("discrimination")
    if d is not None and d >= 0.95:
        notes.append("almost everyone earned full credit")
    elif d is not None and d <= 0.30:
        notes.append("hard: most credit was not earned")
    if r is None:
        notes.append("no spread to measure discrimination")
    elif r < 0:
        notes.append("negative discrimination: stronger students did worse here (check the key or wording)")
    elif r < 0.2:
        notes.append("weak discrimination")
    return "; ".join(notes)


@dataclass
class ConceptCount:
    question: str
    concept: str
    found: int = 0
    missing: int = 0

    @property
    def miss_rate(self) -> float:
        n = self.found + self.missing
        return self.missing / n if n else 0.0


def concept_coverage(records: list[dict]) -> list[ConceptCount]:
    """`records`: one dict per scored answer {question, found: [concept], missing: [concept]}.
    Returns counts sorted by miss rate (most missed first), then by question and concept."""
    counts: dict[tuple[str, str], ConceptCount] = {}
    for rec in records:
        q = rec["question"]
        for c in rec.get("found") or []:
            counts.setdefault((q, c), ConceptCount(q, c)).found += 1
        for c in rec.get("missing") or []:
            counts.setdefault((q, c), ConceptCount(q, c)).missing += 1
    return sorted(counts.values(), key=lambda c: (-c.miss_rate, -c.missing, c.question, c.concept))


# ----------------------------------------------------------------------------- gathering
@dataclass
class ReviewEntry:
    student: str
    item: str
    reason: str
    name: str = ""


@dataclass
class CohortData:
    assignment: str
    students: list[str]
    item_names: list[str]
    max_scores: list[float]
    matrix: list[list[float]]
    totals: list[float]
    max_total: float
    reflections: list[dict] = field(default_factory=list)
    review: list[ReviewEntry] = field(default_factory=list)
    reflection_items: dict = field(default_factory=dict)   # item id -> {"n", "auto"}
    left_out: list = field(default_factory=list)           # [(student, why)] not in the concept counts


def read_sidecars(root: Path, assignment: str) -> dict[str, dict]:
    out = {}
    base = Path(root) / "autograded"
    if base.is_dir():
        for p in sorted(base.glob(f"*/{assignment}/.course-review.json")):
            try:
                out[p.parent.parent.name] = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
    return out


def gather(root: Path, assignment: str, db_file: Path) -> CohortData:
    from course.grading.export import load_scores

    scores = load_scores(db_file, [assignment], root=root)
    items = scores.items[assignment]
    students = sorted(s for (s, a) in scores.submissions if a == assignment)
    if not students:
        raise CourseError(f"No graded submissions of {assignment} yet.",
                          hint=f"Run: course autograde {assignment}")
    single = scores.single_notebook(assignment)
    matrix, totals = [], []
    for s in students:
        sub = scores.submissions[(s, assignment)]
        matrix.append([sub["items"].get((it.notebook, it.name), 0.0) for it in items])
        totals.append(sub["total"])
    data = CohortData(assignment, students, [it.column(single).split("/", 1)[1] for it in items],
                      [it.max_score for it in items], matrix, totals, scores.max_total[assignment])
    sidecars = read_sidecars(root, assignment)
    questions = _reflection_questions(root, assignment)
    manual = _manual_by_cell(db_file, assignment)
    from course.grading.workbench import decision_for

    for s in students:
        if s not in sidecars:
            data.left_out.append((s, "no review record (autograde this student again)"))
    for s, side in sidecars.items():
        if s not in students:
            continue
        seen_reflection = False
        for nbname, nb in (side.items() if isinstance(side, dict) else []):
            for gid, it in (nb.get("items") or {}).items() if isinstance(nb, dict) else []:
                if not isinstance(it, dict) or it.get("kind") != "reflection":
                    continue
                seen_reflection = True
                item = it.get("item", gid)
                cnt = data.reflection_items.setdefault(item, {"n": 0, "auto": 0})
                cnt["n"] += 1
                cnt["auto"] += 0 if it.get("needs_review") else 1
                found, missing = list(it.get("found") or []), list(it.get("missing") or [])
                how = "scorer"
                ticked = decision_for(root, assignment, s, nbname, gid, manual.get((s, gid)))
                labels = _concept_labels(root, questions.get(item))
                if ticked is not None and labels:
                    # the person's judgment (review workbench) replaces the scorer's first reading
                    found = [lab for cid, lab in labels if cid in set(ticked)]
                    missing = [lab for cid, lab in labels if cid not in set(ticked)]
                    how = "grader"
                elif not (found or missing):
                    if _empty_reflection(it) and labels:
                        found, missing, how = [], [lab for _cid, lab in labels], "empty"
                    else:
                        data.left_out.append((s, "the reflection could not be read (see course review)"))
                        continue
                data.reflections.append({"student": s, "question": item, "found": found, "missing": missing,
                                         "source": how})
        if questions and not seen_reflection:
            data.left_out.append((s, "no reflection answer in the review record"))
    # the review queue: exactly what `course review` lists (course.grading.review.review)
    from course.grading.review import review

    try:
        pending = review(assignment, root)
    except CourseError:
        pending = []
    for e in pending:
        why = "; ".join(e.reasons) or "the automatic score is unsure"
        data.review.append(ReviewEntry(e.student, e.item, why, e.name))
    data.review.sort(key=lambda r: (r.student, r.item))
    return data


def _empty_reflection(it: dict) -> bool:
    return "No reflection was written" in str(it.get("feedback") or "")


def _concept_labels(root: Path, question: str | None) -> list[tuple[str, str]]:
    """[(concept id, label)] of a reflection question's rubric; [] when it cannot be read."""
    if not question:
        return []
    try:
        from course.rubric import load_rubric

        return [(c.id, c.label) for c in load_rubric(question, root).concepts]
    except Exception:
        return []


def _manual_by_cell(db_file: Path, assignment: str) -> dict[tuple[str, str], float]:
    import sqlite3

    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = con.execute(
            """SELECT sa.student_id, c.name, g.manual_score FROM grade g
               JOIN submitted_notebook sn ON g.notebook_id = sn.id
               JOIN submitted_assignment sa ON sn.assignment_id = sa.id
               JOIN assignment a ON sa.assignment_id = a.id
               JOIN base_cell c ON g.cell_id = c.id
               WHERE a.name = ? AND g.manual_score IS NOT NULL""", (assignment,)).fetchall()
    finally:
        con.close()
    return {(r[0], r[1]): r[2] for r in rows}


def _reflection_questions(root: Path, assignment: str) -> dict[str, str]:
    """item id -> reflection question id, from grading/rubrics/items/<assignment>.yml."""
    import yaml

    f = Path(root) / "rubrics" / "items" / f"{assignment}.yml"
    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError):
        return {}
    items = data.get("items") if isinstance(data, dict) else None
    return {str(it.get("id")): str(it.get("question")) for it in items or []
            if isinstance(it, dict) and it.get("kind") == "reflection" and it.get("question")}


def reflection_trust(data: CohortData, root: Path) -> list[dict]:
    """Per reflection item: answers, auto-accepted, and the held-out agreement of its question."""
    questions = _reflection_questions(root, data.assignment)
    if not data.reflection_items and not questions:
        return []
    try:
        from course import rubric_eval
        held = rubric_eval.evaluate("heldout")
    except Exception:            # the calibration files are not shipped with every install
        held = {}
    out = []
    for item in sorted(set(data.reflection_items) | set(questions)):
        cnt = data.reflection_items.get(item, {"n": 0, "auto": 0})
        q = questions.get(item, "")
        out.append({"item": item, "question": q, "n": cnt["n"], "auto": cnt["auto"], "heldout": held.get(q)})
    return out


def _item_labels(root: Path, assignment: str, names: list[str]) -> list[str]:
    """'answer_1-check' -> 'Q1 reflection': the question number and kind from the answer key."""
    import re

    import yaml

    kinds = {}
    try:
        data = yaml.safe_load((Path(root) / "rubrics" / "items" / f"{assignment}.yml").read_text(encoding="utf-8")) or {}
        kinds = {str(it.get("id")): str(it.get("kind")) for it in data.get("items") or [] if isinstance(it, dict)}
    except (OSError, ValueError, AttributeError):
        pass
    out = []
    for n in names:
        base = n.split("/")[-1]
        base = base[:-len("-check")] if base.endswith("-check") else base
        m = re.search(r"(\d+)$", base)
        kind = {"single": "single choice", "multiple": "tick all", "matching": "matching",
                "ordering": "ordering", "reflection": "reflection"}.get(kinds.get(base, ""), "")
        out.append(f"Q{m.group(1)} {kind}".strip() if m and kind else n)
    return out


# ----------------------------------------------------------------------------- the report
def _f(x, nd=2) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


def build_report(root: Path, assignment: str, db_file: Path, out_dir: Path | None = None) -> Path:
    from course.figures import report as figs

    data = gather(root, assignment, db_file)
    out_dir = Path(out_dir or Path(root) / "reports" / assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    whole = float(data.max_total).is_integer() and 0 < data.max_total <= 60
    dist = score_distribution(data.totals, data.max_total, bins=int(data.max_total) if whole else 10)
    stats = item_statistics(data.matrix, data.max_scores)
    cov = concept_coverage(data.reflections)

    figs.score_histogram(dist, data.max_total, out_dir / "scores.png", title=f"{assignment}: total scores")
    figs.item_chart(_item_labels(root, assignment, data.item_names), stats, out_dir / "items.png")
    has_cov = bool(cov)
    if has_cov:
        figs.concept_chart(cov, out_dir / "concepts.png")

    L = [f"# Cohort report: {assignment}", ""]
    L += [f"{dist['n']} graded submission(s). Total possible: {data.max_total:g} points.", ""]
    L += ["## Score distribution", "",
          f"Mean {_f(dist['mean'])}, median {_f(dist['median'])}, standard deviation {_f(dist['sd'])} "
          f"(sample), lowest {_f(dist['min'])}, highest {_f(dist['max'])}.", "",
          f"![Histogram of total scores for {assignment}](scores.png)", ""]
    L += ["## Items", "",
          "Difficulty is the share of the item's points the cohort earned (1.00 = everyone full marks). "
          "Discrimination is the correlation between the item and the rest of the test (corrected "
          "item-total r; for right/wrong items, the point-biserial): above 0.3 is usually good, below 0.2 "
          "weak, below 0 a sign the key or the wording needs a look. Upper-lower is the difference between "
          f"the top and bottom {int(GROUP_FRACTION * 100)}% of students on the item, as a share of its points. "
          "With a small cohort these numbers move a lot; read them as prompts, not verdicts.", "",
          "| item | points | mean | difficulty | discrimination | upper-lower | note |",
          "|---|---:|---:|---:|---:|---:|---|"]
    for name, st in zip(data.item_names, stats):
        L.append(f"| {name} | {st['max']:g} | {_f(st['mean'])} | {_f(st['difficulty'])} | "
                 f"{_f(st['discrimination'])} | {_f(st['upper_lower'])} | {flag_item(st)} |")
    L += ["", "![Difficulty and discrimination per item](items.png)", ""]
    L += ["## Concepts the reflections missed", ""]
    if has_cov:
        counted = len({r["student"] for r in data.reflections})
        by_grader = len({r["student"] for r in data.reflections if r.get("source") == "grader"})
        empty = len({r["student"] for r in data.reflections if r.get("source") == "empty"})
        left = sorted(set(data.left_out))
        L += ["For each reflection question, how many answers showed each rubric concept. The most missed "
              "concepts come first: these are the ones to revisit in the next seminar.", "",
              f"Counted: {counted} of {len(data.students)} submission(s)"
              + (f"; for {by_grader} of them a grader's ticked concepts (review workbench) replace the scorer's "
                 "reading" if by_grader else "")
              + (f"; {empty} empty reflection(s) count as missing every concept" if empty else "") + "."
              + (f" Left out ({len(left)}): " + "; ".join(f"{st} ({why})" for st, why in left) + "."
                 if left else " Nobody was left out."), "",
              "| question | concept | found | missed | missed (%) |", "|---|---|---:|---:|---:|"]
        for c in cov:
            L.append(f"| {c.question} | {c.concept} | {c.found} | {c.missing} | {100 * c.miss_rate:.0f}% |")
        L += ["", "![Share of reflections missing each concept](concepts.png)", ""]
    else:
        L += ["No reflection scores were found (autograde writes them to "
              "`autograded/<student>/<assignment>/.course-review.json`).", ""]
    trust = reflection_trust(data, root)
    if trust:
        from course import rubric_eval
        heldout_name = rubric_eval.heldout_split()
        L += ["## How far to trust the reflection scores", "",
              "A reflection score is final only when the scorer is confident; otherwise the answer is marked "
              "*needs manual grade* and waits for a person. The agreement columns are what the scorer measured "
              f"on the project's frozen held-out answers (`{heldout_name}`: expert-scored answers by other writers "
              "that the scorer was never tuned or trained on): "
              "Spearman's rho with the expert, the share of answers more than 1 point off **without** a review "
              "flag, and the share of harmful recommendations that were flagged or scored at most 0.35 of full "
              "marks.", "",
              "| item | question | answers | auto-accepted | held-out n | rho | off by >1, unflagged | harmful caught |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
        for t in trust:
            h = t["heldout"] or {}
            if h.get("n"):
                agree = (f"{h['n']} | {h['rho']:.2f} | {100 * h['silent_miss']:.0f}% | "
                         f"{100 * h['harmful_ok']:.0f}%")
            else:
                agree = "n/a | n/a | n/a | n/a"
            L.append(f"| {t['item']} | {t['question'] or 'n/a'} | {t['n']} | {t['auto']} | {agree} |")
        L.append("")
    L += ["## Review queue", ""]
    if data.review:
        L += [f"{len(data.review)} answer(s) need a grader's eyes before grades are final "
              "(open them in the formgrader; a manual score replaces the automatic one).", "",
              "| student | item | why |", "|---|---|---|"]
        for r in data.review:
            who = f"{r.student} ({r.name})" if r.name else r.student
            L.append(f"| {who} | {r.item} | {r.reason.replace('|', '/')} |")
    else:
        L += ["Nothing is waiting for review."]
    L.append("")
    path = out_dir / "report.md"
    path.write_text("\n".join(L), encoding="utf-8")
    return path
