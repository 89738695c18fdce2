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
from dataclasses import dataclass

# one regex pass: words (with inner apostrophes), sentence ends, clause marks, list/paragraph breaks
_TOKEN_RE = re.compile(
    r"(?P<w>[^\W_]+(?:'[^\W_]+)*)"
    r"|(?P<s>[.!?]+(?=['\"\u201d\u2019)\]]*(?:\s|$)))"
    r"|(?P<b>\n[ \t]*\n|\n[ \t]*(?:[-*\u2022]|\d+[.)])[ \t])"
    r"|(?P<c>[,;:()\[\]\"\u201c\u201d\u2014\u2013]|--|\s-\s)"
)

NEGATORS = frozenset("""
not no never nor neither without cannot none nothing nobody nowhere refuse refuses refused refusing
decline declines declined declining avoid avoids avoided avoiding against resist resists resisting
reject rejects rejected rejecting forgo abstain dont wont cant wouldnt shouldnt couldnt doesnt didnt
isnt arent wasnt werent mustnt neednt hasnt havent
""".split())
# two-word negators: (first, second) -> the second word carries the negation
NEG_PAIRS = {("instead", "of"), ("rather", "than"), ("turn", "down"), ("turns", "down"),
             ("turned", "down"), ("turning", "down"), ("fail", "to"), ("fails", "to"),
             ("stop", "accepting")}
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
for with that this what how why when if as at by from about so because
""".split())


@dataclass(slots=True)
class Tok:
    norm: str        # lowercase word, possessive removed
    start: int       # character span in the original text
    end: int
    sent: int        # sentence index
    clause: int      # clause index (global)
    neg: bool        # inside a negation scope (odd number of negators before it in its clause)
    near: bool = False  # negated by a negator at most NEAR words before it ("not tired", "won't meet")


@dataclass(slots=True)
class Analysis:
    text: str
    toks: list       # word tokens (Tok)
    sentences: list  # per sentence: (first tok index, end tok index, is_real_sentence)
    n_words: int
    n_real: int      # real sentences (enough words, some function words, not a bare list)
    n_list: int = 0  # sentences that are bare lists of terms (commas or no function words)


def _norm_word(w: str) -> tuple[str, bool]:
    """Normalise a raw lowercase word; return (word, is_negator_contraction)."""
    if "'" in w:
        if w.endswith("n't"):
            base = w[:-3]
            return _CONTRACTION_BASE.get(base, base), True
        head, _, tail = w.partition("'")
        return head, False  # 's 'd 'll 're 've 'm: keep the head word
    return w, False


def analyse(text: str) -> Analysis:
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    toks: list[Tok] = []
    sentences: list[tuple[int, int, bool]] = []
    sent = 0
    clause = 0
    sent_first = 0
    seg_lens: list[int] = []   # word counts of comma-separated segments in this sentence
    seg = 0
    neg_count = 0              # negators seen in the current clause
    clause_first_tok = 0
    clause_dismiss = False
    pending_and = False
    prev = ""
    last_neg = -100            # index of the last negator in the current clause
    lists: list[int] = []

    def close_clause():
        nonlocal clause, neg_count, clause_first_tok, clause_dismiss, last_neg
        last_neg = -100
        if clause_dismiss and len(toks) > clause_first_tok:
            first = toks[clause_first_tok].norm
            lo = sent_first if first in DEMONSTRATIVE or (first == "but" and len(toks) > clause_first_tok + 1
                                                          and toks[clause_first_tok + 1].norm in DEMONSTRATIVE) \
                else clause_first_tok
            for t in toks[lo:]:
                t.neg = True
                t.near = False
        clause += 1
        neg_count = 0
        clause_first_tok = len(toks)
        clause_dismiss = False

    def close_sentence():
        nonlocal sent, sent_first, seg, seg_lens, prev
        close_clause()
        if len(toks) > sent_first:
            seg_lens.append(seg)
            n = len(toks) - sent_first
            fw = sum(1 for t in toks[sent_first:] if t.norm in FUNCTION_WORDS)
            segs = [s for s in seg_lens if s]
            is_list = (len(segs) >= 3 and sum(1 for s in segs if s <= 2) >= 0.75 * len(segs)
                       and fw / n < 0.25)
            real = n >= 4 and fw >= 1 and (fw / n) >= 0.12 and not is_list
            if is_list or (n >= 5 and (fw / n) < 0.12):
                lists.append(sent)
            sentences.append((sent_first, len(toks), real))
            sent += 1
        sent_first = len(toks)
        seg = 0
        seg_lens = []
        prev = ""

    for m in _TOKEN_RE.finditer(low):
        kind = m.lastgroup
        if kind == "w":
            w, neg_contr = _norm_word(m.group())
            if w == "cannot":
                w, neg_contr = "can", True
            if pending_and:
                pending_and = False
                if w in SUBJECT_AFTER_AND:
                    close_clause()
            if w in LINK_WORDS and w != "instead":  # 'instead of' is a negator, handled below
                close_clause()
            is_neg = False
            if w in NEGATORS or neg_contr:
                is_neg = True
            elif (prev, w) in NEG_PAIRS:
                is_neg = True
            if w in DISMISSIVE and neg_count % 2 == 0:
                clause_dismiss = True
            elif (prev == "no" and w in ("point", "need")) or (prev in ("waste", "wasting") and w == "time"):
                clause_dismiss = True
            if w in NOT_NEGATING_AFTER and prev in ("not", "no"):
                neg_count -= 1  # undo: 'not only'
            negated = neg_count % 2 == 1
            toks.append(Tok(w, m.start(), m.end(), sent, clause, negated,
                            negated and len(toks) - last_neg <= NEAR))
            if is_neg:
                neg_count += 1
                last_neg = len(toks) - 1
            if w in ("and", "or"):
                pending_and = True
            seg += 1
            prev = w
        elif kind == "s":
            close_sentence()
        elif kind == "b":
            close_sentence()
        else:  # clause mark
            close_clause()
            if m.group() in (",", ";"):
                seg_lens.append(seg)
                seg = 0
            prev = ""
    close_sentence()
    n_real = sum(1 for s in sentences if s[2])
    return Analysis(text, toks, sentences, len(toks), n_real, len(lists))


# --- light stemming and spelling tolerance ----------------------------------------------------
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly")


_NO_STEM = frozenset("""
hers his its ours yours theirs this thus was is has does us as yes less unless always perhaps
""".split())


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
