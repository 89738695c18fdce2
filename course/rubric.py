"""Reflection rubrics and the reflection scorer (pure Python, deterministic, offline).

    from course.rubric import score, load_rubric, list_questions
    result = score("frame.why-not-friends", answer_text)
    result.points, result.max_points, result.found, result.missing, result.needs_review
    result.feedback            # student-facing, never shows the rubric's patterns
    result.to_dict()           # what `course score-reflection` prints as JSON

A rubric (grading/rubrics/reflections/<question>.yml, format in docs/design/rubric-format.md)
lists the concepts a good answer shows, each with weighted evidence patterns, and the red flags:
recommendations a counselor must never make in that scenario. The scorer credits a concept only
when a pattern matches inside one real sentence, with the right polarity (negation-aware), in the
student's own words (not copied from the prompt). A red flag caps the score and asks for review.
Rubrics are compiled once and cached; matching uses precomputed word -> atom tables, so no regular
expression is compiled per call.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from course import paths
from course import rubric_model as _rubric_model
from course.errors import CourseError
from course.rubric_text import (FUNCTION_WORDS, LINK_WORDS, NEAR, NEG_PAIRS, NEGATORS, Analysis, analyse, deletes1,
                                normalise, stem, within_one_edit)
from course.validation import Report
from course.yamlio import YamlError, load_yaml

REFLECTIONS_DIR = paths.RUBRICS_DIR / "reflections"

DEFAULT_CHECKS = {
    "window": 22,               # max tokens between the first and last slot of one pattern match
    "copied_ngram": 5,          # n-gram length for copied-prompt detection
    "copied_ratio": 0.4,        # share of the answer copied from the prompt that triggers review
    "stuffing_density": 0.18,   # share of words that are rubric vocabulary that counts as stuffing
    "stuffing_factor": 0.5,     # multiplier applied to a stuffed answer's points
    "dense_sentence_concepts": 4,  # one sentence showing this many concepts looks like a list
    "off_topic_ratio": 0.34,    # fewer sentences than this share mention the scenario: off-topic
    "partial_credit": 0.5,      # credit of a concept shown only through a `partial` pattern
    "negated_review": 2,        # this many concepts named only to be rejected asks for review
    "sentence_span": 2,         # a pattern may spread over this many adjacent sentences (1 = one sentence)
    "lookalike_review": 3,      # this many letters from other alphabets that look Latin asks for review
    "confidence": 0.6,          # a score is final (auto-accepted) only at or above this confidence
    "rejection_cap": 0.5,       # most points for an answer that states course ideas only to dismiss them
                                # (or pairs a harmful plan with concepts named only to be set aside)
    "base_credit": 0.15,        # share of the points an on-topic answer in the student's own words starts from
}
CONDEMN = frozenset("""
violation violations violate violates violating unethical exploit exploits exploitation exploitative
exploiting harm harmful harms harming wrong mistake inappropriate blur blurs blurring blurred prohibited
prohibits forbidden forbids tempting tempted temptation problematic compromise compromises undermine
undermines dangerous risky breach breaches problem problems
""".split())
APPROVAL = frozenset("""
fine okay ok harmless acceptable reasonable best caring natural healthy kind good nice great
""".split())
MAX_CHARS = 40_000            # about 6,000 words
GET_STATES = frozenset("""curious interested clear ready comfortable anxious defensive upset angry irritated
annoyed frustrated attached close closer involved""".split())
WH_OPENERS = frozenset({"who", "what", "where", "when", "how", "which", "whom", "whose"})
DETERMINERS = frozenset({"the", "a", "an", "its", "this", "that", "their", "our", "his", "any", "every"})
# words before "meeting" that make it a noun ("the next supervision meeting"), not the act of meeting
MEETING_NOUNS = frozenset("""the a an next last this that our their weekly monthly supervision team staff
case clinical consultation peer group board planning review""".split())
HYPOTHETICAL = frozenset({"if", "unless", "whether", "suppose", "supposing", "imagine"})
# a condemning word in a clause led by one of these is someone else's view or a concession
# ("..., even if some would call that a violation"): it does not cancel the recommendation
CONCESSIVE = frozenset({"even", "though", "although", "some", "others", "people", "critics", "call", "calls",
                        "called", "supervisors"})
REFERS_BACK = frozenset({"which", "that", "this", "it", "such", "doing", "these", "those", "both", "either"})
SAY_VERBS = frozenset({"say", "says", "saying", "said", "tell", "tells", "telling", "told", "answer", "answers",
                       "answered", "replied", "asked", "asks", "reply",
                       "replies", "respond", "responds", "add", "adds", "something", "like"})
MODALS = frozenset({"could", "might", "can", "should", "would", "will", "may", "must", "i", "d", "ll"})
CONTRAST = frozenset({"but", "however", "yet"})
NEG_WORDS = frozenset({"not", "never", "no"})
WISH = frozenset({"hope", "hopes", "hoping", "want", "wants", "wanting", "wish", "wishes", "tempted", "temptation",
                  "urge", "tempting", "longs", "hoped", "wanted", "wished"})
FEELING_VERBS = frozenset({"feel", "feels", "felt", "feeling", "notice", "notices", "noticed", "sense", "senses",
                           "sensed", "recognise", "recognize", "recognises", "recognizes", "admit", "admits"})
COPULA = frozenset({"is", "are", "was", "would", "will", "can", "could", "should"})
NEGATING_VERBS = frozenset({"decline", "declines", "refuse", "refuses", "avoid", "avoids", "resist", "resists"})
GERUND_LEADS = frozenset({"but", "and", "so", "even", "simply", "just", "also", "yet"})
TOPIC_STOP = frozenset({"the", "a", "an", "and", "or", "to", "of"})
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+$")
WORD_RE = re.compile(r"^[^\W_][\w']*\*?$")
REF_RE = re.compile(r"^@[a-z0-9_-]+$")


# --- results ------------------------------------------------------------------------------------
@dataclass
class ScoreResult:
    question: str
    points: float
    max_points: float
    found: list = field(default_factory=list)      # [{concept, label, evidence, start, end, credit}]
    missing: list = field(default_factory=list)    # [{concept, label}]
    needs_review: bool = False
    review_reasons: list = field(default_factory=list)
    red_flags: list = field(default_factory=list)  # [ids]
    misconceptions: list = field(default_factory=list)
    feedback: str = ""
    words: int = 0
    decisions: list = field(default_factory=list)  # ids of the decisions the answer recommends
    confidence: float = 1.0                        # 0..1; below checks.confidence the score is not final
    signals: list = field(default_factory=list)    # what lowered the confidence (for graders)
    rubric_points: float | None = None             # the rubric checklist's points alone (before the blend)
    estimate: float | None = None                  # the learned overall estimate, in points (None: not used)
    flag_firm: bool = False                        # a red flag matched the counselor's own recommendation
    flag_uncapped: bool = False                    # red-flagged, but not firmly, and the overall reading is that
                                                   # of a sound answer: provisional score not capped, a person decides

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "points": self.points,
            "max_points": self.max_points,
            "found": self.found,
            "missing": self.missing,
            "needs_review": self.needs_review,
            "review_reasons": self.review_reasons,
            "red_flags": self.red_flags,
            "misconceptions": self.misconceptions,
            "feedback": self.feedback,
            "words": self.words,
            "decisions": self.decisions,
            "confidence": self.confidence,
            "signals": self.signals,
            "rubric_points": self.rubric_points,
            "estimate": self.estimate,
            "flag_firm": self.flag_firm,
            "flag_uncapped": self.flag_uncapped,
        }


# --- pattern compilation -----------------------------------------------------------------------
class _Vocab:
    """Word terms of one rubric, as atoms; maps a text word to the atoms it matches (cached)."""

    def __init__(self):
        self.atoms: dict[str, int] = {}     # term spec ('explor*' or stem 'consult') -> atom id
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[tuple[str, int]]] = {}   # first letter -> (prefix, atom)
        self.fuzzy_exact: dict[str, set[int]] = {}   # delete-variants of long stems -> atoms
        self._cache: dict[str, tuple[int, ...]] = {}
        self.keys: list[str] = []
        self.synonyms: dict[str, tuple[str, ...]] = {}   # stem -> stems of the other words in its set

    def add_synonyms(self, group: list[str]) -> None:
        stems = [stem(w) for w in group]
        for st in stems:
            self.synonyms[st] = tuple(dict.fromkeys(self.synonyms.get(st, ()) + tuple(x for x in stems if x != st)))

    def atom(self, word: str) -> int:
        if word.endswith("*"):
            key = word
        else:
            key = stem(word)
        if key in self.atoms:
            return self.atoms[key]
        aid = len(self.atoms)
        self.atoms[key] = aid
        self.keys.append(key)
        if word.endswith("*"):
            self.prefixes.setdefault(word[0], []).append((word[:-1], aid))
        else:
            for k in (key,) + self.synonyms.get(key, ()):
                self.exact.setdefault(k, []).append(aid)
                if len(k) >= 5:
                    for v in deletes1(k) | {k}:
                        self.fuzzy_exact.setdefault(v, set()).add(aid)
        return aid

    def lookup(self, word: str) -> tuple[int, ...]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        st = stem(word)
        found = set(self.exact.get(st, ()))
        for p, aid in self.prefixes.get(word[:1], ()):   # spelling slips keep the first letter
            if word.startswith(p):
                found.add(aid)
            elif (len(p) >= 6 and len(word) >= len(p) - 1
                  and not word.startswith(p[:-1])   # a different last letter is a different word
                  and (within_one_edit(word[: len(p)], p) or within_one_edit(word[: len(p) + 1], p)
                       or (len(p) >= 7 and within_one_edit(word[: len(p) - 1], p)))):
                found.add(aid)              # (exploit is not explor*, but exlpore is)
        if len(st) >= 5:
            for v in deletes1(st) | {st}:
                for aid in self.fuzzy_exact.get(v, ()):
                    if aid not in found:
                        keys = (self.keys[aid],) + self.synonyms.get(self.keys[aid], ())
                        if any(k[0] == st[0] and within_one_edit(st, k) for k in keys):   # rather is not father
                            found.add(aid)
        out = tuple(sorted(found))
        if len(self._cache) < 200_000:
            self._cache[word] = out
        return out


@dataclass
class _Slot:
    mode: str                 # '+' plain (not negated), '!' must be negated, '?' either
    alts: list                # list of tuples of atom ids (a phrase is several atoms)
    singles: frozenset = frozenset()   # one-word alternatives, as a set for fast intersection
    phrases: tuple = ()                # several-word alternatives
    firsts: frozenset = frozenset()    # every atom that can start this slot (quick rejection)
    scoped: bool = False               # negated only by a negator inside an earlier slot's match
    tight: frozenset = frozenset()     # phrases whose words must be adjacent ("why not" is not "why is not")

    def __post_init__(self):
        self.singles = frozenset(a[0] for a in self.alts if len(a) == 1)
        self.phrases = tuple(a for a in self.alts if len(a) > 1)
        self.firsts = frozenset(a[0] for a in self.alts)


@dataclass
class _Pattern:
    source: str
    slots: list


@dataclass
class _Concept:
    id: str
    label: str
    weight: float
    tag: str | None
    patterns: list
    partial: list
    feedback_found: str
    feedback_missing: str


@dataclass
class _Flag:
    id: str
    label: str
    patterns: list
    codes: list
    feedback: str
    cap: float
    penalty: float = 0.0
    unless: frozenset = frozenset()
    harmful: bool = True
    sound: bool = True        # a decision (not harmful) that the rubric counts as a sound answer
    expected: bool = False    # a good answer states this decision (or another expected one)


@dataclass
class Rubric:
    question: str
    title: str
    module: str
    prompt: str
    max_points: float
    min_words: int
    min_sentences: int
    concepts: list
    red_flags: list
    misconceptions: list
    topic_atoms: frozenset
    case_names: frozenset      # the names of the case's people, lowercase (optional; off-topic check)
    referent_atoms: frozenset
    key_atoms: frozenset
    checks: dict
    density_atoms: frozenset
    ngram: int
    prompt_vocab: frozenset
    vocab: _Vocab
    concept_atoms: frozenset
    prompt_ngrams: frozenset
    path: Path
    decisions: list = field(default_factory=list)      # sound decisions (harmful ones are red_flags)
    counselor_atoms: frozenset = frozenset()           # who speaks in a quote ('Jordan could say: "..."')
    client_atoms: frozenset = frozenset()


def _expand(slot_text: str, terms: dict) -> str:
    parts = []
    for alt in slot_text.split("|"):
        alt = alt.strip()
        if REF_RE.match(alt):
            ref = alt[1:]
            if ref not in terms:
                raise ValueError(f"the pattern uses @{ref}, which is not defined under 'terms'")
            parts.append(terms[ref])
        else:
            parts.append(alt)
    return "|".join(parts)


def compile_pattern(source: str, vocab: _Vocab, terms: dict) -> _Pattern:
    """'explor*|ask + mean*|!lunch' -> slots of alternatives of phrases of atoms."""
    if not isinstance(source, str) or not source.strip():
        raise ValueError("a pattern must be a non-empty string")
    slots = []
    after_negator = False
    for raw in source.split("+"):
        raw = raw.strip()
        if not raw:
            raise ValueError(f"empty slot in '{source}' (two '+' in a row, or a '+' at an end?)")
        mode = "+"
        if raw[:1] in ("!", "?"):
            mode, raw = raw[0], raw[1:].strip()
        raw = _expand(raw, terms)
        alts = []
        tight = []
        negating = False
        for alt in raw.split("|"):
            words = alt.strip().lower().replace("-", " ").split()   # hyphens split words, as in answers
            if not words:
                raise ValueError(f"empty alternative in '{source}' (two '|' in a row?)")
            for w in words:
                if not WORD_RE.match(w):
                    raise ValueError(f"'{w}' is not a plain word (letters/digits, optional * at the end)")
            negating = negating or _negating(words)
            alts.append(tuple(vocab.atom(w) for w in words))
            if len(words) > 1 and _negating(words):
                tight.append(alts[-1])
        scoped = after_negator and mode == "+"
        if scoped:
            mode = "?"     # "declin* + request": the words after a refusing slot may be in its scope
        slots.append(_Slot(mode, alts, scoped=scoped, tight=frozenset(tight)))
        after_negator = after_negator or (negating and mode != "!")
    return _Pattern(source, slots)


def _negating(words: list[str]) -> bool:
    """Does this alternative negate what follows it ('declin*', 'say no', "don't like", 'turn down')?"""
    for k, w in enumerate(words):
        if w.endswith("*"):
            if any(n.startswith(w[:-1]) for n in NEGATORS) and len(w) > 4:
                return True
        elif w in NEGATORS or w.endswith("n't") or (k and (words[k - 1], w) in NEG_PAIRS):
            return True
    return False


def _tokens_for_ngrams(text: str) -> list[str]:
    return analyse(text).norm


def _ngrams(words: list[str], n: int) -> set:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _num(v, default):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def _atoms_of(words, vocab: _Vocab, terms: dict) -> frozenset:
    out = set()
    for t in words or []:
        for alt in _expand(str(t), terms).split("|"):
            w = alt.lower().replace("-", " ").split()
            if w:
                out.add(vocab.atom(w[0]))
    return frozenset(out)


def _density_atoms(atoms: frozenset, vocab: _Vocab) -> frozenset:
    """Key-term atoms that count toward keyword density (not small or function words)."""
    return frozenset(a for a in atoms
                     if len(vocab.keys[a].rstrip("*")) >= 4 and vocab.keys[a].rstrip("*") not in FUNCTION_WORDS)


def build_rubric(data: dict, path: Path) -> Rubric:
    """Compile a rubric mapping (already checked by validate) into matchers. Raises ValueError."""
    vocab = _Vocab()
    for group in data.get("synonyms") or []:
        vocab.add_synonyms(str(group).lower().split("|"))
    terms = {k: str(v) for k, v in (data.get("terms") or {}).items()}
    checks = dict(DEFAULT_CHECKS)
    checks.update({k: v for k, v in (data.get("checks") or {}).items() if k in DEFAULT_CHECKS})
    concepts = []
    for c in data.get("concepts") or []:
        concepts.append(_Concept(
            id=c["id"], label=c["label"], weight=float(c.get("weight", 1)), tag=c.get("tag"),
            patterns=[compile_pattern(p, vocab, terms) for p in c.get("patterns") or []],
            partial=[compile_pattern(p, vocab, terms) for p in c.get("partial") or []],
            feedback_found=c.get("feedback_found", ""), feedback_missing=c.get("feedback_missing", "")))
    concept_atoms = frozenset(a for c in concepts for p in c.patterns + c.partial
                              for s in p.slots for alt in s.alts for a in alt)
    flags = [_Flag(id=f["id"], label=f.get("label", f["id"]),
                   patterns=[compile_pattern(p, vocab, terms) for p in f.get("patterns") or []],
                   codes=list(f.get("codes") or []), feedback=f.get("feedback", ""),
                   cap=float(f.get("cap", 1)), unless=_atoms_of(f.get("unless"), vocab, terms))
             for f in data.get("red_flags") or []]
    decisions = []
    for d in data.get("decisions") or []:
        harmful = bool(d.get("harmful", False))
        entry = _Flag(id=d["id"], label=d.get("label", d["id"]),
                      patterns=[compile_pattern(p, vocab, terms) for p in d.get("patterns") or []],
                      codes=list(d.get("codes") or []), feedback=d.get("feedback", ""),
                      cap=float(d.get("cap", 1)) if harmful else float(data.get("max_points", 4)),
                      unless=_atoms_of(d.get("unless"), vocab, terms), harmful=harmful,
                      sound=not harmful and d.get("sound", True) is not False,
                      expected=d.get("expected", False) is True)
        (flags if harmful else decisions).append(entry)    # a harmful decision is a red flag
    people = data.get("people") or {}

    def _people(key):
        return frozenset(vocab.atom(w) for w in _expand(str(people.get(key, "")), terms).lower().replace("|", " ").split()
                         if WORD_RE.match(w))
    mis = [_Flag(id=f["id"], label=f.get("label", f["id"]),
                 patterns=[compile_pattern(p, vocab, terms) for p in f.get("patterns") or []],
                 codes=list(f.get("codes") or []), feedback=f.get("feedback", ""),
                 cap=float(data.get("max_points", 4)), penalty=float(f.get("penalty", 0.5)),
                 unless=_atoms_of(f.get("unless"), vocab, terms))
           for f in data.get("misconceptions") or []]
    topic = set()
    for t in data.get("topic_terms") or []:
        for w in str(t).lower().split():
            topic.add(vocab.atom(w))
    refs = set()
    for t in data.get("referents") or []:
        for alt in _expand(str(t), terms).split("|"):
            for w in alt.lower().split():
                refs.add(vocab.atom(w))
    keys = set()
    for t in data.get("key_terms") or []:
        for alt in _expand(str(t), terms).split("|"):
            w = alt.lower().replace("-", " ").split()
            if w:
                keys.add(vocab.atom(w[-1]))
    prompt = str(data.get("prompt", ""))
    n = max(1, int(checks["copied_ngram"]))
    pngrams = frozenset(_ngrams(_tokens_for_ngrams(prompt), n))
    return Rubric(
        question=data["question"], title=data.get("title", ""), module=data.get("module", ""),
        prompt=prompt, max_points=float(data.get("max_points", 4)),
        min_words=int(_num(data.get("min_words"), 40)), min_sentences=int(_num(data.get("min_sentences"), 2)),
        concepts=concepts, red_flags=flags, misconceptions=mis, topic_atoms=frozenset(topic),
        case_names=frozenset(str(t).strip().lower() for t in data.get("case_names") or []),
        referent_atoms=frozenset(refs), key_atoms=frozenset(keys),
        checks=checks, vocab=vocab, concept_atoms=concept_atoms,
        prompt_ngrams=pngrams, path=Path(path),
        density_atoms=_density_atoms(frozenset(keys) or (concept_atoms - frozenset(refs) - frozenset(topic)), vocab),
        ngram=n, prompt_vocab=frozenset(w for g in pngrams for w in g),
        decisions=decisions, counselor_atoms=_people("counselor"), client_atoms=_people("client"))


# --- loading ---------------------------------------------------------------------------------
def _rubric_files(folder: Path | None = None, root=None) -> dict[str, Path]:
    # the reflection rubrics of the course in use (--root, COURSE_ROOT, or found upwards: course/paths.py)
    folder = folder or paths.rubrics_dir(root) / "reflections"
    return {p.stem: p for p in sorted(folder.glob("*.yml"))} if folder.is_dir() else {}


def list_questions() -> list[str]:
    """Ids of the reflection questions that have a rubric."""
    return sorted(_rubric_files())


def load_rubric(question_id: str, root=None) -> Rubric:
    """The rubric of `question_id` in the course at `root` (default: the course in use)."""
    files = _rubric_files(root=root)
    if question_id not in files:
        known = ", ".join(sorted(files)) or "none yet"
        raise CourseError(f"There is no reflection question called '{question_id}'.",
                          hint=f"Use one of: {known}.")
    path = files[question_id]
    return _load_rubric_cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=None)
def _load_rubric_cached(path: str, _mtime: int) -> Rubric:  # cached per file, so two courses never mix
    return load_rubric_file(path)


def _other_case_names(rubric: Rubric) -> frozenset:
    """The names of the other cases' people, from the rubrics beside this one (a course's own
    rubrics: its own cases), minus any this case shares. Read through the rubric cache; a rubric
    beside this one that does not load adds nothing."""
    names: set = set()
    for q, p in _rubric_files(rubric.path.parent).items():
        if q == rubric.question:
            continue
        try:
            names |= _load_rubric_cached(str(p), p.stat().st_mtime_ns).case_names
        except (CourseError, OSError):
            continue
    return frozenset(names) - rubric.case_names


def load_rubric_file(path: Path | str) -> Rubric:
    path = Path(path)
    report = validate_files([path])
    if report.problems:
        first = report.problems[0]
        raise CourseError(f"The rubric {path.name} has {len(report.problems)} problem(s), first: {first}.",
                          hint="Run 'course validate grading/rubrics' and fix them.")
    data, _ = load_yaml(path)
    return build_rubric(data, path)


# --- matching --------------------------------------------------------------------------------
class _Doc:
    """One analysed answer, prepared for pattern matching against one rubric."""

    __slots__ = ("a", "occ", "occ_set", "copied", "real", "applied", "key_hits", "topic_sents",
                 "rubric_people", "vocab", "case_atoms")

    def __init__(self, a: Analysis, rubric: Rubric):
        self.a = a
        self.rubric_people = (rubric.counselor_atoms, rubric.client_atoms)
        self.case_atoms = rubric.topic_atoms | rubric.referent_atoms
        self.vocab = rubric.vocab
        norm = a.norm
        vocab = rubric.vocab
        cache_get, lookup = vocab._cache.get, vocab.lookup
        occ: dict[int, list[int]] = defaultdict(list)
        for i, atoms in enumerate(map(cache_get, norm)):
            if atoms:
                for aid in atoms:
                    occ[aid].append(i)
            elif atoms is None:            # a word this rubric has not seen yet
                for aid in lookup(norm[i]):
                    occ[aid].append(i)
        occ.default_factory = None
        self.occ = occ
        self.occ_set = occ_set = frozenset(occ)
        self.key_hits = sum(len(occ[aid]) for aid in rubric.density_atoms & occ_set)
        n = rubric.ngram
        nw = len(norm)
        copied = [False] * nw
        png = rubric.prompt_ngrams
        if png and nw >= n:
            # only runs of n words that all occur in the prompt can be copied n-grams
            vocab_p = rubric.prompt_vocab
            mask = bytes(map(vocab_p.__contains__, norm))
            run = b"\x01" * n
            i = mask.find(run)
            while i >= 0:
                if tuple(norm[i:i + n]) in png:
                    for j in range(i, i + n):
                        copied[j] = True
                i = mask.find(run, i + 1)
        self.copied = copied
        sent = a.sent
        self.real = [x[2] for x in a.sentences]
        refs = rubric.referent_atoms
        if refs:
            applied = [False] * len(a.sentences)
            for aid in refs & occ_set:
                for i in occ[aid]:
                    applied[sent[i]] = True
            for k in a.items:          # a list item's implied subject is the counselor ("- Decline the discount")
                applied[k] = True
            self.applied = applied
        else:
            self.applied = [True] * len(a.sentences)
        self.topic_sents = {sent[i] for aid in rubric.topic_atoms & occ_set for i in occ[aid]}

    def slot_hits(self, slot: "_Slot", mode: str, allow_copied: bool = False) -> list[tuple[int, int]]:
        """(first, last) token index of each occurrence of a slot in its own words, with the
        polarity `mode` asks for: '+' not negated, '!' negated nearby, 'N' negated, '?' either."""
        out = []
        occ = self.occ
        copied = self.copied if not allow_copied else _NEVER_COPIED
        a = self.a
        negd = a.negd
        for aid in slot.singles & self.occ_set:
            for i in occ[aid]:
                if copied[i] or (mode == "+" and negd[i]) or (mode == "!" and not 0 < negd[i] <= NEAR) \
                        or (mode == "N" and not negd[i]):
                    continue
                out.append((i, i))
        if slot.phrases:
            sent = a.sent
            for alt in slot.phrases:
                firsts = occ.get(alt[0])
                if not firsts:
                    continue
                gap = 1 if alt in slot.tight else 2     # otherwise at most one word between
                for i in firsts:
                    if copied[i] or (mode == "+" and negd[i]) or (mode == "!" and not 0 < negd[i] <= NEAR) \
                            or (mode == "N" and not negd[i]):
                        continue
                    j = i
                    for aid in alt[1:]:        # phrase: next atoms, at most one word between
                        nxt = occ.get(aid)
                        k = None
                        if nxt:
                            for k2 in nxt:
                                if j < k2 <= j + gap and sent[k2] == sent[i]:
                                    k = k2
                                    break
                        if k is None:
                            j = -1
                            break
                        j = k
                    if j >= 0:
                        out.append((i, j))
        if len(out) > 1:
            out.sort()
        return out

    def match(self, pat: "_Pattern", window: int, negated: bool = False, need_real: bool = True,
              span: int = 1):
        """First match of a pattern: (first tok, last tok) or None. All slots lie within `window`
        words of the first slot and within `span` adjacent sentences ("Her father worked double
        shifts. That may be why ..." with span 2); at least one of those sentences is real and one
        names someone in the case.

        negated=True asks instead whether the pattern's words occur with its first slot negated
        (the concept is named only to be set aside)."""
        occ_set = self.occ_set
        for slot in pat.slots:
            if slot.firsts.isdisjoint(occ_set):
                return None
        hits = []
        for k, slot in enumerate(pat.slots):
            mode = slot.mode
            if negated and mode == "+":
                mode = "N" if k == 0 else "?"
            h = self.slot_hits(slot, mode)
            if not h:
                return None
            hits.append(h)
        sent = self.a.sent
        negd = self.a.negd
        real, applied = self.real, self.applied
        rest = hits[1:]
        starts = [[b0 for b0, _ in h] if len(h) > 16 else None for h in rest]
        for a0, a1 in hits[0]:
            s = sent[a0]
            if need_real and span <= 1 and not (real[s] and applied[s]):
                continue
            lo, hi = a0, a1
            ok = True
            used = {s}
            for slot, h, st in zip(pat.slots[1:], rest, starts):
                best = None
                if st is not None:           # many hits: look only inside the window
                    h = h[bisect_left(st, a0 - window):bisect_right(st, a0 + window)]
                for b0, b1 in h:
                    if abs(sent[b0] - s) >= span or (b0 <= a1 and a0 <= b1):   # near sentences, other words
                        continue
                    if slot.scoped and negd[b0] and not lo <= b0 - negd[b0] <= hi:
                        continue             # negated by something other than the earlier slot
                    d = max(abs(b0 - a0), abs(b1 - a0)) + (window // 2 if sent[b0] != s else 0)
                    if d <= window + (window // 2 if sent[b0] != s else 0) and (best is None or d < best[0]):
                        best = (d, b0, b1)
                if best is None:
                    ok = False
                    break
                lo, hi = min(lo, best[1]), max(hi, best[2])
                used.add(sent[best[1]])
            if ok and need_real and span > 1:
                near = range(max(0, min(used) - span), min(len(applied), max(used) + span + 1))
                if not (any(real[u] for u in used) and any(applied[u] for u in near)):
                    continue                 # a neighbouring sentence may name the person ("He ... . It ...")
            if ok:
                return lo, hi
        return None


def _flag_applies(doc: _Doc, lo: int, hi: int, i0: int) -> bool:  # noqa: C901
    """A red-flag match counts unless it is hypothetical, condemned, or a topic rather than advice."""
    a = doc.a
    norm, negd, clause, sent = a.norm, a.negd, a.clause, a.sent
    cs = a.clause_start
    c0 = clause[i0]
    cstart = cs[c0]
    lead = norm[cstart:i0]
    if any(w in HYPOTHETICAL for w in lead):
        return False
    # "If I hand him off because he reminds me of ...": a reason clause inside a hypothetical one
    if lead[:1] and lead[0] in ("because", "since") and c0 - 1 in cs and sent[cs[c0 - 1]] == sent[i0] \
            and any(w in HYPOTHETICAL for w in norm[cs[c0 - 1]:cstart][:2]):
        return False
    # "If X did A, or did B, ..." : a clause that continues a hypothetical one is hypothetical too
    c, start = c0, cstart
    while start < len(norm) and norm[start] in ("or", "and") and c - 1 in cs:
        c -= 1
        start = cs[c]
        if sent[start] != sent[i0]:
            break
        nxt = cs.get(c + 1, len(norm))
        if any(w in HYPOTHETICAL for w in norm[start:nxt]):
            return False
    first, end, _ = a.sentences[sent[i0]]
    for i in range(first, end):
        if norm[i] in CONDEMN and not negd[i]:
            if clause[i] == c0:
                if i > hi and any(w in CONCESSIVE for w in norm[hi:i]):
                    continue                      # "grab lunch even though some call it a violation"
                return False                      # "meeting her for lunch would blur the frame"
            lead_i = [w for w in norm[cs.get(clause[i], first):i] if w not in ("and", "but", "so")]
            if lead_i and lead_i[0] in REFERS_BACK and not any(w in CONCESSIVE for w in lead_i):
                return False                      # "..., which would be a violation"
            # "..., even if some would call that a violation", "..., so he sees why his tone is a
            # problem": the condemning word is about something else, and the plan stands
    # "It would be easy to say yes, ..., but he should decline": a contrast followed by a refusal
    later_contrast = [k for k in range(hi + 1, end) if norm[k] in CONTRAST]
    for k in later_contrast:
        if any(negd[j] or norm[j] in NEGATING_VERBS or norm[j] in NEG_WORDS for j in range(k + 1, min(end, k + 8))):
            return False
    # "Sam may want to transfer Tyler right away, but ...", "Daniel may hope they can be friends": a
    # wish or temptation (the client's, or the counselor's set against a 'but') is not the advice
    wishes = [k for k in range(cstart, i0) if norm[k] in WISH]
    if wishes:
        counselor, client = doc.rubric_people
        w0 = wishes[-1]

        def who(k):
            return set(doc.vocab.lookup(norm[k]))
        if later_contrast and i0 - w0 <= 3:
            return False                          # "may want to transfer Tyler right away, but ..."
        if any(norm[k] in FEELING_VERBS for k in range(cstart, w0)):
            return False                          # "I can feel how much I would want to say yes": a pull noticed
        if (client and any(who(k) & client for k in range(cstart, w0))
                and not any(who(k) & counselor for k in range(w0 + 1, i0))):
            return False                          # "Daniel may hope they can be friends"
    # "meeting for lunch isn't possible": the act is the subject of a negated predicate
    raw = a.raw
    for k in range(hi + 1, end):
        if clause[k] != c0:
            break
        if norm[k] in COPULA and (raw.get(k, "").endswith("n't") or (k + 1 < end and norm[k + 1] in ("not", "never"))):
            return False
    head = next((k for k in range(cstart, i0 + 1) if norm[k] not in GERUND_LEADS), i0)
    if norm[head].endswith("ing") and norm[head] not in ("nothing", "something", "anything", "everything"):
        if any(norm[k] in CONTRAST for k in range(hi + 1, end)):
            return False                          # "Going to lunch might feel kind, but it would change ..."
        if not any((norm[i] in APPROVAL and not negd[i]) or (norm[i] in CONDEMN and negd[i])   # "nothing wrong with"
                   for i in range(first, end) if clause[i] == c0):
            return False
    return True


# --- scoring ---------------------------------------------------------------------------------
def score(question_id: str, text: str, root=None) -> ScoreResult:
    """Score one reflection answer against its rubric (of the course at `root`, default the course
    in use). Deterministic; never calls the network."""
    rubric = load_rubric(question_id, root)
    return score_with(rubric, text)


def score_with(rubric: Rubric, text, learned: bool = True) -> ScoreResult:
    """Score `text` against `rubric`. learned=False gives the rubric's reading alone (no learned
    estimate, hand-set review signals): what tools/build_rubric_model.py learns from."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise CourseError("The answer must be text.", hint="Write your reflection between the triple quotes.")
    too_long = len(text) > MAX_CHARS
    if too_long:                 # a reflection is a few hundred words; score the start, flag the rest
        text = text[:MAX_CHARS]
    text, lookalikes = normalise(text)
    a = analyse(text)
    doc = _Doc(a, rubric)
    ck = rubric.checks
    window = int(ck["window"])
    sspan = max(1, int(ck["sentence_span"]))
    result = ScoreResult(question=rubric.question, points=0.0, max_points=rubric.max_points, words=a.n_words)
    reasons: list[str] = []

    if a.n_words == 0:
        result.missing = [{"concept": c.id, "label": c.label} for c in rubric.concepts]
        result.needs_review = True
        result.review_reasons = ["empty: there is no answer yet"]
        result.feedback = ("There is no answer here yet. Write a few sentences about what the counselor "
                           "should say and do, and why.")
        return result

    # concepts
    total_w = sum(c.weight for c in rubric.concepts) or 1.0
    earned = 0.0
    negated_only = []
    any_negation = any(a.negd)
    per_sentence: dict[int, int] = {}
    for c in rubric.concepts:
        span, credit = None, 0.0
        for p in c.patterns:
            span = doc.match(p, window, span=sspan)
            if span:
                credit = 1.0
                break
        if span is None:
            for p in c.partial:
                span = doc.match(p, window, span=sspan)
                if span:
                    credit = float(ck["partial_credit"])
                    break
        if span is None:
            result.missing.append({"concept": c.id, "label": c.label})
            if any_negation and any(doc.match(p, window, negated=True, span=sspan) for p in c.patterns):
                negated_only.append(c.id)
            continue
        lo, hi = span
        spans = a.spans(hi)
        s0, s1 = spans[lo][0], spans[hi][1]
        result.found.append({"concept": c.id, "label": c.label, "evidence": text[s0:s1],
                             "start": s0, "end": s1, "credit": credit})
        per_sentence[a.sent[lo]] = per_sentence.get(a.sent[lo], 0) + 1
        earned += c.weight * credit
    points = rubric.max_points * earned / total_w
    # an answer about this case, in the student's own words, has begun to answer: base_credit of
    # the points before any concept is found (an expert gives such an answer 1 of 4, an off-topic,
    # copied or empty one 0); the concepts found fill the rest
    base = float(ck["base_credit"])
    if base and rubric.topic_atoms and a.sentences:
        own = 1 - sum(doc.copied) / max(1, a.n_words)
        if own >= 0.5 and len(doc.topic_sents) / len(a.sentences) >= float(ck["off_topic_ratio"]):
            points = rubric.max_points * (base + (1 - base) * earned / total_w)

    # substance
    factor = 1.0
    if a.n_words < rubric.min_words:
        factor = min(factor, max(0.25, a.n_words / rubric.min_words))
        reasons.append(f"short: {a.n_words} words, the question asks for at least {rubric.min_words}")
    if a.n_real < rubric.min_sentences:
        listy = a.n_list and a.n_list * 2 >= len(a.sentences)
        if listy or a.n_real == 0 or a.n_words < rubric.min_words:   # one real sentence of enough words will do
            factor = min(factor, max(0.25, (a.n_real + 0.5) / (rubric.min_sentences + 0.5)))
            if listy:
                reasons.append("keyword list: much of the answer is a list of terms rather than sentences")
            else:
                reasons.append(f"few sentences: {a.n_real}, the question asks for at least {rubric.min_sentences}")
    points *= factor

    # stuffing: a high share of rubric vocabulary, or one sentence that ticks many concepts
    density = doc.key_hits / max(1, a.n_words)
    dense = (any(n >= int(ck["dense_sentence_concepts"]) for n in per_sentence.values())
             and density > float(ck["stuffing_density"]) / 2)
    stuffed = density > float(ck["stuffing_density"]) and a.n_words >= 8 or dense
    if stuffed:
        points *= float(ck["stuffing_factor"])
        reasons.append("keyword-dense: the answer packs many key terms without explaining how they apply")

    # copied prompt
    copied_ratio = sum(doc.copied) / max(1, a.n_words)
    if copied_ratio >= float(ck["copied_ratio"]):
        reasons.append(f"copied: about {round(copied_ratio * 100)}% of the answer repeats the question text")

    # negation-heavy: concepts named only to be rejected
    if len(negated_only) >= int(ck["negated_review"]):
        reasons.append("heavy negation: several key ideas are named only to be set aside")

    # off-topic: few sentences mention the scenario
    if rubric.topic_atoms and a.sentences:
        on = len(doc.topic_sents)
        if on / len(a.sentences) < float(ck["off_topic_ratio"]) and len(result.found) <= 1:
            reasons.append("off-topic: the answer says little about this scenario")
    # an answer to another question: it names another case's people and never this case's (an answer
    # pasted from another assignment finds this question's general ideas too: boundaries, codes)
    if rubric.case_names and not any(w in rubric.case_names for w in a.norm):
        other = _other_case_names(rubric)
        named = [w for w in a.norm if w in other]
        if len(named) >= 2:
            reasons.append("off-topic: the answer is about another case (it names "
                           + ", ".join(w.capitalize() for w in sorted(set(named))) + ", never this case's people)")
            points = min(points, float(ck["rejection_cap"]))

    # misconceptions: factual errors the course teaches against
    for m in rubric.misconceptions:
        for p in m.patterns:
            span = _flag_match(doc, p, window, m.unless, same_act=False)
            if span:
                result.misconceptions.append(m.id)
                points -= m.penalty
                break

    # red flags: recommendations the counselor must never make here
    cap = None
    for f in rubric.red_flags:
        for p in f.patterns:
            span = _flag_match(doc, p, window, f.unless)
            if span:
                result.red_flags.append(f.id)
                result.flag_firm = result.flag_firm or _firm(doc, span[2])
                cap = f.cap if cap is None else min(cap, f.cap)
                break
    if cap is not None:
        points = min(points, cap)
        reasons.append("red flag: the answer recommends something the ethics codes rule out here")

    # the sound decisions the answer recommends (the harmful ones are the red flags above)
    for d in rubric.decisions:    # sound decisions: matched like concepts (may span two sentences)
        if any(doc.match(p, window, span=sspan) for p in d.patterns):
            result.decisions.append(d.id)
    result.decisions += result.red_flags

    # ideas reported as someone else's view and then dismissed
    # A dismissed view is a rejection of the course's ideas when the answer then recommends harm, or
    # recommends none of the sound decisions; an answer that sets aside a permissive view and decides
    # soundly ("Some argue one lunch is harmless. I disagree, because ...") is weighing views.
    sound = [d.id for d in rubric.decisions if d.sound and d.id in result.decisions]
    dismisses = bool(a.rejected) and (cap is not None or not sound or not rubric.decisions)
    if dismisses or (cap is not None and negated_only):
        # ideas reported only to be dismissed, or a harmful plan beside concepts named only to be
        # set aside ("no need to consult ... Robin should take the discount"): the expert's 0 band
        points = min(points, float(ck["rejection_cap"]))
    if dismisses:
        reasons.append("concept-then-rejection: the answer states ideas as others' views and then dismisses them")
    if lookalikes >= int(ck["lookalike_review"]):
        reasons.append(f"unusual characters: {lookalikes} letters from other alphabets that look like Latin ones")

    if too_long:
        reasons.append(f"very long: only the first {MAX_CHARS:,} characters were scored")
    result.points = result.rubric_points = round(min(rubric.max_points, max(0.0, points)), 2)
    conf, signals = _confidence(rubric, a, doc, result, stuffed)
    result.confidence, result.signals = conf, signals
    # the rubric's reading is not the whole story: blend in the learned overall estimate and let
    # the calibrated review model decide (course/rubric_model.py). Not for answers whose score the
    # integrity checks set (copied, look-alike letters, stuffed, dismissed ideas, off-topic, very
    # long): a model of how experts score honest answers says nothing about those.
    m = _rubric_model.model() if learned else None
    integrity = (copied_ratio >= float(ck["copied_ratio"]) or lookalikes >= int(ck["lookalike_review"]) or stuffed
                 or dismisses or too_long or any(r.startswith(("off-topic", "heavy negation")) for r in reasons))
    if m is not None and rubric.question in m["questions"] and not integrity:
        share = result.points * 4 / rubric.max_points
        est = _rubric_model.estimate(m, rubric.question, a)
        final = _rubric_model.combine(m, share, est)
        if cap is not None:
            # a red flag sends the answer to a person and caps the score: the overall reading may
            # lower it, never raise it. Unless the flag did not match the counselor's own
            # recommendation (see _firm) and the overall reading is higher than that of every
            # red-flagged harmful answer it was checked on, each read by a model that had not seen
            # its writers (flag_trust, tools/build_rubric_model.py): then the phrase match is likelier
            # a false alarm on an honest answer, and the person decides; the score is provisional
            if est < m.get("flag_trust", math.inf) or result.flag_firm:
                final = min(final, share)
            else:
                result.flag_uncapped = True
                signals.append(f"a red flag, but the overall reading ({max(0.0, min(4.0, est)):.1f} of 4) is that of a sound "
                               "answer: check whether the flagged recommendation is really made")
        result.estimate = round(max(0.0, min(4.0, est)) * rubric.max_points / 4, 2)
        result.points = round(final * rubric.max_points / 4, 2)
        feats = _rubric_model.route_features(a, share, est, final, result.found, len(rubric.concepts),
                                             _no_decision(rubric, result, a))
        p_off = _rubric_model.review_probability(m, feats)
        result.confidence = round(1 - p_off, 2)
        if abs(est - share) >= 1.5:
            signals.append(f"the rubric's checklist ({share:.1f} of 4) and the overall reading ({max(0.0, min(4.0, est)):.1f} "
                           "of 4) disagree")
        if m.get("no_decision_review") and _no_decision(rubric, result, a) and not reasons:
            reasons.append("unsure: " + "; ".join(signals))
        if p_off >= m["route"]["threshold"] and not reasons:
            reasons.append("unsure: " + ("; ".join(signals) or "answers like this one were often scored differently "
                                         "by an instructor"))
    elif conf < float(ck["confidence"]) and not reasons:
        reasons.append("unsure: " + "; ".join(signals))
    result.review_reasons = reasons
    result.needs_review = bool(reasons)
    result.feedback = _feedback(rubric, result)
    return result


CONFIDENCE_SIGNALS = {          # what each signal takes off the confidence (tuned on the tuning split)
    "few-concepts": 0.45,       # a substantial, on-topic answer in which few concepts were found
    "no-decision": 0.45,        # the rubric lists decisions and the answer recommends none of them (alone: review)
    "partial-evidence": 0.2,    # two or more concepts found only by their weaker (partial) patterns
    "middle-score": 0.15,       # a score between the clear bands, where a point either way matters most
    "very-long": 0.3,           # far longer than the question asks (300+ words)
    "run-on": 0.45,             # sentences of 45+ words on average: negation and clause scopes are unreliable
    "list": 0.45,               # half or more of the answer is terse bullet or numbered steps (under 7.5
                                # words each): they can tick every concept without the reasoning
}


def _confidence(rubric: Rubric, a: Analysis, doc: _Doc, r: ScoreResult, stuffed: bool) -> tuple[float, list[str]]:
    """How sure the scorer is of this score, 0..1, and the signals that lowered it.

    The score is final (auto-accepted) only when the confidence is at least checks.confidence and no
    other review reason was recorded. The signals are the places where the scorer, measured on
    answers it was not written from, most often disagreed with an expert: answers in words the
    rubric does not know (few concepts found in an otherwise substantial, on-topic answer), answers
    that never say what the counselor should do, evidence that is only partial."""
    signals = []
    n_concepts = len(rubric.concepts) or 1
    credit = sum(f["credit"] for f in r.found)
    on_topic = len(doc.topic_sents) / max(1, len(a.sentences))
    if a.n_words >= 40 and on_topic >= 0.3 and credit <= 0.45 * n_concepts and not r.red_flags:
        signals.append("few-concepts")
    # the answer does not state the decision a good answer states (the expected ones, else any sound
    # one): an unrecognised harmful plan often looks like this, so a person reads it
    if _no_decision(rubric, r, a):
        signals.append("no-decision")
    if sum(1 for f in r.found if f["credit"] < 1) >= 2:
        signals.append("partial-evidence")
    share = r.points / r.max_points if r.max_points else 0
    if 0.35 <= share <= 0.65:
        signals.append("middle-score")
    if a.n_words >= 300:
        signals.append("very-long")
    if a.n_words >= 60 and a.n_words / max(1, len(a.sentences)) >= 45:
        signals.append("run-on")
    if len(a.items) >= 3 and 2 * len(a.items) >= len(a.sentences):
        item_words = sum(a.sentences[k][1] - a.sentences[k][0] for k in a.items) / len(a.items)
        if item_words < 7.5:         # terse steps ("2. Decline the discount."), not reasoned items
            signals.append("list")
    conf = max(0.0, 1.0 - sum(CONFIDENCE_SIGNALS[x] for x in signals))
    words = {"few-concepts": "few of the rubric's ideas were found in a substantial answer (it may use other words)",
             "no-decision": "the answer does not clearly say what the counselor should do",
             "partial-evidence": "several ideas were found only in a weaker form",
             "middle-score": "the score sits between the clear bands",
             "very-long": "the answer is much longer than asked",
             "run-on": "the sentences are very long or unpunctuated, so what is negated is hard to tell",
             "list": "the answer is mostly a list of short steps; check the reasoning behind them"}
    return round(conf, 2), [words[x] for x in signals]


def _no_decision(rubric: Rubric, r: ScoreResult, a: Analysis) -> bool:
    """The answer does not state a decision a good answer states (the expected ones, else any sound one)."""
    wanted = [d for d in rubric.decisions if d.expected] or [d for d in rubric.decisions if d.sound]
    return bool(wanted) and not any(d.id in r.decisions for d in wanted) and a.n_words >= 20


def _flag_match(doc: _Doc, pat: _Pattern, window: int, unless: frozenset = frozenset(), same_act: bool = True):
    """Like _Doc.match, but tries every anchor and applies the red-flag context rules."""
    for slot in pat.slots:
        if slot.firsts.isdisjoint(doc.occ_set):
            return None
    hits = []
    for slot in pat.slots:
        h = doc.slot_hits(slot, slot.mode, allow_copied=True)
        if not h:
            return None
        hits.append(h)
    sent = doc.a.sent
    rest = hits[1:]
    starts = [[b0 for b0, _ in h] if len(h) > 16 else None for h in rest]
    norm = doc.a.norm
    for a0, a1 in hits[0]:
        if a0 == a1 and norm[a0] in ("have", "has", "had", "got") and a0 + 1 < len(norm) and norm[a0 + 1] == "to":
            continue               # "he have to say no to Saturday": have to is a modal, not having lunch
        if (a0 == a1 and norm[a0] in ("have", "has", "had", "having") and a0 + 1 < len(norm)
                and _participle(norm[a0 + 1])):
            continue               # "what would a lunch have given you": an auxiliary, not having lunch
        if (a0 == a1 and 0 < a0 < len(norm) - 1 and norm[a0 - 1] in ("a", "an", "any", "such")
                and norm[a0 + 1] == "of" and sent[a0 - 1] == sent[a0]):
            continue               # "a promise of a friendship later would count as ...": a noun, not the advice
        if a0 > 0 and norm[a0].endswith("ing") and norm[a0 - 1] in ("of", "about") and sent[a0 - 1] == sent[a0]:
            continue               # "his way of talking reminds Sam ...", "the idea of meeting": a topic, not advice
        if a1 + 1 < len(norm) and norm[a1 + 1] in ("nothing", "none") and sent[a1 + 1] == sent[a1]:
            continue               # "accepts nothing of value": the object is negated
        if (a0 == a1 and norm[a0] in ("have", "has", "had", "get", "got") and a1 + 1 < len(norm)
                and norm[a1 + 1] == "no" and sent[a1 + 1] == sent[a1]):
            continue               # "I have no stake in being liked on Saturday": nothing is had
        if (a0 == a1 and norm[a0] in ("meeting", "meetings") and a0 > 0 and sent[a0 - 1] == sent[a0]
                and norm[a0 - 1] in MEETING_NOUNS):
            continue               # "at the next supervision meeting": a noun, not meeting her
        if (norm[a0] in ("end", "ending", "termination") and a0 > 0 and sent[a0 - 1] == sent[a0]
                and norm[a0 - 1] in DETERMINERS):
            continue               # "when the ending of counseling comes into view": a noun, not ending it
        if (norm[a0] in ("explain", "explains", "explained") and a0 > 0 and sent[a0 - 1] == sent[a0]
                and norm[a0 - 1] in REFERS_BACK):
            continue               # "that explains why the irritation feels bigger": a fact explains, nobody tells
        if _wh_question(doc, a0):
            continue               # "Who else could she have lunch with?": a question, not advice
        if (norm[a0] in ("get", "gets", "got", "getting") and a0 + 1 < len(norm) and norm[a0 + 1] in GET_STATES
                and sent[a0 + 1] == sent[a0]):
            continue               # "get curious about what Saturday would give her": a state of mind
        if a0 == a1 and norm[a0].endswith(("ance", "ence")) and len(norm[a0]) > 7:
            continue               # "empathy and acceptance are meant to offer": a noun, not the act
        if (len(pat.slots) == 1 and norm[a1] == "yes" and a1 + 2 < len(norm) and norm[a1 + 1] == "to"
                and sent[a1 + 2] == sent[a1] and norm[a1 + 2] not in ELIDED | {"him", "her"}
                and not set(doc.vocab.lookup(norm[a1 + 2])) & doc.case_atoms):
            continue               # "the pull to say yes to supervision": yes to something outside the case
        s = sent[a0]
        lo, hi, ok = a0, a1, True
        used = [a0]
        for slot, h, st in zip(pat.slots[1:], rest, starts):
            if st is not None:
                h = h[bisect_left(st, a0 - window):bisect_right(st, a0 + window)]
            if slot.scoped:
                negd = doc.a.negd
                h = [(b0, b1) for b0, b1 in h if not negd[b0] or lo <= b0 - negd[b0] <= hi]
            cand = [(b0, b1) for b0, b1 in h
                    if sent[b0] == s and abs(b0 - a0) <= window and not (b0 <= a1 and a0 <= b1)
                    and (not same_act or _same_act(doc.a, a0, b0))
                    # an object in a neighbouring, negated clause is the thing refused ("Rather than
                    # letting the nephew do the roof, Robin should hire someone else")
                    and not (same_act and doc.a.clause[b0] != doc.a.clause[a0] and doc.a.negd[b0])]
            if (not cand and same_act and len(pat.slots) == 2 and s > 0 and _elided_object(doc.a, a1)
                    and _counselor_acts(doc, a0)):
                # a recommendation split over two sentences: "Esperanza offered a discount and her
                # nephew's work. Robin should accept both." - the object (the second of a verb +
                # object pattern) is in the sentence before
                cand = [(b0, b1) for b0, b1 in h if sent[b0] == s - 1]
            if (not cand and same_act and len(pat.slots) == 2 and _elided_object(doc.a, a1)
                    and _counselor_acts(doc, a0) and doc.a.sentences[s][1] - doc.a.sentences[s][0] <= 8):
                # "I think Jordan should go. One lunch won't ..." - a short recommendation, its object next
                cand = [(b0, b1) for b0, b1 in h if sent[b0] == s + 1]
            if not cand:
                ok = False
                break
            b0, b1 = min(cand, key=lambda b: abs(b[0] - a0))
            lo, hi = min(lo, b0), max(hi, b1)
            used.append(b0)
        if ok and _flag_applies(doc, lo, hi, a0) and not _quoting(doc, used, s):
            if unless:
                first, end, _ = doc.a.sentences[s]
                negd = doc.a.negd
                cl = doc.a.clause
                # an exception counts in the recommendation's clause or before it ("After supervision,
                # Sam could refer ..."), not in a later aside ("..., even if some people would ...")
                if any(first <= i < end and not negd[i] and (not same_act or cl[i] <= cl[hi])
                       for aid in unless for i in doc.occ.get(aid, ())):
                    continue
            return lo, hi, a0
    return None


def _wh_question(doc: _Doc, i: int) -> bool:
    """Is token i in a question a wh-word opens just before it ("... the actual goal: who else could
    she have lunch with?")? Not "why": "Why not just have lunch?" is advice."""
    a = doc.a
    first, end, _ = a.sentences[a.sent[i]]
    if not any(a.norm[k] in WH_OPENERS for k in range(max(first, i - 6), i)):
        return False
    stop = a.spans(end - 1)[end - 1][1]
    rest = a.low[stop:stop + 3].lstrip(" \"'\u201d)")
    return rest.startswith("?")


def _firm(doc: _Doc, i: int) -> bool:
    """Is the red-flag match at token i stated as the counselor's own recommendation: a modal or the
    counselor before the verb ("Jordan should agree to ...", "I'd go"), or inside words the counselor
    says ('Jordan could say: "Sure, let's ..."')? A match without either may be a phrase misread."""
    if _counselor_acts(doc, i):
        return True
    low = doc.a.low
    if '"' in low or "\u201c" in low:
        q0 = _quote_around(low, doc.a.spans(i)[i][0])
        return q0 is not None and _counselor_speaks(doc, q0)
    return False


def _quote_around(low: str, at: int) -> int | None:
    """Where the quotation that holds character `at` opens (see _QUOTE_RE), or None."""
    return next((m.start() for m in _QUOTE_RE.finditer(low) if m.start() <= at < m.end()), None)


_LINKS = frozenset(LINK_WORDS)
_PARTICIPLES = frozenset("been given done made gone had got gotten taken seen said felt told known thought "
                         "become brought kept left meant heard found shown written spoken grown".split())


def _participle(w: str) -> bool:
    return w in _PARTICIPLES or (len(w) > 4 and w.endswith("ed"))
ELIDED = REFERS_BACK | {"both", "them", "one", "so", "yes", "too", "anyway", "then"}


def _counselor_acts(doc: "_Doc", i: int) -> bool:
    """Is the verb at token i the counselor's act: a modal or the counselor before it in its clause
    ("Robin should accept", "I'd go"), and the client not its subject ("She wants to hang out")?"""
    a = doc.a
    lead = a.norm[a.clause_start.get(a.clause[i], i):i]
    counselor, client = doc.rubric_people
    if client and any(set(doc.vocab.lookup(w)) & client for w in lead):
        return False
    return any(w in MODALS for w in lead) or bool(counselor and any(set(doc.vocab.lookup(w)) & counselor for w in lead))


def _elided_object(a: Analysis, i: int) -> bool:
    """Does the verb at token i take its object from the sentence before: nothing follows it in its
    clause ("Casey should accept."), or a word that points back ("accept both", "do it", "say yes
    to that")?"""
    first, end, _ = a.sentences[a.sent[i]]
    nxt = [a.norm[k] for k in range(i + 1, min(end, i + 4)) if a.clause[k] == a.clause[i]]
    nxt = [w for w in nxt if w not in ("to", "the", "up", "on", "of", "with", "her", "him", "that's")][:2]
    return not nxt or nxt[0] in ELIDED


def _same_act(a: Analysis, i: int, j: int) -> bool:
    """Do tokens i and j belong to one recommendation: the same clause, or neighbouring clauses
    split only by punctuation ("Yes, a coffee is fine"), not by a linking word ("... lunch with
    her, because I want to protect what we have")?"""
    ci, cj = a.clause[i], a.clause[j]
    if ci == cj:
        return True
    lo, hi = min(ci, cj), max(ci, cj)
    cs = a.clause_start
    for c in range(lo + 1, hi + 1):
        start = cs.get(c)
        if start is None or a.norm[start] in _LINKS or a.norm[start] in ("and", "or"):
            return False
        if c < hi and cs.get(c + 1, start) - start > 2:
            return False      # only a short aside between them: "I like you, Nadia, more than most"
    return True


class _NeverCopied:
    def __getitem__(self, i):
        return False


_NEVER_COPIED = _NeverCopied()
# double quotes, curly double quotes, and single quotes (curly ones are straight in Analysis.low) that
# open after a non-word character and close before one, so "let's" and "clients'" stay apostrophes
_QUOTE_RE = re.compile(r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d'
                       r"|(?<![\w'])'(?=\S)(?:[^'\n]|(?<=\w)'(?=\w))*?(?<=[^\s'])'(?![\w])")


def _quoting(doc: _Doc, used: list[int], s: int) -> bool:
    """Is this red-flag match someone else's words: inside double quotes, or a restatement of the
    prompt (every matched word copied, in a sentence that is mostly copied)?"""
    copied = doc.copied
    if all(copied[i] for i in used):
        first, end, _ = doc.a.sentences[s]
        if sum(copied[first:end]) >= 0.6 * (end - first):
            return True
    low = doc.a.low
    if '"' in low or "\u201c" in low or "'" in low:
        spans = doc.a.spans(max(used))
        for q0 in {_quote_around(low, spans[i][0]) for i in used} - {None}:
            if not _counselor_speaks(doc, q0):
                return True
    return False


def _counselor_speaks(doc: _Doc, q0: int) -> bool:
    """Is the quote starting at character q0 the counselor's own words ('Jordan could say: "..."',
    'I would tell her, "..."')? The words just before it name a way of saying with a modal or the
    counselor, and no client is the speaker."""
    rubric_atoms = doc.rubric_people
    # the words before the quote in its own sentence: a client named in the sentence before ("... Priya's
    # need for connection. Jordan could say: '...'") is not the speaker
    before_q = doc.a.low[max(0, q0 - 80):q0]
    lead = analyse(re.split(r"(?<=[.!?])\s+|\n", before_q)[-1]).norm[-8:]
    if not lead:
        return False
    if not any(w in SAY_VERBS for w in lead):
        # a speaker label: 'Jordan: "Sure, ..."' (the counselor's name just before the quote)
        before = re.split(r"[.!?\n]", doc.a.low[max(0, q0 - 80):q0])[-1].split()
        return (len(before) == 1 and before[0].endswith(":") and lead[-1] not in ("i", "me")
                and bool(set(doc.vocab.lookup(lead[-1])) & rubric_atoms[0]))
    vocab = doc.vocab
    client = rubric_atoms[1]
    last_say = max(k for k, w in enumerate(lead) if w in SAY_VERBS)
    # "Priya says: ..." is the client's; "Sam could tell Tyler: ..." names the client only as the
    # one spoken to (after the way of saying), so the words are the counselor's
    if client and any(set(vocab.lookup(w)) & client for w in lead[:last_say]):
        return False
    return True   # a way of saying, and no client is the speaker


@lru_cache(maxsize=256)
def _citations(code_ids: tuple) -> str:
    from course.codes import cite

    cites = []
    for cid in code_ids:
        try:
            cites.append(cite(cid))
        except CourseError:
            continue
    return f" (See {'; '.join(cites)}.)" if cites else ""


def _feedback(rubric: Rubric, r: ScoreResult) -> str:
    by_id = {c.id: c for c in rubric.concepts}
    parts = []
    if r.found:
        parts.append("What your answer shows:")
        for f in r.found:
            c = by_id[f["concept"]]
            parts.append(f"- {c.feedback_found or c.label}")
    if r.missing:
        parts.append("What to develop:" if r.found else "Ideas to bring into your answer:")
        for m in r.missing:
            c = by_id[m["concept"]]
            parts.append(f"- {c.feedback_missing or c.label}")
    for mid in r.misconceptions:
        m = next(x for x in rubric.misconceptions if x.id == mid)
        parts.append(f"A point to check: {m.feedback}")
    for fid in r.red_flags:
        f = next(x for x in rubric.red_flags if x.id == fid)
        check = " Your instructor will check whether your answer really recommends this." if r.flag_uncapped else ""
        parts.append(f"An important concern: {f.feedback}{_citations(tuple(f.codes))}{check}")
    if r.estimate is not None and r.rubric_points is not None and abs(r.points - r.rubric_points) >= r.max_points / 8:
        if r.points > r.rubric_points:
            why = "it reads as a stronger answer overall than the ideas the checklist recognised"
        else:
            why = "overall it develops these ideas less fully than the checklist alone suggests"
        parts.append(f"How the score was reached: the checklist above alone gives {r.rubric_points:g} of {r.max_points:g}. "
                     f"Your score, {r.points:g}, also reflects a reading of the whole answer against answers that "
                     f"instructors have scored: {why}.")
    if r.needs_review:
        parts.append("Your instructor will read this answer personally, so the points above are provisional.")
    return "\n".join(parts)


# --- validation --------------------------------------------------------------------------------
TOP_KEYS = {"question", "title", "module", "prompt", "max_points", "min_words", "min_sentences",
            "concepts", "red_flags", "misconceptions", "terms", "topic_terms", "referents", "key_terms", "case_names",
            "checks", "decisions", "synonyms", "people"}
DECISION_KEYS = {"id", "label", "harmful", "sound", "expected", "patterns", "unless", "codes", "feedback", "cap"}
CONCEPT_KEYS = {"id", "label", "weight", "tag", "patterns", "partial", "feedback_found", "feedback_missing"}
FLAG_KEYS = {"id", "label", "patterns", "codes", "feedback", "cap", "penalty", "unless"}


def validate_files(files: list[Path]) -> Report:
    """Check reflection rubrics; route grading/rubrics/items/ files to the pipeline's validator."""
    report = Report()
    items = [Path(f) for f in files if Path(f).resolve().parent.parent.name == "rubrics"
             and Path(f).resolve().parent.name == "items"]  # <any course root>/rubrics/items/
    rest = [Path(f) for f in files if Path(f) not in items]
    if items:
        try:
            from course.grading.items import validate_files as items_validate  # type: ignore
        except ImportError:
            items_validate = None
        if items_validate is not None:
            report.extend(items_validate(items))
    for f in rest:
        try:
            _validate_one(f, report)
        except Exception as exc:  # the validator must never raise on bad input
            report.add(f, 1, f"the rubric could not be checked ({type(exc).__name__}: {exc})",
                       "check its structure against docs/design/rubric-format.md")
    return report


def _validate_one(f: Path, report: Report) -> None:
    try:
        data, lines = load_yaml(f)
    except YamlError as exc:
        report.add(exc.path, exc.line, exc.message, "fix the YAML syntax")
        return
    if not isinstance(data, dict):
        report.add(f, 1, "a reflection rubric must be a mapping of fields",
                   "start from an existing rubric; see docs/design/rubric-format.md")
        return
    from course.codes import load_codes, load_concepts, module_ids

    codes, concepts = load_codes(), load_concepts()
    L = lines.near
    for k in data:
        if k not in TOP_KEYS:
            report.add(f, L((k,)), f"unknown field '{k}'", f"use only: {', '.join(sorted(TOP_KEYS))}")
    q = data.get("question")
    if not isinstance(q, str) or not QID_RE.match(q):
        report.add(f, L(("question",)), "the 'question' id is missing or not '<module>.<name>'",
                   "write e.g. question: frame.why-not-friends")
    else:
        if Path(f).stem != q:
            report.add(f, L(("question",)), f"the question id '{q}' does not match the file name",
                       f"rename the file to {q}.yml or change the id")
        mod = q.split(".")[0]
        if mod not in module_ids():
            report.add(f, L(("question",)), f"'{mod}' is not a module id", f"use one of: {', '.join(module_ids())}")
        if data.get("module") not in (None, mod):
            report.add(f, L(("module",)), f"module '{data.get('module')}' differs from the question's '{mod}'",
                       "make them the same")
    for k in ("title", "prompt"):
        if not isinstance(data.get(k), str) or not data.get(k, "").strip():
            report.add(f, L((k,)), f"the rubric has no '{k}'", f"add '{k}:' with text")
    if isinstance(data.get("prompt"), str):
        n = len(data["prompt"].split())
        if not 80 <= n <= 180:
            report.add(f, L(("prompt",)), f"the prompt has {n} word{'s' if n != 1 else ''}", "keep the student-facing prompt to 80-180 words")
    mp = data.get("max_points")
    if not isinstance(mp, (int, float)) or isinstance(mp, bool) or mp <= 0:
        report.add(f, L(("max_points",)), "'max_points' must be a positive number", "write e.g. max_points: 4")
        mp = 4
    for k in ("min_words", "min_sentences"):
        v = data.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            report.add(f, L((k,)), f"'{k}' must be a whole number >= 0", f"write e.g. {k}: 3")
    terms = data.get("terms") or {}
    if not isinstance(terms, dict):
        report.add(f, L(("terms",)), "'terms' must map names to alternatives", "write e.g. terms: {client: \"priya|she|her\"}")
        terms = {}
    vocab = _Vocab()
    sterms = {str(k): str(v) for k, v in terms.items()}

    def check_patterns(keypath, pats, required):
        if pats is None and not required:
            return
        if not isinstance(pats, list) or (required and not pats):
            report.add(f, L(keypath), f"'{keypath[-1]}' must be a list of patterns" + (" (at least one)" if required else ""),
                       "write e.g. - \"explor*|ask* + mean*|feel*\"")
            return
        for i, p in enumerate(pats):
            try:
                compile_pattern(p, vocab, sterms)
            except ValueError as exc:
                report.add(f, L(keypath + (i,)), f"pattern {p!r}: {exc}",
                           "slots are joined by ' + ', alternatives by '|'; prefix a slot with ! (must be negated) or ?")

    def check_unless(keypath, ul):
        """'unless' lists single words (or word* prefixes): the scorer looks each up as one word,
        so a phrase would silently count by its first word only."""
        if ul is None:
            return
        if not isinstance(ul, list) or not all(isinstance(w, str) for w in ul):
            report.add(f, L(keypath + ("unless",)), "'unless' must be a list of words", "write e.g. unless: [supervis*]")
            return
        for j, w in enumerate(ul):
            try:
                alts = _expand(w, sterms).split("|")
            except ValueError as exc:
                report.add(f, L(keypath + ("unless", j)), str(exc), "define it under 'terms'")
                continue
            for alt in alts:
                words = alt.strip().lower().replace("-", " ").split()
                if len(words) > 1:
                    report.add(f, L(keypath + ("unless", j)),
                               f"'unless' entry {w!r} has several words ({alt.strip()!r}); only '{words[0]}' would count",
                               f"list single words (e.g. unless: [{', '.join(repr(x) for x in words if x not in FUNCTION_WORDS) or words[0]}]) "
                               "or move the phrase into the pattern as a ! slot")
                elif words and not WORD_RE.match(words[0]):
                    report.add(f, L(keypath + ("unless", j)), f"'unless' entry {w!r} is not a plain word",
                               "use letters/digits, with an optional * at the end")

    cs = data.get("concepts")
    if not isinstance(cs, list) or not cs:
        report.add(f, L(("concepts",)), "the rubric has no concepts", "list the concepts a good answer shows under 'concepts:'")
        cs = []
    seen = set()
    for i, c in enumerate(cs):
        kp = ("concepts", i)
        if not isinstance(c, dict):
            report.add(f, L(kp), "a concept must be a mapping", "give it id, label, weight, patterns, feedback_found, feedback_missing")
            continue
        for k in c:
            if k not in CONCEPT_KEYS:
                report.add(f, L(kp + (k,)), f"unknown concept field '{k}'", f"use only: {', '.join(sorted(CONCEPT_KEYS))}")
        cid = c.get("id")
        if not isinstance(cid, str) or not ID_RE.match(cid):
            report.add(f, L(kp + ("id",)), "a concept needs an id in lowercase-with-hyphens", "add id: e.g. explores-meaning")
        elif cid in seen:
            report.add(f, L(kp + ("id",)), f"concept id '{cid}' is used twice", "give each concept its own id")
        seen.add(cid)
        for k in ("label", "feedback_found", "feedback_missing"):
            if not isinstance(c.get(k), str) or not c.get(k, "").strip():
                report.add(f, L(kp + (k,)), f"concept '{cid}' has no '{k}'", f"add '{k}:' (plain words for the student)")
        w = c.get("weight", 1)
        if not isinstance(w, (int, float)) or isinstance(w, bool) or w <= 0:
            report.add(f, L(kp + ("weight",)), f"concept '{cid}' has weight {w!r}", "use a positive number, e.g. 1")
        tag = c.get("tag")
        if tag is not None and tag not in concepts:
            report.add(f, L(kp + ("tag",)), f"concept tag '{tag}' is not in concepts.yml",
                       "use a tag from course/content/concepts.yml, or append one there")
        check_patterns(kp + ("patterns",), c.get("patterns"), True)
        check_patterns(kp + ("partial",), c.get("partial"), False)
        report.count("rubric concepts")

    def check_flags(key, required):
        fl = data.get(key)
        if fl is None and not required:
            return
        if not isinstance(fl, list) or (required and not fl):
            report.add(f, L((key,)), f"'{key}' must be a list" + (" with at least one entry" if required else ""),
                       "list the recommendations the counselor must never make here" if key == "red_flags"
                       else "list factual errors to catch")
            return
        ids = set()
        for i, r in enumerate(fl):
            kp = (key, i)
            if not isinstance(r, dict):
                report.add(f, L(kp), "each entry must be a mapping", "give it id, label, patterns, feedback")
                continue
            for k in r:
                if k not in FLAG_KEYS:
                    report.add(f, L(kp + (k,)), f"unknown field '{k}'", f"use only: {', '.join(sorted(FLAG_KEYS))}")
            rid = r.get("id")
            if not isinstance(rid, str) or not ID_RE.match(rid):
                report.add(f, L(kp + ("id",)), "an entry needs an id in lowercase-with-hyphens", "add id:")
            elif rid in ids:
                report.add(f, L(kp + ("id",)), f"id '{rid}' is used twice", "give each entry its own id")
            ids.add(rid)
            for k in ("label", "feedback"):
                if not isinstance(r.get(k), str) or not r.get(k, "").strip():
                    report.add(f, L(kp + (k,)), f"'{rid}' has no '{k}'", f"add '{k}:'")
            check_patterns(kp + ("patterns",), r.get("patterns"), True)
            check_unless(kp, r.get("unless"))
            cl = r.get("codes", [])
            if not isinstance(cl, list):
                report.add(f, L(kp + ("codes",)), "'codes' must be a list of ids", "write e.g. codes: [aca-2014-a5d]")
                cl = []
            if key == "red_flags" and not cl:
                report.add(f, L(kp), f"red flag '{rid}' cites no code", "add codes: [ids from course/content/codes.yml]")
            for j, cid in enumerate(cl):
                if cid not in codes:
                    report.add(f, L(kp + ("codes", j)), f"code '{cid}' is not in codes.yml",
                               "use an id from course/content/codes.yml (append a verified one if needed)")
            if key == "red_flags":
                cap = r.get("cap", 1)
                if not isinstance(cap, (int, float)) or isinstance(cap, bool) or not 0 <= cap < mp:
                    report.add(f, L(kp + ("cap",)), f"red flag '{rid}' has cap {cap!r}",
                               f"use a number from 0 to below max_points ({mp})")
            else:
                pen = r.get("penalty", 0.5)
                if not isinstance(pen, (int, float)) or isinstance(pen, bool) or not 0 <= pen <= mp:
                    report.add(f, L(kp + ("penalty",)), f"'{rid}' has penalty {pen!r}", f"use a number from 0 to {mp}")
            report.count("red flags" if key == "red_flags" else "misconception checks")

    check_flags("red_flags", True)
    check_flags("misconceptions", False)
    flag_ids = {r.get("id") for r in (data.get("red_flags") or []) if isinstance(r, dict)}
    ds = data.get("decisions")
    if ds is not None and not isinstance(ds, list):
        report.add(f, L(("decisions",)), "'decisions' must be a list",
                   "list the decisions a counselor might recommend here, e.g. - id: declines-lunch")
        ds = []
    for i, d in enumerate(ds or []):
        kp = ("decisions", i)
        if not isinstance(d, dict):
            report.add(f, L(kp), "each decision must be a mapping", "give it id, label, patterns (and harmful: true with feedback and cap)")
            continue
        for k in d:
            if k not in DECISION_KEYS:
                report.add(f, L(kp + (k,)), f"unknown decision field '{k}'", f"use only: {', '.join(sorted(DECISION_KEYS))}")
        did = d.get("id")
        if not isinstance(did, str) or not ID_RE.match(did):
            report.add(f, L(kp + ("id",)), "a decision needs an id in lowercase-with-hyphens", "add id: e.g. declines-lunch")
        elif did in flag_ids:
            report.add(f, L(kp + ("id",)), f"id '{did}' is used twice (red_flags and decisions)", "give each decision its own id")
        flag_ids.add(did)
        if not isinstance(d.get("label"), str) or not d.get("label", "").strip():
            report.add(f, L(kp + ("label",)), f"decision '{did}' has no 'label'", "add label: (shown to graders)")
        exp = d.get("expected", False)
        if not isinstance(exp, bool) or (exp and (d.get("harmful") is True or d.get("sound") is False)):
            report.add(f, L(kp + ("expected",)), f"decision '{did}' has expected: {exp!r}",
                       "write expected: true only on a sound decision a good answer states")
        snd = d.get("sound", True)
        if not isinstance(snd, bool) or (snd is False and d.get("harmful") is True):
            report.add(f, L(kp + ("sound",)), f"decision '{did}' has sound: {snd!r}",
                       "write sound: false for a decision that is neither harmful nor what a good answer does; leave it out otherwise")
        harmful = d.get("harmful", False)
        if not isinstance(harmful, bool):
            report.add(f, L(kp + ("harmful",)), f"decision '{did}' has harmful: {harmful!r}", "write harmful: true or leave it out")
            harmful = False
        check_patterns(kp + ("patterns",), d.get("patterns"), True)
        check_unless(kp, d.get("unless"))
        cl = d.get("codes", [])
        if not isinstance(cl, list):
            report.add(f, L(kp + ("codes",)), "'codes' must be a list of ids", "write e.g. codes: [apa-2017-305a]")
            cl = []
        for j, cid in enumerate(cl):
            if cid not in codes:
                report.add(f, L(kp + ("codes", j)), f"code '{cid}' is not in codes.yml",
                           "use an id from course/content/codes.yml (append a verified one if needed)")
        if harmful:
            if not isinstance(d.get("feedback"), str) or not d.get("feedback", "").strip():
                report.add(f, L(kp), f"harmful decision '{did}' has no 'feedback'", "add feedback: why it harms the client, for the student")
            cap = d.get("cap", 1)
            if not isinstance(cap, (int, float)) or isinstance(cap, bool) or not 0 <= cap < mp:
                report.add(f, L(kp + ("cap",)), f"harmful decision '{did}' has cap {cap!r}",
                           f"use a number from 0 to below max_points ({mp})")
        else:
            for k in ("cap", "feedback", "codes"):
                if k in d:
                    report.add(f, L(kp + (k,)), f"'{k}' only applies to a harmful decision ('{did}' is not)",
                               "remove it, or add harmful: true")
        report.count("decisions")
    syn = data.get("synonyms")
    if syn is not None:
        if not isinstance(syn, list):
            report.add(f, L(("synonyms",)), "'synonyms' must be a list of word sets", "write e.g. - \"friend|buddy|pal\"")
        else:
            for i, g in enumerate(syn):
                words = str(g).lower().split("|") if isinstance(g, str) else []
                if len(words) < 2 or not all(WORD_RE.match(w.strip()) and not w.strip().endswith("*") and " " not in w.strip()
                                             for w in words):
                    report.add(f, L(("synonyms", i)), f"synonym set {g!r} is not two or more single words joined by '|'",
                               "write e.g. \"friend|buddy|pal\" (phrases and prefixes belong in patterns)")
    pp = data.get("people")
    if pp is not None:
        if not isinstance(pp, dict):
            report.add(f, L(("people",)), "'people' must map counselor and client to words", "write e.g. people: {counselor: \"jordan|i\", client: \"priya\"}")
        else:
            for k, v in pp.items():
                if k not in ("counselor", "client"):
                    report.add(f, L(("people", k)), f"unknown key '{k}' under 'people'", "use counselor and client")
                elif not isinstance(v, str) or not v.strip():
                    report.add(f, L(("people", k)), f"'people: {k}' must be words joined by '|'", "write e.g. \"jordan|i|counselor\"")
                else:
                    try:
                        _expand(v, sterms)
                    except ValueError as exc:
                        report.add(f, L(("people", k)), str(exc), "define it under 'terms'")
    rf = data.get("referents")
    if rf is not None and (not isinstance(rf, list) or not all(isinstance(t, str) and t.strip() for t in rf)):
        report.add(f, L(("referents",)), "'referents' must be a list of words or @terms",
                   "write e.g. referents: [\"@client\", \"@counselor\"]")
    elif rf:
        for i, t in enumerate(rf):
            try:
                _expand(t, sterms)
            except ValueError as exc:
                report.add(f, L(("referents", i)), str(exc), "define it under 'terms'")
    kt = data.get("key_terms")
    if kt is not None and (not isinstance(kt, list) or not all(isinstance(t, str) and t.strip() for t in kt)):
        report.add(f, L(("key_terms",)), "'key_terms' must be a list of words",
                   "write e.g. key_terms: [frame, asymmetry, objectiv*]")
    cn = data.get("case_names")
    if cn is not None and (not isinstance(cn, list) or not all(isinstance(t, str) and t.strip().isalpha() for t in cn)):
        report.add(f, L(("case_names",)), "'case_names' must be a list of single words (the case's people)",
                   "write e.g. case_names: [priya, jordan]")
    tt = data.get("topic_terms")
    if tt is not None and (not isinstance(tt, list) or not all(isinstance(t, str) and t.strip() for t in tt)):
        report.add(f, L(("topic_terms",)), "'topic_terms' must be a list of words", "write e.g. topic_terms: [priya, lunch, friend*]")
    ch = data.get("checks")
    if ch is not None:
        if not isinstance(ch, dict):
            report.add(f, L(("checks",)), "'checks' must be a mapping", "see docs/design/rubric-format.md")
        else:
            for k, v in ch.items():
                if k not in DEFAULT_CHECKS:
                    report.add(f, L(("checks", k)), f"unknown check '{k}'", f"use: {', '.join(DEFAULT_CHECKS)}")
                elif not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                    report.add(f, L(("checks", k)), f"check '{k}' must be a number >= 0", f"the default is {DEFAULT_CHECKS[k]}")
    report.count("reflection rubrics")
