"""Text analysis for the reflection scorer: tokens, sentences, clauses, negation, light stemming.

Pure stdlib and deterministic. `analyse(text)` turns an answer into a list of `Tok` (normalised
word, character span, sentence index, clause index, negated flag) plus per-sentence facts. The
scorer in `course.rubric` matches compiled rubric patterns against these tokens.

Negation: a negator (not, no, never, n't, without, refuse, decline, avoid, against, instead of,
rather than, ...) negates every later word of its clause; two negators cancel ("no reason to
avoid it"). A clause ends at , ; : ( ) quotes dashes, or at a linking word (but, because, so
that, although, which, ...), or at "and"/"or" followed by a new subject or modal ("and I would").
Dismissive verdicts ("is pointless", "overkill", "outdated") negate the whole clause, or the
whole sentence when the verdict is about "that/this/it".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# one regex pass: words (with inner apostrophes), sentence ends, clause marks, list/paragraph breaks
_TOKEN_RE = re.compile(
    r"(\w+(?:'\w+)*)"                                            # 1 word
    r"|([.!?]+(?=['\"\u201d\u2019)\]]*(?:\s|$)))"             # 2 sentence end
    r"|(\n[ \t]*\n|\n[ \t]*(?:[-*\u2022]|\d+[.)])[ \t])"       # 3 paragraph or list-item break
    r"|([,;:()\[\]\"\u201c\u201d\u2014\u2013]|--|\s-\s)"        # 4 clause mark
)

NEGATORS = frozenset("""
not no never nor neither without cannot none nothing nobody nowhere refuse refuses refused refusing
decline declines declined declining avoid avoids avoided avoiding against resist resists resisting
reject rejects rejected rejecting forgo abstain dont wont cant wouldnt shouldnt couldnt doesnt didnt
isnt arent wasnt werent mustnt neednt hasnt havent hesitate hesitates hesitant reluctant unwilling
""".split())
# two-word negators: (first, second) -> the second word carries the negation
NEG_PAIRS = {("instead", "of"), ("rather", "than"), ("turn", "down"), ("turns", "down"),
             ("turned", "down"), ("turning", "down"), ("fail", "to"), ("fails", "to"),
             ("stop", "accepting")}
# refusing verbs whose negation stops at "and" + another verb ("say no to lunch and explore ...")
SCOPED_NEGATORS = frozenset("""
refuse refuses refused refusing decline declines declined declining avoid avoids avoided avoiding reject
rejects rejected rejecting resist resists resisting forgo abstain
""".split())
SAY_NO = frozenset({"say", "says", "said", "saying", "answer", "answers", "is", "be"})
TURN = frozenset({"turn", "turns", "turned", "turning"})
# "not only X but also Y" does not negate X
NOT_NEGATING_AFTER = frozenset({"only", "merely"})
LINK_WORDS = frozenset("""
but however although though because since while whereas unless yet which whom whose otherwise
instead meanwhile therefore so
""".split())
SUBJECT_AFTER_AND = frozenset("""
i we he she they you it then also would will can could should might may must shall
""".split())
DISMISSIVE = frozenset("""
pointless unnecessary overkill outdated overrated useless irrelevant nonsense silly overcautious
needless counterproductive speculation speculative bureaucratic
""".split())
DEMONSTRATIVE = frozenset({"that", "this", "it", "which", "such", "all"})
NEAR = 6
_CONTRACTION_BASE = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
FUNCTION_WORDS = frozenset("""
i me my we us our you your he him his she her they them their it its is are was were be been being
am do does did have has had will would can could should shall may might must to the a an of in on
for with that this what how why when if as at by from about so because before after any than then
into out up only just each every there here who which where until while also
""".split())


_LEAD_MARK_RE = re.compile(r"[ \t\n]*(?:[-*\u2022]|\d+[.)])[ \t]")


class Analysis:
    """One answer, analysed. Token i is described by the parallel lists norm[i], sent[i], ...

    negd[i] is 0 when token i is not negated; otherwise the distance (in words) to the negator
    that governs it, or FAR when a dismissive verdict negates the whole clause. `spans()` gives
    character offsets of the tokens, computed on demand (only evidence needs them).
    """

    __slots__ = ("text", "low", "norm", "raw", "sent", "clause", "negd", "sentences", "clause_start",
                 "n_words", "n_real", "n_list", "_spans", "rejected", "items")

    def __init__(self, text):
        self.text = text
        self.low = ""
        self.norm: list[str] = []      # lowercase word, possessive removed
        self.raw: dict[int, str] = {}  # the word as written, where it differs from norm ("won't")
        self.sent: list[int] = []      # sentence index
        self.clause: list[int] = []    # clause index (global)
        self.negd: list[int] = []      # 0 = not negated; else distance to its negator (FAR: verdict)
        self.sentences: list[tuple[int, int, bool]] = []   # (first tok, end tok, is real sentence)
        self.clause_start: dict[int, int] = {}             # clause index -> its first token
        self.n_words = 0
        self.n_real = 0                # real sentences (enough words, some function words, not a list)
        self.n_list = 0                # sentences that are bare lists of terms
        self._spans = None
        self.rejected: list[int] = []  # sentences whose ideas are reported only to be dismissed
        self.items: set[int] = set()   # sentences that are items of a bulleted or numbered list

    @property
    def neg(self) -> list[bool]:
        return [d > 0 for d in self.negd]

    def spans(self, upto: int | None = None) -> list[tuple[int, int]]:
        """(start, end) character offsets of the word tokens 0..upto (all by default)."""
        out = self._spans
        if out is None:
            out = self._spans = []
        last = len(self.norm) - 1 if upto is None else min(upto, len(self.norm) - 1)
        if len(out) > last:
            return out
        low, raw, norm = self.low, self.raw, self.norm
        pos = out[-1][1] if out else 0
        for j in range(len(out), last + 1):
            w = raw.get(j) or norm[j]
            p = low.find(w, pos)
            if p < 0:          # cannot happen for tokens of this text; keep offsets monotonic
                p = pos
            pos = p + len(w)
            out.append((p, pos))
        return out


FAR = 1000
_NEG, _LINK, _DISM, _FUNC, _ANDOR, _SUBJ, _NOTNEG, _PAIR2, _APOS = 1, 2, 4, 8, 16, 32, 64, 128, 256
_FLAGS: dict[str, int] = {}
for _words, _bit in ((NEGATORS, _NEG), (LINK_WORDS - {"instead"}, _LINK), (DISMISSIVE, _DISM),
                     (("and", "or"), _ANDOR), (NOT_NEGATING_AFTER, _NOTNEG),
                     ({b for _, b in NEG_PAIRS} | {"point", "need", "time"}, _PAIR2)):
    for _w in _words:
        _FLAGS[_w] = _FLAGS.get(_w, 0) | _bit


_IS_FW = FUNCTION_WORDS.__contains__


def analyse(text: str) -> Analysis:
    """Tokens, sentences, clauses and negation scopes of one answer (a single pass)."""
    a = Analysis(text)
    low = text.lower()
    if "\u2019" in low or "\u2018" in low:
        low = low.replace("\u2019", "'").replace("\u2018", "'")   # same length: offsets hold
    lead = _LEAD_MARK_RE.match(low)
    if lead:                       # "1. Talk to ..." at the very start: blank the marker (offsets hold)
        low = " " * lead.end() + low[lead.end():]
    a.low = low
    norm, negd, raw = a.norm, a.negd, a.raw
    norm_append, negd_append = norm.append, negd.append
    clause_ranges: list[tuple[int, int]] = []   # (first tok, end tok) of each clause id
    sentences, cstart = a.sentences, a.clause_start
    flags_get = _FLAGS.get
    s_id = c_id = 0
    sent_first = clause_first = 0
    seg_start = fw = 0
    seg_lens: list[int] = []
    negc = 0
    last_neg = -100
    dismiss = pending_and = verb_neg = False
    prev = ""
    n_list = 0
    i = 0
    item_next = bool(lead)

    def close_clause():
        nonlocal c_id, negc, clause_first, dismiss, last_neg, verb_neg
        n = len(norm)
        clause_ranges.append((clause_first, n))
        if n > clause_first:
            cstart[c_id] = clause_first
            if dismiss:
                first = norm[clause_first]
                if first in DEMONSTRATIVE or (first == "but" and n > clause_first + 1
                                              and norm[clause_first + 1] in DEMONSTRATIVE):
                    lo = sent_first
                else:
                    lo = clause_first
                for k in range(lo, n):
                    negd[k] = FAR
        c_id += 1
        negc = 0
        verb_neg = False
        last_neg = -100
        clause_first = n
        dismiss = False

    def close_sentence():
        nonlocal s_id, sent_first, seg_start, seg_lens, prev, fw, n_list, item_next
        close_clause()
        n = len(norm) - sent_first
        if n > 0:
            fw = sum(map(_IS_FW, norm[sent_first:]))
            seg_lens.append(len(norm) - seg_start)
            segs = [x for x in seg_lens if x]
            is_list = (len(segs) >= 3 and sum(1 for x in segs if x <= 2) >= 0.75 * len(segs)
                       and fw / n < 0.25)
            real = n >= 4 and fw >= 1 and (fw / n) >= 0.12 and not is_list
            if is_list or (n >= 5 and (fw / n) < 0.12):
                n_list += 1
            if item_next:
                a.items.add(len(sentences))
                # a list item is a step, not a fragment: "Decline the discount." counts as a sentence
                real = real or (n >= 2 and not is_list)
            sentences.append((sent_first, len(norm), real))
            s_id += 1
        if n > 0:
            item_next = False
        sent_first = seg_start = len(norm)
        fw = 0
        seg_lens = []
        prev = ""

    for w, _s, _b, c in _TOKEN_RE.findall(low):
        if w:
            f = flags_get(w, 0)
            if not (f or pending_and) and "'" not in w and w != "cannot":   # a plain word
                negd_append(i - last_neg if negc & 1 else 0)
                norm_append(w)
                i += 1
                prev = w
                continue
            is_neg = False
            if "'" in w:
                raw[i] = w
                if w.endswith("n't"):
                    w = w[:-3]
                    w = _CONTRACTION_BASE.get(w, w)
                    is_neg = True
                else:
                    w = w.partition("'")[0]     # 's 'd 'll 're 've 'm: keep the head word
                f = flags_get(w, 0)
            elif w == "cannot":
                raw[i] = w
                w, is_neg, f = "can", True, flags_get("can", 0)
            if pending_and:
                pending_and = False
                if w in SUBJECT_AFTER_AND:
                    close_clause()
                elif f & _NEG and negc & 1 and prev in ("and", "or"):
                    # "not speak about the other client and not say she is his favourite": a second
                    # negator coordinated by and/or negates its own part; it does not cancel the first
                    negc -= 1
                    last_neg = -100
                    verb_neg = False
                elif verb_neg and negc & 1 and not w.endswith("ing"):
                    # "decline the lunch and explore her loneliness": a refusing verb governs its own
                    # object, not the next verb ("avoid meeting her and giving ..." keeps it)
                    negc -= 1
                    last_neg = -100
                    verb_neg = False
            if f:
                if f & _LINK:
                    close_clause()
                if f & _NEG:
                    is_neg = True
                elif f & _PAIR2 and (prev, w) in NEG_PAIRS:
                    is_neg = True
                if f & _DISM:
                    if not negc & 1:
                        dismiss = True
                elif f & _PAIR2 and ((prev == "no" and (w == "point" or w == "need"))
                                     or (w == "time" and (prev == "waste" or prev == "wasting"))):
                    dismiss = True
                if f & _NOTNEG and (prev == "not" or prev == "no"):
                    negc -= 1                   # 'not only X' does not negate X
                if f & _ANDOR:
                    pending_and = True
            negd_append(i - last_neg if negc & 1 else 0)
            norm_append(w)
            if is_neg:
                verb_neg = w in SCOPED_NEGATORS or (w == "no" and prev in SAY_NO) or (w == "down" and prev in TURN)
                negc += 1
                last_neg = i
            i += 1
            prev = w
        elif c:                                 # clause mark
            close_clause()
            if c == "," or c == ";":
                seg_lens.append(i - seg_start)
                seg_start = i
            prev = ""
        else:                                   # sentence end or paragraph/list break
            close_sentence()
            if _b and _b.strip() and _b.strip()[-1] in "-*\u2022.)":
                item_next = True
    close_sentence()
    sent, clause = a.sent, a.clause
    for k, (first, end, _r) in enumerate(sentences):
        sent.extend([k] * (end - first))
    for k, (first, end) in enumerate(clause_ranges):
        if end > first:
            clause.extend([k] * (end - first))
    a.n_words = len(norm)
    a.n_real = sum(1 for x in sentences if x[2])
    a.n_list = n_list
    mark_rejections(a)
    return a


# --- normalisation: compatibility forms and look-alike letters ---------------------------------
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@lru_cache(maxsize=4096)
def _latin_twin(ch: str) -> str | None:
    """The Latin letter a non-Latin look-alike stands for ('а' Cyrillic -> 'a'), from Unicode's
    confusables table (TR39) via the confusable_homoglyphs package; None when there is none."""
    try:
        from confusable_homoglyphs import confusables
    except ImportError:          # optional at run time; the check in normalise() then finds none
        return None
    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"]) or []
    cands = [h["c"] for f in found for h in f.get("homoglyphs", [])
             if h.get("n", "").startswith("LATIN ") and len(h["c"]) == 1 and h["c"].isascii()]
    if not cands:
        return None
    same_case = [c for c in cands if c.isupper() == ch.isupper()]
    twin = (same_case or cands)[0]
    if twin == "l" and ch.isupper():     # TR39 gives capital I and small l one skeleton ('l')
        twin = "I"
    return twin


def normalise(text: str) -> tuple[str, int]:
    """NFKC (full-width letters, ligatures), invisible characters removed, and letters from other
    alphabets that look like Latin ones (Cyrillic 'а', Greek 'ο') turned into the Latin letter when
    they sit in a word that also has Latin letters or in a text that is mostly Latin. Returns the
    text and how many look-alike letters were replaced. ASCII text is returned unchanged (fast)."""
    if text.isascii():
        return text, 0
    t = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if t.isascii():
        return t, 0
    latin = sum(1 for ch in t if ch.isascii() and ch.isalpha())
    foreign = [ch for ch in t if not ch.isascii() and ch.isalpha()]
    if not foreign:
        return t, 0
    swapped = 0
    out = []
    mostly_latin = latin >= len(foreign) * 0.5
    for ch in t:
        if not ch.isascii() and ch.isalpha() and mostly_latin:
            twin = _latin_twin(ch)
            if twin is not None and unicodedata.name(ch, "").split(" ")[0] in ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"):
                out.append(twin)
                swapped += 1
                continue
        out.append(ch)
    return "".join(out), swapped


# --- concept-then-rejection: ideas reported as others' view, then dismissed -------------------
ATTRIB_SUBJECTS = frozenset("""
textbooks textbook books book literature theory theorists tradition traditional conventional classic
classical psychodynamic people some others many experts critics one ethicists guidelines
supervisors supervisor professors trainers instructors rulebook rulebooks standard usual typical orthodox
books ethics codes code aca apa nasw formulation conventional
""".split())
ATTRIB_VERBS = frozenset("""
say says said claim claims argue argues argued suggest suggests recommend recommends tell tells would
might will talk talks view reading insist insists teach teaches call calls list lists mention mentions
distinguish distinguishes frame frames
""".split())
ATTRIB_PHRASES = (("often", "recommended"), ("often", "mentioned"), ("one", "option"), ("is", "one"),
                  ("standard", "answer"), ("usual", "advice"), ("textbook", "answer"), ("by", "the", "book"),
                  ("could", "argue"), ("one", "could"), ("they", "say"), ("they", "also"))
_ATTRIB_CUES = ATTRIB_SUBJECTS | {"often", "argue", "option", "answer", "advice", "by"}   # a sentence without one is not checked
REJECT_WORDS = frozenset("""
false overthinking overthink paternalistic jargon nonsense games motions disagree outdated pointless
overkill unnecessary irrelevant bureaucratic overrated silly useless undermine undermines naive
patronizing patronising condescending preachy old-fashioned robotic overly
""".split())
REJECT_PHRASES = (("don't", "agree"), ("dont", "agree"), ("do", "not", "agree"), ("don't", "buy"),
                  ("dont", "buy"), ("no", "way"), ("i", "disagree"), ("not", "true"), ("don't", "think"),
                  ("treats", "her", "like"), ("makes", "her", "feel"), ("just", "makes"), ("like", "children"),
                  ("old", "fashioned"), ("i", "reject"), ("ignore", "that"), ("ignore", "this"),
                  ("doesn't", "fit"), ("does", "not", "fit"), ("too", "cold"), ("out", "of", "date"))


_FILLERS = frozenset({"really", "actually", "honestly", "just", "quite", "truly", "fully", "personally"})


def _has_seq(words: list[str], seq: tuple) -> bool:
    n = len(seq)
    return any(tuple(words[i:i + n]) == seq for i in range(len(words) - n + 1))


def _attributed(words: list[str]) -> bool:
    for i, w in enumerate(words):
        if w in ATTRIB_SUBJECTS and any(v in ATTRIB_VERBS for v in words[i + 1:i + 4]):
            return True
    return any(_has_seq(words, p) for p in ATTRIB_PHRASES)


def _rejects(words: list[str]) -> bool:
    if any(w in REJECT_WORDS for w in words):
        return True
    return any(_has_seq(words, p) for p in REJECT_PHRASES)


def mark_rejections(a: "Analysis") -> list[int]:
    """Sentences that report an idea as someone else's (textbooks, some people, the traditional
    view) and are dismissed in the same or one of the next two sentences ('I think that is false',
    'that's overkill'). Their words are treated as negated, so the ideas earn no credit. Returns
    the sentence indices (also kept as a.rejected)."""
    out: list[int] = []
    sents = a.sentences
    norm, raw = a.norm, a.raw
    if _ATTRIB_CUES.isdisjoint(norm):          # fast path: nothing is reported as someone's view
        a.rejected = []
        return a.rejected
    cache: dict[int, list[str]] = {}

    def words(k: int) -> list[str]:
        w = cache.get(k)
        if w is None:
            first, end, _r = sents[k]
            w = cache[k] = [x for x in (raw[i] if i in raw and raw[i].endswith("n't") else norm[i]
                                        for i in range(first, end)) if x not in _FILLERS]
        return w

    k = 0
    verdict_end: dict[int, int] = {}     # a later dismissing sentence: negated only up to its verdict
    while k < len(sents):
        first, end, _r = sents[k]
        if not _ATTRIB_CUES.isdisjoint(norm[first:end]) and _attributed(words(k)):
            for k2 in range(k, min(len(sents), k + 3)):
                if _rejects(words(k2)):
                    out.extend(range(k, k2 + 1))
                    if k2 > k:
                        verdict_end[k2] = _verdict_clause_end(a, k2)
                    k = k2
                    break
        k += 1
    negd = a.negd
    for k in sorted(set(out)):
        first, end, _r = sents[k]
        # "I disagree, because the hour only works if it stays hers": the reasons after the
        # verdict are the writer's own view and keep their polarity
        for i in range(first, verdict_end.get(k, end)):
            negd[i] = FAR
    a.rejected = sorted(set(out))
    return a.rejected


def _verdict_clause_end(a: "Analysis", k: int) -> int:
    """End token of the clause holding the first dismissing word of sentence k."""
    first, end, _r = a.sentences[k]
    norm, raw, clause = a.norm, a.raw, a.clause
    for i in range(first, end):
        if norm[i] in REJECT_WORDS or any(tuple(x for x in (raw.get(j, norm[j]) for j in range(i, min(end, i + len(p))))) == p
                                          for p in REJECT_PHRASES):
            j = i
            while j + 1 < end and clause[j + 1] == clause[i]:
                j += 1
            return j + 1
    return end


# --- light stemming and spelling tolerance ----------------------------------------------------
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly")


_NO_STEM = frozenset("""
hers his its ours yours theirs this thus was is has does us as yes less unless always perhaps
friendly friendlier friendliest friendliness unfriendly
""".split())


_PROTECTED = FUNCTION_WORDS | NEGATORS


def stem(word: str) -> str:
    """Very light stemming: 'exploring', 'explored', 'explores' -> 'explor'."""
    if word in _NO_STEM:
        return word
    w = word
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            if suf in ("ies", "ied"):
                w = w[: -len(suf)] + "y"
            elif suf == "s" and w.endswith("ss"):
                break
            else:
                w = w[: -len(suf)]
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]           # stopped -> stop
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if w != word and w in _PROTECTED:   # 'here' is not 'her', 'note' is not 'not'
        return word
    return w


def deletes1(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (insert, delete, substitute, swap neighbours)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return True
        return False
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]
