"""A second, independent reading of a reflection answer, and review routing built on it.

Status: evaluated in issue 13 round 3 and NOT wired into course.rubric.score (docs/grading-pipeline.md,
"Round 3"); `python -m course.rubric_second build` is kept as a cross-writer evaluation instrument.

The rubric scorer (course.rubric) reads an answer through the rubric's concepts and patterns. This
module gives a second estimate of the expert's score (0-4) that does not use that concept
matching: ridge regressions per question (closed form, numpy; a part shared by all questions and a
part per question) on hashed word 1-2-grams and character 3-5-grams of the answer (case, Unicode
NFKC and look-alike letters from other alphabets folded). Two heads, averaged: one reads the text
alone, the other learns a correction of the rubric's score from the text and a few numbers of the
rubric's own result (points, concepts found, red flags, review reasons, length). It was fitted on expert-scored calibration answers from three groups of
writers (the team, and two outside groups); the frozen test split ``independent/`` is never read.

    from course.rubric import score
    from course.rubric_second import apply, second_score, blended
    r = score(q, text)
    r = apply(r, q, text)      # adds a plain review reason when the two readings disagree
    s = second_score(q, text, r)   # the second estimate, 0-4 (None without a model)

`apply` adds a review reason when the second estimate and the rubric's score disagree by more than
the question's threshold. The thresholds were chosen by the build, on writer groups the model was
not trained on (leave-one-group-out), to send as few answers as possible more than 1 point from the
expert through without review while keeping honest answers sent to review within budget.

The stored model (course/content/second_opinion.json) is rebuilt, deterministically, with

    python -m course.rubric_second build        # prints the cross-writer fold table

and must be rebuilt whenever the rubric scorer or the rubrics change (the thresholds depend on the
scorer's outputs). A missing or damaged model never stops grading: `apply` returns the rubric's
result unchanged and the problem is reported once (see `model_problem`).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import sys
import unicodedata
import warnings
import zlib
from dataclasses import replace
from pathlib import Path

from course import paths
from course.errors import CourseError

MODEL_FILE = paths.CONTENT_DIR / "second_opinion.json"
FORMAT = 1
CAL_DIR = paths.REPO_ROOT / "tests" / "calibration"
# writer groups: the team's own answers and two groups of outside writers
GROUPS = {
    "TEAM": ("legacy", "tuning", "dev", "reserve"),
    "OUTSIDE": ("outside",),
    "OUTSIDE2": ("outside2",),
}
NEVER_READ = ("independent",)        # the lead's frozen test split: the build never opens it
HONEST = ("strong", "good")
HARMFUL_SHARE = 0.35
HONEST_BUDGET = 0.22                 # honest answers sent to review, at most (the issue allows 25%)

# --- text folding ---------------------------------------------------------------------------------
# letters from other alphabets that look like Latin ones (lower case after casefold)
_LOOKALIKE = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "ɡ": "g", "ү": "y", "ѵ": "v", "ь": "b", "г": "r", "п": "n", "ꙇ": "i",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j", "ς": "c", "μ": "u",
    # Armenian and others often used to dodge copy checks
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "ա": "w",
}
_FOLD_TABLE = str.maketrans(_LOOKALIKE)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def fold_text(text: str) -> str:
    """Unicode NFKC, case folded, invisible characters removed, look-alike Cyrillic/Greek letters
    turned into the Latin letter they imitate, curly apostrophes straightened."""
    t = unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).casefold()
    return t.translate(_FOLD_TABLE).replace("\u2019", "'").replace("\u2018", "'")


def words_of(text: str) -> list[str]:
    return _WORD_RE.findall(fold_text(text))


# --- features -------------------------------------------------------------------------------------
_HASHES: tuple[dict, dict] = ({}, {})   # n-gram -> crc32, words and characters (n-grams repeat across answers)


def _hashes(grams: list[str], space: int) -> list[int]:
    cache = _HASHES[space]
    if len(cache) > 400_000:            # bounded memory in a long grading process
        cache.clear()
    out = []
    for g in grams:
        v = cache.get(g)
        if v is None:
            v = cache[g] = zlib.crc32(g.encode("utf-8"), space + 1)   # a different seed per space
        out.append(v)
    return out


def text_features(text: str, dim: int):
    """Hashed word 1-2-grams and character 3-5-grams (on the folded text, words joined by one
    space), each group log-scaled and L2-normalised to 1/sqrt(2). Returns (buckets, values), numpy
    arrays; a bucket may repeat (values add up)."""
    import numpy as np

    words = words_of(text)
    line = " " + " ".join(words) + " "
    groups = (words + [a + " " + b for a, b in zip(["<s>"] + words, words)],
              [line[i:i + n] for n in (3, 4, 5) for i in range(len(line) - n + 1)])
    keys, vals = [], []
    for space, grams in enumerate(groups):
        if not grams:
            continue
        uniq, counts = np.unique(np.array(_hashes(grams, space), dtype=np.int64), return_counts=True)
        v = 1.0 + np.log(counts)
        keys.append(uniq % dim)
        vals.append(v / (np.sqrt(v @ v) * math.sqrt(2)))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(keys), np.concatenate(vals)


RUBRIC_FEATURES = ("points", "found", "credit", "red_flag", "review", "reasons", "confidence", "log_words",
                   "log_sentences", "decisions", "unsure_only")


def rubric_features(result, text: str) -> list[float]:
    """A few numbers from the rubric's own result (scaled to about 0..1)."""
    n_concepts = max(1, len(result.found) + len(result.missing))
    share = result.points / result.max_points if result.max_points else 0.0
    credit = sum(float(f.get("credit", 1.0)) for f in result.found) / n_concepts
    sentences = max(1, len(re.findall(r"[.!?]+(?:\s|$)", text or "")) or 1)
    reasons = [x for x in (result.review_reasons or []) if not x.startswith(REASON_START)]   # not our own
    unsure_only = bool(reasons) and all(r.startswith("unsure") for r in reasons)
    return [share, len(result.found) / n_concepts, credit, 1.0 if result.red_flags else 0.0,
            1.0 if reasons else 0.0, min(3, len(reasons)) / 3, float(result.confidence),
            math.log1p(result.words) / 6, math.log1p(sentences) / 3, min(2, len(result.decisions)) / 2,
            1.0 if unsure_only else 0.0]


# --- the stored model -------------------------------------------------------------------------------
class SecondOpinion:
    """A loaded model: per question, the weights of two heads: "resid" over [text buckets, rubric
    features, intercept] (the rubric's score plus a correction) and "text" over [text buckets,
    intercept] (the text alone); the second estimate mixes them (text_share)."""

    def __init__(self, data: dict):
        import numpy as np

        self.data = data
        self.dim = int(data["dim"])
        self.rubric_scale = float(data["rubric_scale"])
        self.text_share = float(data["text_share"])
        self.thresholds = {q: float(t) for q, t in data["thresholds"].items()}
        self.blend_weight = float(data["blend_weight"])
        self.weights = {}
        sizes = {"resid": self.dim + len(RUBRIC_FEATURES) + 1, "text": self.dim + 1}
        for q, heads in data["weights"].items():
            self.weights[q] = {}
            for head, size in sizes.items():
                raw = zlib.decompress(base64.b64decode(heads[head]))
                w = np.frombuffer(raw, dtype="<i2").astype(np.float64) * float(data["scales"][q][head])
                if w.shape[0] != size:
                    raise ValueError(f"the {head} weights for {q} have the wrong length")
                self.weights[q][head] = w

    def predict(self, question_id: str, text: str, result) -> float | None:
        w = self.weights.get(question_id)
        if w is None:
            return None
        import numpy as np

        keys, vals = text_features(text, self.dim)
        r = np.array(rubric_features(result, text) + [1.0]) * self.rubric_scale
        resid = float(w["resid"][keys] @ vals) + float(w["resid"][self.dim:] @ r)
        alone = float(w["text"][keys] @ vals) + float(w["text"][-1])
        return float(combine(_share4(result), resid, alone, self.text_share))


_MODEL: dict = {}


def load_model(path: Path | str | None = None) -> SecondOpinion:
    """The stored second-opinion model. Raises CourseError (plain words) when the file is missing
    or damaged."""
    path = Path(path or MODEL_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"format {found!r}, expected {FORMAT}")
        return SecondOpinion(data)
    except FileNotFoundError:
        raise CourseError(f"The second-opinion model {path.name} is missing.",
                          hint="Rebuild it with: python -m course.rubric_second build") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error) as e:
        raise CourseError(f"The second-opinion model {path.name} is damaged ({e}).",
                          hint="Rebuild it with: python -m course.rubric_second build") from None


def model_problem() -> str | None:
    """Why the default model cannot be used (None when it loads)."""
    _default_model()
    return _MODEL.get("problem")


def _default_model() -> SecondOpinion | None:
    if "model" not in _MODEL:
        try:
            _MODEL["model"] = load_model()
            _MODEL["problem"] = None
        except CourseError as e:
            _MODEL["model"] = None
            _MODEL["problem"] = str(e)
            # said once per process; grading goes on with the rubric's score alone
            warnings.warn(f"Reflections are scored without the second reading: {e}", RuntimeWarning, stacklevel=3)
    return _MODEL["model"]


def second_score(question_id: str, text: str, result=None, model: SecondOpinion | None = None) -> float | None:
    """The second estimate of the expert's score, 0-4, or None (no model, or a question it does not know)."""
    model = model or _default_model()
    if model is None:
        return None
    if result is None:
        from course.rubric import score

        result = score(question_id, text)
    return model.predict(question_id, text, result)


def _share4(result) -> float:
    return 4 * result.points / result.max_points if result.max_points else 0.0


REASON_START = "a second reading of this answer disagrees"


def reason_text(rubric4: float, second4: float) -> str:
    return (f"{REASON_START} with the rubric score (rubric {rubric4:.1f} of 4, "
            f"second reading {second4:.1f} of 4): please read it")


def route(rubric4: float, second4: float, threshold: float) -> bool:
    """True when the two estimates (0-4) disagree by more than the threshold."""
    return abs(second4 - rubric4) > threshold


def rubric_digest(path: Path | str) -> str:
    """sha256 of a rubric file's bytes (the model is valid only for the rubrics it was built with)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_DIGESTS: dict = {}
_STALE_SAID: set = set()


def _rubric_matches(model: SecondOpinion, question_id: str, rubric) -> bool:
    """False when the given rubric is not the one the model was built with (an instructor edited
    it, or another course's rubric): the second reading is then skipped, and that is said once."""
    if rubric is None:
        return True
    want = model.data.get("rubric_sha256", {}).get(question_id)
    path = Path(rubric.path)
    try:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in _DIGESTS:
            _DIGESTS[key] = rubric_digest(path)
        ok = _DIGESTS[key] == want
    except OSError:
        ok = False
    if not ok and question_id not in _STALE_SAID:
        _STALE_SAID.add(question_id)
        warnings.warn(f"The rubric of {question_id} differs from the one the second reading was built with, so "
                      f"answers to it are scored by the rubric alone. Rebuild with: python -m course.rubric_second build",
                      RuntimeWarning, stacklevel=3)
    return ok


def apply(result, question_id: str, text: str, model: SecondOpinion | None = None, blend: bool = False,
          rubric=None):
    """The rubric's result, with a review reason added when the second reading disagrees with the
    rubric by more than the question's threshold. With blend=True the points also become
    `blended(...)`'s points (unchanged when the build chose no blending). Call it once, on the
    rubric scorer's own result; pass the Rubric used (`rubric=`) so an edited rubric is noticed.
    Returns a new ScoreResult (the given one is not modified), or the given one when nothing
    changes (no model, a question or rubric the model does not know, an empty answer)."""
    model = model or _default_model()
    if model is None or question_id not in model.thresholds or result.words == 0:
        return result
    if not _rubric_matches(model, question_id, rubric):
        return result
    s = model.predict(question_id, text, result)
    if s is None:
        return result
    a = _share4(result)
    changes = {}
    if route(a, s, model.thresholds[question_id]):
        changes = {"review_reasons": list(result.review_reasons) + [reason_text(a, s)], "needs_review": True}
    if blend and model.blend_weight > 0:
        pts = _blend_points(result, s, model.blend_weight)
        if pts != result.points:
            changes["points"] = pts
    return replace(result, **changes) if changes else result


def _blend_points(result, second4: float, weight: float) -> float:
    mx = result.max_points
    return round(min(mx, max(0.0, (1 - weight) * result.points + weight * second4 * mx / 4)), 2)


def blended(result, question_id: str, text: str, model: SecondOpinion | None = None) -> tuple[float, str]:
    """(points, one plain sentence for the feedback): the rubric's points moved toward the second
    reading by the blend weight the build chose on cross-writer validation (0: the rubric's points
    unchanged). Give it the rubric scorer's own result."""
    model = model or _default_model()
    s = None if model is None or result.words == 0 else model.predict(question_id, text, result)
    if s is None or model.blend_weight <= 0:
        return result.points, "The score is the rubric's."
    wgt = model.blend_weight
    pts = _blend_points(result, s, wgt)
    return pts, (f"The score combines the rubric's reading ({result.points:g} of {result.max_points:g}) with a "
                 f"second reading of the whole answer ({s * result.max_points / 4:.1f}), weighted "
                 f"{1 - wgt:.0%} to {wgt:.0%}.")


# --- building ---------------------------------------------------------------------------------------
def calibration_files(cal_dir: Path | None = None) -> list[Path]:
    """The calibration files the build reads: every split of GROUPS, never NEVER_READ."""
    cal_dir = Path(cal_dir or CAL_DIR)
    files = []
    for splits in GROUPS.values():
        for s in splits:
            files += sorted(cal_dir.glob("*.yml")) if s == "legacy" else sorted((cal_dir / s).glob("*.yml"))
    for f in files:
        if any(part in NEVER_READ for part in f.relative_to(cal_dir).parts):
            raise RuntimeError(f"refusing to read the frozen test split: {f}")
    return files


def _read_yaml(path: Path):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def load_rows(cal_dir: Path | None = None) -> list[dict]:
    cal_dir = Path(cal_dir or CAL_DIR)
    split_group = {s: g for g, ss in GROUPS.items() for s in ss}
    rows = []
    for f in calibration_files(cal_dir):
        split = "legacy" if f.parent == cal_dir else f.parent.name
        data = _read_yaml(f)
        for a in data["answers"]:
            rows.append({"question": data["question"], "set": split, "group": split_group[split], **a})
    return rows




DESIGN = {                 # chosen by the average over the three cross-writer folds (see build)
    "dim": 2 ** 13,        # hashed text buckets (2**14 and 2**15 measured the same on the folds)
    "rubric_scale": 1.0,   # weight of the rubric-result features against the text features
    "lam": 1.0,            # ridge penalty
    "g_global": 1.0,       # kernel share of the model common to all questions
    "g_question": 1.0,     # kernel share of the per-question model
    "text_lam": 0.5,       # ridge penalty of the text-only head
    "text_share": 0.5,     # the second estimate averages the corrected rubric score and the text-only reading
    "harm_weight": 3.0,    # in threshold choice, a harmful answer unhandled counts as this many silent misses
}
# (a second head that learned "recommends a harmful course of action" was tried and never chosen by
# the threshold search on any fold: it is not built)
THRESHOLD_GRID = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 9.0)     # 9: never (a question's "off")
BLEND_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


class Data:
    """The calibration rows, scored by the CURRENT rubric scorer, as numpy arrays."""

    def __init__(self, rows: list[dict], dim: int):
        import numpy as np

        from course.rubric import load_rubric, score_with

        self.rows = rows
        self.dim = dim
        # the rubric scorer's own result (score_with: without any routing the lead wires into score())
        self.results = [score_with(load_rubric(r["question"]), r["text"]) for r in rows]
        n = len(rows)
        self.questions = sorted({r["question"] for r in rows})
        self.q = np.array([self.questions.index(r["question"]) for r in rows])
        self.group = np.array([r["group"] for r in rows])
        self.y = np.array([float(r["score"]) for r in rows])
        self.rubric4 = np.array([_share4(res) for res in self.results])
        self.review = np.array([bool(res.needs_review) for res in self.results])
        self.honest = np.array([r.get("kind") in HONEST for r in rows])
        self.harmful = np.array([r.get("kind") == "harmful" for r in rows])
        # each writer group weighs the same in every choice made on data (the team's group is the largest)
        sizes = {g: int(np.sum(self.group == g)) for g in GROUPS}
        self.weight = np.array([1.0 / sizes[g] for g in self.group])
        self.X = np.zeros((n, dim))
        for i, r in enumerate(rows):
            keys, vals = text_features(r["text"], dim)
            np.add.at(self.X[i], keys, vals)
        self.R = np.array([rubric_features(res, r["text"]) for res, r in zip(self.results, rows)])


def _phi(data: Data, idx, design, head: str = "resid"):
    """Features of rows idx: "resid" [text buckets, rubric features, intercept] (scaled by
    rubric_scale), "text" [text buckets, intercept]."""
    import numpy as np

    if head == "text":
        return np.hstack([data.X[idx], np.ones((len(idx), 1))])
    s = float(design["rubric_scale"])
    return np.hstack([data.X[idx], data.R[idx] * s, np.full((len(idx), 1), s)])


def fit(data: Data, idx, design) -> dict:
    """Dual-form ridge over the rows idx with a kernel shared across questions (g_global) plus a
    per-question part (g_question). Two heads: "resid" learns the expert's score minus the rubric's
    from the text and the rubric's result; "text" learns the expert's score from the text alone.
    Returns {head: {question index: primal weights}}."""
    import numpy as np

    qs = data.q[idx]
    mix = design["g_global"] + design["g_question"] * (qs[:, None] == qs[None, :])
    out = {}
    for head, target, lam in (("resid", data.y[idx] - data.rubric4[idx], design["lam"]),
                              ("text", data.y[idx], design["text_lam"])):
        P = _phi(data, idx, design, head)
        alpha = np.linalg.solve((P @ P.T) * mix + lam * np.eye(len(idx)), target)
        out[head] = {qi: P.T @ (alpha * (design["g_global"] + design["g_question"] * (qs == qi)))
                     for qi in range(len(data.questions))}
    return out


def combine(rubric4, resid, text, text_share: float):
    """The second estimate (0-4): the rubric's score plus the learned correction, averaged with the
    text-only reading (text_share of it)."""
    import numpy as np

    return np.clip((1 - text_share) * (rubric4 + resid) + text_share * text, 0.0, 4.0)


def predict(data: Data, idx, weights, design):
    """The second estimates (0-4) for rows idx."""
    import numpy as np

    heads = {}
    for head in ("resid", "text"):
        P = _phi(data, idx, design, head)
        heads[head] = np.array([P[j] @ weights[head][data.q[i]] for j, i in enumerate(idx)])
    return combine(data.rubric4[idx], heads["resid"], heads["text"], design["text_share"])


def out_of_group(data: Data, idx, design):
    """Predictions for the rows idx, each from a model trained on the other writer groups in idx."""
    import numpy as np

    pred = np.zeros(len(idx))
    groups = data.group[idx]
    for g in sorted(set(groups)):
        tr, te = idx[groups != g], idx[groups == g]
        pred[groups == g] = predict(data, te, fit(data, tr, design), design)
    return pred


def final_points4(data: Data, idx, second, blend: float):
    return (1 - blend) * data.rubric4[idx] + blend * second


def _routed(data: Data, idx, second, thr):
    """Review flags after routing, for rows idx: the rubric's own flags, plus disagreement over the
    question's threshold."""
    return data.review[idx] | (abs(second - data.rubric4[idx]) > thr[data.q[idx]])


def _counts(data: Data, idx, review, pts):
    import numpy as np

    w = data.weight[idx]
    off = np.abs(data.y[idx] - pts) > 1
    silent = float(np.sum(w * (off & ~review)))
    harm_bad = float(np.sum(w * (data.harmful[idx] & ~review & (pts > 4 * HARMFUL_SHARE + 1e-9))))
    honest_rev = float(np.sum(w * (data.honest[idx] & review)))
    return silent, harm_bad, honest_rev


def choose_thresholds(data: Data, idx, second, design, blend: float):
    """Per-question disagreement thresholds that minimise silent misses (+ harm_weight x harmful
    answers unhandled) subject to honest answers sent to review <= HONEST_BUDGET, on rows idx with
    out-of-group second estimates, each writer group weighing the same. Greedy, from "never": take
    the threshold change that removes the most misses per honest review it adds, while the budget
    holds (changes that add no honest review come first, and are taken even over budget)."""
    import numpy as np

    nq = len(data.questions)
    qs = data.q[idx]
    table = {}
    for qi in range(nq):
        m = qs == qi
        sub, s = idx[m], second[m]
        pts = final_points4(data, sub, s, blend)
        opts = []
        for t in THRESHOLD_GRID:
            sil, harm, hon = _counts(data, sub, _routed(data, sub, s, np.full(nq, t)), pts)
            opts.append((t, sil + design["harm_weight"] * harm, hon))
        table[qi] = opts
    budget = HONEST_BUDGET * float(np.sum(data.weight[idx] * data.honest[idx]))
    state = {qi: next(o for o in table[qi] if o[0] == THRESHOLD_GRID[-1]) for qi in range(nq)}   # never
    while True:          # greedy: the move that removes the most misses per honest review added, in budget
        used = sum(o[2] for o in state.values())
        moves = []
        for qi in range(nq):
            cur = state[qi]
            for o in table[qi]:
                gain, cost = cur[1] - o[1], o[2] - cur[2]
                if gain > 1e-12 and (cost <= 1e-12 or used + cost <= budget + 1e-12):
                    moves.append((gain / max(cost, 1e-9), gain, o[0], qi, o))
        if not moves:
            break
        _, _, _, qi, o = max(moves, key=lambda m: (round(m[0], 9), m[1], m[2], -m[3]))
        state[qi] = o
    return np.array([state[qi][0] for qi in range(nq)])


def _metrics(data: Data, idx, review, points4):
    """course.rubric_eval.metrics (the issue-13 definitions) on rows idx with the given review flags
    and final points (0-4 scale)."""
    from course.rubric_eval import metrics

    rows = [{"id": data.rows[i].get("id"), "kind": data.rows[i].get("kind"), "score": data.y[i],
             "auto": float(p), "max": 4.0, "review": bool(rv)} for i, p, rv in zip(idx, points4, review)]
    m = metrics(rows)
    return {"rho": m["rho"], "silent": m["silent_miss"], "harm_ok": m["harmful_ok"], "honest_rev": m["honest_review"]}


def evaluate_folds(data: Data, design) -> list[dict]:
    """For each writer group: train on the other two (thresholds chosen there, on out-of-group
    predictions), evaluate on it. Returns one dict per fold with, for every blend weight of
    BLEND_GRID, the metrics with and without routing."""
    import numpy as np

    from course.rubric_eval import spearman

    out = []
    for g in GROUPS:
        tr = np.where(data.group != g)[0]
        te = np.where(data.group == g)[0]
        oog = out_of_group(data, tr, design)
        second = predict(data, te, fit(data, tr, design), design)
        f = {"fold": g, "n": len(te), "questions": data.questions, "base": _metrics(data, te, data.review[te], data.rubric4[te]),
             "rho_second": spearman(list(data.y[te]), list(second)), "by_blend": {}}
        for b in BLEND_GRID:
            thr = choose_thresholds(data, tr, oog, design, b)
            pts = final_points4(data, te, second, b)
            f["by_blend"][b] = {"routed": _metrics(data, te, _routed(data, te, second, thr), pts),
                                "unrouted": _metrics(data, te, data.review[te], pts),
                                "thresholds": [float(x) for x in thr]}
        out.append(f)
    return out


def _mean(folds, blend, which):
    return {k: sum(f["by_blend"][blend][which][k] for f in folds) / len(folds) for k in folds[0]["base"]}


def choose_blend(folds: list[dict]) -> float:
    """The blend weight with the best mean cross-writer Spearman among those whose mean silent misses
    (with routing) are within the issue's 3% (else among all); 0 unless blending raises the mean
    Spearman of the rubric alone by at least 0.01. Ties: the smaller weight."""
    mean = {b: _mean(folds, b, "routed") for b in BLEND_GRID}
    ok = [b for b in BLEND_GRID if mean[b]["silent"] <= 0.03] or list(BLEND_GRID)
    best = max(ok, key=lambda b: (round(mean[b]["rho"], 3), -b))
    return best if mean[best]["rho"] >= mean[0.0]["rho"] + 0.01 else 0.0


def fold_table(folds: list[dict], blend: float) -> str:
    lines = [f"{'held-out':9} {'n':>4} {'rho rubric':>10} {'second':>6} {'blend':>6}   "
             f"{'silent>1':>12} {'harmful ok':>11} {'honest->review':>14}   (rubric alone -> blended points"
             f" w={blend:g} + routing)"]
    rows = [(f["fold"], f["n"], f["base"], f["by_blend"][blend]["routed"], f["rho_second"]) for f in folds]
    n = len(rows)
    mean = ("mean", sum(x[1] for x in rows), {k: sum(x[2][k] for x in rows) / n for k in rows[0][2]},
            {k: sum(x[3][k] for x in rows) / n for k in rows[0][3]}, sum(x[4] for x in rows) / n)
    for name, size, b, r, s in rows + [mean]:
        lines.append(f"{name:9} {size:>4} {b['rho']:10.3f} {s:6.3f} {r['rho']:6.3f}   "
                     f"{100 * b['silent']:4.1f} ->{100 * r['silent']:4.1f}% {100 * b['harm_ok']:4.0f} ->"
                     f"{100 * r['harm_ok']:3.0f}% {100 * b['honest_rev']:5.0f} ->{100 * r['honest_rev']:4.0f}%")
    lines.append("thresholds chosen on the training groups (question order "
                 + ", ".join(q.split(".")[0][:6] for q in folds[0].get("questions", [])) + "; 9 = never): "
                 + "; ".join(f"{f['fold']} " + " ".join(f"{t:g}" for t in f["by_blend"][blend]["thresholds"])
                             for f in folds))
    lines.append("per blend weight, mean over folds (with routing):")
    for b in BLEND_GRID:
        m, u = _mean(folds, b, "routed"), _mean(folds, b, "unrouted")
        lines.append(f"  w={b:<4g} rho {m['rho']:.3f}  silent {100 * u['silent']:4.1f}% -> {100 * m['silent']:4.1f}%  "
                     f"harmful ok {100 * m['harm_ok']:3.0f}%  honest->review {100 * u['honest_rev']:3.0f}% -> "
                     f"{100 * m['honest_rev']:3.0f}%")
    return "\n".join(lines)


def _pack(w) -> tuple[str, float]:
    """int16-quantised, zlib-compressed, base64 weights (small, and stable to the last float bit)."""
    import numpy as np

    scale = float(np.max(np.abs(w))) / 32000 or 1.0
    scale = float(f"{scale:.6e}")
    q = np.round(w / scale).astype("<i2")
    return base64.b64encode(zlib.compress(q.tobytes(), 9)).decode("ascii"), scale


def build(cal_dir: Path | None = None, design: dict | None = None, log=print,
          keep: dict | None = None) -> tuple[dict, list[dict]]:
    """Fit the shipped model on all three writer groups; choose the blend weight by the mean over
    the cross-writer folds and the thresholds on out-of-group predictions. Returns (model data,
    folds); `keep`, when given, receives the scored calibration data and the design (for tests)."""
    import numpy as np

    design = dict(DESIGN, **(design or {}))
    rows = load_rows(cal_dir)
    data = Data(rows, design["dim"])
    folds = evaluate_folds(data, design)
    blend = choose_blend(folds)
    log(fold_table(folds, blend))
    idx = np.arange(len(rows))
    oog = out_of_group(data, idx, design)
    thr = choose_thresholds(data, idx, oog, design, blend)
    model = model_data(data, fit(data, idx, design), thr, blend, design)
    model["honest_budget"] = HONEST_BUDGET
    model["folds"] = [{"fold": f["fold"], "n": f["n"], "rubric": _round(f["base"]), "rho_second": round(f["rho_second"], 4),
                       "with_routing": _round(f["by_blend"][blend]["routed"])} for f in folds]
    log("thresholds (disagreement, 0-4 scale): " + ", ".join(f"{q} {t:g}" for q, t in model["thresholds"].items()))
    log(f"blend weight: {blend:g}")
    if keep is not None:
        keep.update(data=data, design=design)
    return model, folds


def model_data(data: Data, weights: dict, thr, blend: float, design: dict) -> dict:
    """The stored form of a model (what SecondOpinion loads)."""
    import numpy as np

    from course.rubric import load_rubric

    packed = {data.questions[qi]: {h: _pack(weights[h][qi]) for h in weights} for qi in range(len(data.questions))}
    rubric_hash = hashlib.sha256()
    for res in data.results:
        rubric_hash.update(f"{res.points:.2f}|{int(res.needs_review)};".encode())
    model = {
        "format": FORMAT,
        "about": "Second reading of reflection answers (course/rubric_second.py). Built by "
                 "`python -m course.rubric_second build`; rebuild after any change to the rubric scorer or rubrics.",
        "dim": design["dim"], "rubric_scale": design["rubric_scale"], "text_share": design["text_share"],
        "design": design,
        "blend_weight": blend,
        "thresholds": {data.questions[qi]: float(t) for qi, t in enumerate(thr)},
        "trained_on": {g: int(np.sum(data.group == g)) for g in GROUPS},
        "rubric_outputs_sha256": rubric_hash.hexdigest(),
        "rubric_sha256": {q: rubric_digest(load_rubric(q).path) for q in data.questions},
        "scales": {q: {h: p[1] for h, p in heads.items()} for q, heads in packed.items()},
        "weights": {q: {h: p[0] for h, p in heads.items()} for q, heads in packed.items()},
    }
    return model


def _round(m: dict) -> dict:
    return {k: round(v, 4) for k, v in m.items()}


def dumps(model: dict) -> str:
    return json.dumps(model, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    import time

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("build", "check"):
        print("usage: python -m course.rubric_second build|check [--honest-budget 0.22]", file=sys.stderr)
        return 2
    global HONEST_BUDGET
    if "--honest-budget" in argv:            # e.g. 0.25: the issue's own limit, no margin
        HONEST_BUDGET = float(argv[argv.index("--honest-budget") + 1])
    t0 = time.process_time()
    model, _ = build()
    text = dumps(model)
    if argv[0] == "check":
        same = MODEL_FILE.exists() and MODEL_FILE.read_text(encoding="utf-8") == text
        print("the stored model is up to date" if same else "the stored model is OUT OF DATE: run build")
        return 0 if same else 1
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({len(text.encode()) / 1024:.0f} KB) in {time.process_time() - t0:.0f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
