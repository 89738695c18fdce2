"""Cue audit: the best option must not be recognisable by its position or its length.

A student who always picks the first option, or the longest, should score no better than chance.
This test measures both cues over all the course's content that is present (every vignette, every
self-check file, every graded answer key, so modules added later are audited too) and prints a table
(run with `-s` to see it).

What counts as "the best option":
- vignettes: at each decision point, the choice(s) of the best quality present (helpful, else mixed);
- self-checks and graded multiple-choice items: the correct option(s). For a tick-all-that-apply item
  with c correct options out of k, "first is best" means the first option is one of the correct ones
  and "longest is best" means the longest option is one of them; by chance each happens with
  probability c/k (not 1/k), and that is the chance rate the test uses.
Length is the option's text in characters, with quotes and Markdown emphasis removed. A tie for longest
between a best and another option counts as "longest is best" (the conservative reading).

Tolerance. Under the null hypothesis that position and length carry no information, the number of
items whose best option is first (or longest) is a sum of independent Bernoulli(c_i/k_i) variables
(a Poisson-binomial distribution). Each content kind fails when the observed count is in the upper 5%
tail of that distribution: P(X >= observed) < 0.05. The content is fixed, so the test is deterministic;
5% is the usual one-sided level, strict enough that "first at 29 of 29 decision points" (p ~ 1e-14) or
"longest at 10 of 12" fails, loose enough that honest content with a few best-and-longest options
passes. Per-module rows are printed for authors but not asserted: one module has too few items for a
test with any power.

Graded single-answer keys must also be balanced across letters: with n keys and k letters no letter is
the key more than ceil(n/k) + 1 times, and once n >= 2k every letter is used. (A binomial test is too
weak at this n: four B keys out of five would pass it; the rule is what "balanced" means to a
student who guesses "B".)
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from course import paths
from course.scenes import load_vignette

ALPHA = 0.05
REPO = Path(__file__).resolve().parents[1]
ITEMS_DIR = REPO / "grading" / "rubrics" / "items"
SOURCE_DIR = REPO / "grading" / "source"
RANK = {"helpful": 2, "mixed": 1, "harmful": 0}


@dataclass
class Item:
    kind: str        # vignette | self-check | graded
    module: str
    ref: str
    texts: list[str]
    best: list[bool]

    @property
    def k(self) -> int:
        return len(self.texts)

    @property
    def chance(self) -> float:
        return sum(self.best) / self.k

    @property
    def first(self) -> bool:
        return self.best[0]

    @property
    def longest(self) -> bool:
        lengths = [len(clean(t)) for t in self.texts]
        top = max(lengths)
        return any(b for b, n in zip(self.best, lengths) if n == top)


def clean(text: str) -> str:
    return re.sub(r"[“”\"*_`]", "", str(text)).strip()


# ------------------------------------------------------------------ collecting the content
def vignette_items() -> list[Item]:
    out = []
    for f in sorted(paths.VIGNETTES_DIR.glob("*/*.yml")):
        v = load_vignette(f)
        for sid, scene in v.scenes.items():
            if not scene.choices:
                continue
            top = max(RANK[c.quality] for c in scene.choices)
            out.append(Item("vignette", v.module, f"{v.ref}#{sid}", [c.text for c in scene.choices],
                            [RANK[c.quality] == top for c in scene.choices]))
    return out


def selfcheck_items() -> list[Item]:
    from course.questions import load_questions

    out = []
    for f in sorted(paths.QUESTIONS_DIR.glob("*.yml")):
        for q in load_questions(f.stem):
            out.append(Item("self-check", q.module, q.ref, [o.text for o in q.options],
                            [o.correct for o in q.options]))
    return out


def _options_from_notebook(nb: Path, item_id: str) -> dict[str, str]:
    """The option texts students see: the '* **A.** text' lines of the question cell."""
    num = item_id.split("_")[1]
    data = json.loads(nb.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == f"question_{num}":
            src = "".join(cell["source"])
            return dict(re.findall(r"^\* \*\*([A-Z])\.\*\* (.+)$", src, flags=re.M))
    return {}


def graded_keys() -> list[dict]:
    out = []
    for f in sorted(ITEMS_DIR.glob("*.yml")):
        key = yaml.safe_load(f.read_text(encoding="utf-8"))
        nb = SOURCE_DIR / key["assignment"] / f"{key.get('notebook', key['assignment'])}.ipynb"
        for it in key["items"]:
            if it["kind"] in ("single", "multiple"):
                out.append(dict(assignment=key["assignment"], module=key.get("module", "?"), item=it, notebook=nb))
    return out


def graded_items() -> list[Item]:
    out = []
    for g in graded_keys():
        it = g["item"]
        texts = _options_from_notebook(g["notebook"], it["id"])
        assert list(texts) == list(it["options"]), (
            f"{g['notebook']}: the options of {it['id']} in the notebook ({list(texts)}) differ from the "
            f"answer key ({it['options']}); regenerate with python tools/build_assignments.py")
        answer = it["answer"] if isinstance(it["answer"], list) else [it["answer"]]
        out.append(Item("graded", g["module"], f"{g['assignment']}.{it['id']}", [texts[k] for k in it["options"]],
                        [k in answer for k in it["options"]]))
    return out


ALL = {"vignette": vignette_items, "self-check": selfcheck_items, "graded": graded_items}


# ------------------------------------------------------------------ statistics
def upper_tail(probs: list[float], observed: int) -> float:
    """P(X >= observed) for X a sum of independent Bernoulli(p_i) (Poisson-binomial), exactly."""
    dist = [1.0]
    for p in probs:
        nxt = [0.0] * (len(dist) + 1)
        for j, q in enumerate(dist):
            nxt[j] += q * (1 - p)
            nxt[j + 1] += q * p
        dist = nxt
    return sum(dist[observed:])


def summarize(items: list[Item]) -> dict:
    probs = [it.chance for it in items]
    first = sum(it.first for it in items)
    longest = sum(it.longest for it in items)
    return dict(n=len(items), expected=sum(probs), first=first, longest=longest,
                p_first=upper_tail(probs, first), p_longest=upper_tail(probs, longest))


def table(kind: str, items: list[Item]) -> str:
    rows = [f"\n{kind}: best option first / longest, against chance (p = P(X >= observed) under chance)",
            f"  {'group':<26}{'n':>4}{'chance':>8}{'first':>7}{'p':>8}{'longest':>9}{'p':>8}"]
    groups = {"ALL": items}
    for m in sorted({it.module for it in items}):
        groups[m] = [it for it in items if it.module == m]
    for name, group in groups.items():
        s = summarize(group)
        rows.append(f"  {name:<26}{s['n']:>4}{s['expected']:>8.1f}{s['first']:>7}{s['p_first']:>8.3f}"
                    f"{s['longest']:>9}{s['p_longest']:>8.3f}")
    offenders = [it.ref for it in items if it.first and it.longest]
    if offenders:
        rows.append("  best option both first and longest: " + ", ".join(offenders))
    return "\n".join(rows)


# ------------------------------------------------------------------ the tests
def test_the_statistics_are_right():
    # hand-checked values: 3 of 3 at p = 1/3 is 1/27; at least 0 is certain; a fair coin 5+ of 5
    assert math.isclose(upper_tail([1 / 3] * 3, 3), 1 / 27)
    assert upper_tail([0.25] * 4, 0) == 1.0
    assert math.isclose(upper_tail([0.5] * 5, 5), 1 / 32)
    # the audit flags what the review found (helpful first at 29 of 29) and passes a balanced set
    cued = [Item("vignette", "x", str(i), ["long helpful option", "short", "brief"], [True, False, False])
            for i in range(29)]
    assert summarize(cued)["p_first"] < ALPHA and summarize(cued)["p_longest"] < ALPHA
    rotated = [Item("vignette", "x", str(i), ["a much longer option", "mid one", "tiny"], [j == i % 3 for j in range(3)])
               for i in range(30)]  # the best option moves through every position and length
    assert summarize(rotated)["p_first"] >= ALPHA and summarize(rotated)["p_longest"] >= ALPHA
    # a multiple-answer item with 4 of 5 correct is "first" by chance 80% of the time
    assert Item("self-check", "x", "m", list("abcde"), [True] * 4 + [False]).chance == 0.8


@pytest.mark.parametrize("kind", list(ALL))
def test_best_option_is_not_first_or_longest_more_than_chance(kind):
    items = ALL[kind]()
    assert items, f"no {kind} content found"
    print(table(kind, items))
    s = summarize(items)
    problems = []
    if s["p_first"] < ALPHA:
        problems.append(f"the best option is first in {s['first']} of {s['n']} {kind} items "
                        f"(chance: {s['expected']:.1f}; P = {s['p_first']:.4f})")
    if s["p_longest"] < ALPHA:
        problems.append(f"the best option is the longest in {s['longest']} of {s['n']} {kind} items "
                        f"(chance: {s['expected']:.1f}; P = {s['p_longest']:.4f})")
    assert not problems, ("; ".join(problems) + ". Move the best option to other positions in the file and make "
                          "the other options as long and as qualified as the best one.\n" + table(kind, items))


def test_graded_single_answer_keys_are_balanced_across_letters():
    keys = [g for g in graded_keys() if g["item"]["kind"] == "single"]
    assert keys
    letters = sorted({o for g in keys for o in g["item"]["options"]})
    counts = Counter(g["item"]["answer"] for g in keys)
    n, k = len(keys), len(letters)
    print("\ngraded single-answer keys:", {L: counts.get(L, 0) for L in letters},
          {f"{g['assignment']}.{g['item']['id']}": g["item"]["answer"] for g in keys})
    cap = math.ceil(n / k) + 1
    over = {L: c for L, c in counts.items() if c > cap}
    assert not over, f"letter(s) {over} are the key of more than {cap} of {n} single-answer items; move some keys"
    if n >= 2 * k:
        unused = [L for L in letters if not counts.get(L)]
        assert not unused, f"with {n} single-answer keys, letter(s) {unused} are never the key"
