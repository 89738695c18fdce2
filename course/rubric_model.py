"""A second, independent estimate of a reflection's score, and calibrated review routing (issue 13, round 3).

The rubric scorer (course.rubric) credits the concepts it can find by their patterns. Measured on
answers by writers the rubrics were not written from, that lexical reading ranks answers at
Spearman ~0.71-0.76, while an expert's reading depends on the whole answer. This module adds two
things, both learned from the expert-scored calibration answers by tools/build_rubric_model.py
(deterministic, numpy only at build time) and stored as plain JSON coefficients in
course/rubric_model.json (no pickles; pure Python at scoring time, no network):

* `estimate(question, analysis)`: a ridge regression on TF-IDF word and word-pair features
  (stems, with negated words marked: "~meet" is "not meet"), pooled over the questions (each
  feature both as is and tied to its question). It reads the answer as a whole, so it is a
  second opinion that does not depend on the rubric's phrase lists.
* `combine(share, est)`: the final points on the 0-4 scale, a linear blend of the rubric's score
  (which already carries its caps: red flags, copying, stuffing) and the estimate, fitted on the
  calibration answers with out-of-fold estimates.
* `review_probability(features)`: a logistic model of "this score is more than 1 point from an
  expert's, or a harmful answer scored above 0.35 of full marks", fitted the same way; the answer
  goes to a person when it reaches `threshold` (chosen at build time so that at most a fixed share
  of the honest calibration answers goes to review while silent misses are fewest).

Questions the model was not built for (a course's own new rubric) fall back to the rubric's score
and its hand-set confidence signals.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from course.rubric_text import Analysis, stem

MODEL_PATH = Path(__file__).resolve().parent / "rubric_model.json"
HEDGES = frozenset("maybe perhaps might possibly probably seems seem likely unsure guess".split())
ROUTE_FEATURES = ("disagreement", "final", "middle", "found_share", "partial_found", "no_decision",
                  "log_words", "hedges", "list_share", "sentence_length")


_STEMS: dict[str, str] = {}


def base_terms(a: Analysis) -> dict[str, int]:
    """Feature counts of one analysed answer: word stems ("w:") and adjacent pairs ("b:"), a
    negated word marked with "~" ("~meet" is "not meet")."""
    stems = _STEMS
    ws = []
    for w, n in zip(a.norm, a.negd):
        st = stems.get(w)
        if st is None:
            st = stem(w)
            if len(stems) < 100_000:
                stems[w] = st
        ws.append("~" + st if n else st)
    out: dict[str, int] = {}
    get = out.get
    for f in ["w:" + w for w in ws] + ["b:" + x + "_" + y for x, y in zip(ws, ws[1:])]:
        out[f] = get(f, 0) + 1
    return out


def terms(question: str, a: Analysis) -> dict[str, int]:
    """The features the model is trained on: each base feature once as is and once tied to the
    question ("<question>|w:..."), so the model learns what holds across questions and what is
    particular to one."""
    out = base_terms(a)
    for f, n in list(out.items()):
        out[question + "|" + f] = n
    return out


def tfidf_dot(counts: dict[str, int], table: dict, oov_idf: float) -> float:
    """<tf-idf vector (L2-normalised over all of the answer's features), weights>; table maps a
    feature to (idf, weight); a feature not in the table counts in the norm with oov_idf."""
    ss = dot = 0.0
    for t, n in counts.items():
        tf = 1.0 if n == 1 else 1.0 + math.log(n)
        hit = table.get(t)
        if hit is None:
            v = tf * oov_idf
        else:
            v = tf * hit[0]
            dot += v * hit[1]
        ss += v * v
    return dot / math.sqrt(ss) if ss else 0.0


def _dot_pooled(counts: dict[str, int], shared: dict, own: dict, oov_idf: float) -> float:
    """tfidf_dot over terms(question, a), computed from the base counts and two tables (the
    features as is, and the question's own) without building the question's feature names."""
    ss = dot = 0.0
    oov2 = oov_idf * oov_idf
    for t, n in counts.items():
        tf = 1.0 if n == 1 else 1.0 + math.log(n)
        for table in (shared, own):
            hit = table.get(t)
            if hit is None:
                ss += tf * tf * oov2
            else:
                v = tf * hit[0]
                dot += v * hit[1]
                ss += v * v
    return dot / math.sqrt(ss) if ss else 0.0


_CACHE: list = [None, None, None]    # path, mtime, model


def _load(path: str) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    shared: dict = {}
    by_q: dict = {}
    for t, (idf, w) in data.pop("terms").items():
        q, sep, f = t.partition("|")
        if sep:
            by_q.setdefault(q, {})[f] = (idf, w)
        else:
            shared[t] = (idf, w)
    data["shared"], data["by_question"] = shared, by_q
    data["questions"] = frozenset(data["questions"])
    return data


def model(path: Path | str | None = None) -> dict | None:
    """The stored model, or None when the file is missing (scoring then uses the rubric alone).
    Read once, and again when the file changes."""
    p = str(path or MODEL_PATH)
    try:
        mtime = os.stat(p).st_mtime_ns
    except OSError:
        return None
    if _CACHE[0] != p or _CACHE[1] != mtime:
        _CACHE[:] = [p, mtime, _load(p)]
    return _CACHE[2]


def estimate(m: dict, question: str, a: Analysis) -> float:
    """The learned estimate of the expert's score, on the 0-4 scale (not clipped)."""
    return m["intercept"] + _dot_pooled(base_terms(a), m["shared"], m["by_question"].get(question, {}), m["oov_idf"])


def combine(m: dict, share: float, est: float) -> float:
    """Final points on the 0-4 scale from the rubric's score (0-4) and the estimate."""
    c0, c1, c2 = m["combine"]
    return max(0.0, min(4.0, c0 + c1 * share + c2 * est))


def route_features(a: Analysis, share: float, est: float, final: float, found: list, n_concepts: int,
                   no_decision: bool) -> dict[str, float]:
    n_sent = max(1, len(a.sentences))
    words = a.n_words
    return {
        "disagreement": abs(est - share),
        "final": final / 4,
        "middle": (final / 4) * (1 - final / 4),
        "found_share": sum(f["credit"] for f in found) / max(1, n_concepts),
        "partial_found": float(sum(1 for f in found if f["credit"] < 1)),
        "no_decision": 1.0 if no_decision else 0.0,
        "log_words": math.log(1 + words),
        "hedges": 100.0 * sum(1 for w in a.norm if w in HEDGES) / max(1, words),
        "list_share": len(a.items) / n_sent,
        "sentence_length": words / n_sent / 20,
    }


def review_probability(m: dict, feats: dict[str, float]) -> float:
    r = m["route"]
    z = r["bias"]
    for name, w, mu, sd in zip(ROUTE_FEATURES, r["weights"], r["mean"], r["scale"]):
        z += w * (feats[name] - mu) / sd
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
