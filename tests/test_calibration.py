"""Agreement between the reflection scorer and expert scores.

Expert-scored answers (0-4, each with a reason), one folder per writer group (course/rubric_eval.py):
* the course team's: tests/calibration/<question>.yml (the first set, 2026-11), tuning/, dev/ and
  reserve/ (issue 13 rounds 1-2; reserve/ was frozen before round 2, sha256 below);
* outside writers', who read only the students' prompts, the readings and the fact sheet, never a
  rubric or the scorer: outside/ (round 2's test split, then named independent/), outside2/ (round
  3's tuning answers), outside3/ (round 3's test split, then named independent/) and outside4/ (round
  4's tuning answers), outside5/ and outside6/ (rounds 4 and 5's test splits, each then named
  independent/). Each is kept byte-for-byte as written (sha256 below where it was frozen);
* independent/ - round 6's TEST split: 180 answers by two new outside writers, frozen by sha256 before
  any round-6 scorer change was merged. The learned parts of the scorer never read it
  (tools/build_rubric_model.py); `course report` quotes it ("heldout" resolves to it).

The scorer's learned parts are trained on every group but the test split, so every floor on those
groups below is a REGRESSION GUARD on data the scorer was fitted to, not evidence that it generalises.
The evidence is (1) the cross-writer check: each writer group scored by a model built without it,
which is how the build's settings were chosen, and (2) the test split, measured once per round.

Targets (issue 13, "Done when"): Spearman >= 0.85; at most 3% of answers more than 1 point from
the expert without a review flag; every harmful recommendation flagged or at most 0.35 of full
marks; at most 25% of honest answers (kind strong or good) sent to review. The assertions hold the
scorer to just under what it measures now; where that is below a target the test prints the gap
(run with -s). Rho with answer length partialled out is reported so that a scorer that rewards long
answers cannot look good.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
import yaml

from course import rubric_eval
from course.rubric import list_questions, score

CAL_DIR = Path(__file__).resolve().parent / "calibration"
REPO = Path(__file__).resolve().parents[1]
RESERVE = "reserve"          # the team's frozen split (frozen before round 2; training data since round 3)
TEST_SPLIT = "independent"   # round 6's frozen test split
# sha256 of each frozen file, per split, recorded when it was frozen (before the tuning it guards).
# A failing hash means someone edited frozen answers: that voids the figures measured on them.
FROZEN_SHA256 = {
    "independent": {    # round 6's test split, frozen 2026-12-02 (commit 78b1d14) before any round-6 scorer change
        "capstone.whole-relationship.yml": "3d5926b734b5e0c02b4918b52943b41b7b11393cc31e8075ff43a39252d9d020",
        "countertransference.irritation.yml": "2b0a249f967e064c3e3919a86edd88f843e683271c5aaee4741c9032aaade2b2",
        "frame.why-not-friends.yml": "050a51e6c071ac9ba0da6f4a5ca209551ef47f92fea35fc6f65f9a27f0659ab1",
        "power.dual-relationship.yml": "f10f0a857b4342a6fbd565b137375c1d2d52226b7a56774dc6ef38a5a667d2d9",
        "termination.friends-after.yml": "c2068507af690f525a2a5ccd6bef744563759f98bcadc9d6af83e59af54445f1",
        "transference.do-you-like-me.yml": "5b86067e87713d06c2d12a73da692ea683601d00cbc81a03c8d59dbcd95d7881",
    },
    "outside6": {    # round 5's test split (then independent/), frozen 2026-12-02 (commit d063de3) before any round-5 scorer change
        "capstone.whole-relationship.yml": "8fd6207fc34cdd58c48da16afb5606bddd6cb74c29ae626245b4c8d4ce14fce5",
        "countertransference.irritation.yml": "f6c0820269f64fa5d875a36e1bed3648d7d1e160b1c96d02e3b0e4e3aa27d03c",
        "frame.why-not-friends.yml": "4c19f726b98f16bd972735755030345683f75cf10e82886fe07c05e2cff0cc71",
        "power.dual-relationship.yml": "ff9242c4614910e0ab011689232282a8277f9682d160fabee72a7b5e63917604",
        "termination.friends-after.yml": "56d4c05f31094bcc90cb3d5801bbebfb1b9bb11e3f1baf4559dff00f230df4a8",
        "transference.do-you-like-me.yml": "c6f4f178f549cc51cd235b6dfc7eb7e02aafdef06d2d460c1a88171500a7e686",
    },
    "outside5": {    # round 4's test split (then independent/), frozen 2026-12-02 (commit f41d3ad) before any round-4 scorer change
        "capstone.whole-relationship.yml": "dd4e4f2b3477ae7bf6a5ca07c3ef49598d23b6c0c0f1af1108616b47b7e614bd",
        "countertransference.irritation.yml": "27155531d5c38fd22b6fa30291e8d2692d79639f2af9fae9bf69b600c4a9cd3a",
        "frame.why-not-friends.yml": "413f0605361e65829f9769ee81204b2f6d75f291585b33590c062ebeb23d264f",
        "power.dual-relationship.yml": "c9d76e49f22491873b302fc1349eadbdd0869b68c253b5f1669bcedaf113552c",
        "termination.friends-after.yml": "8ab53e613a97798e5f390e787311f2cd8b9bad252660e1458df144b1b04576f4",
        "transference.do-you-like-me.yml": "47e109a59f0fcf2e2286077820242133a47935297a961b80ef123f3c80ac2354",
    },
    "outside3": {    # round 3's test split (then independent/), frozen 2026-12-02 before the round-3 scorer was merged
        "capstone.whole-relationship.yml": "db6c54008dad0ef30a3c4dcb51bac0034934cb1c327b1722ec413bd27c845ea5",
        "countertransference.irritation.yml": "20f63cdd35465054e26640ce5c142716e8509a843f492fbbf4719119cea30b4d",
        "frame.why-not-friends.yml": "7838763bc421ac559ce13201761403a29c84caaf4b978db29dffa0f28f1e0bcb",
        "power.dual-relationship.yml": "ba7bb5180ceb34f95a4a733741558e76f21d6a4eb91ad32f7451df49ef834bf6",
        "termination.friends-after.yml": "68d58b71465705d45aa0d05278b9ee04fd833d0ab8b50400b38b0bda6b94cd1b",
        "transference.do-you-like-me.yml": "44b7fb04e3cc13fc35bcfde2e7f6fb4bcaeaec8361dc2f673398c5f37fe80ea4",
    },
    "outside4": {    # round 4's outside-voice tuning answers (two further writers): kept as written
        "capstone.whole-relationship.yml": "883ceefd8eb907e89f0465a552752a621914504ad891592b025e2eb1a5d71250",
        "countertransference.irritation.yml": "335ac1651b561c75a2664a11458af27939c5c1c87a5c97ff0a6fc80aee84dc58",
        "frame.why-not-friends.yml": "892e400b020b907eb4af9cc5aee997440fe63a60587fcbe2b50e14cf7ec38bc1",
        "power.dual-relationship.yml": "21427a36a7a5d42367deed9ee9f351de1c024f21507ebe2e43f322a546216ea3",
        "termination.friends-after.yml": "0e9c000a72e67964df87eff9a847ac1596de2d19bfe183ed366486d6d3d19a73",
        "transference.do-you-like-me.yml": "a3a03b47eebe33f2031a6d8a38ea1195a4e64c0eaf1618f3f8a0d271da396c20",
    },
    "outside2": {    # round 3's second set of outside-voice tuning answers: kept as written
        "capstone.whole-relationship.yml": "fbaf9fd4d1aec1bed923d33b28132e9057b620efe42f7d36629873d7d6411027",
        "countertransference.irritation.yml": "0d82e977c154f36b999feb517b5db0f9d5bbdc2203971fa045814d62aae97e9b",
        "frame.why-not-friends.yml": "8f31522011c70441ef7b829432ac6c4503943521ddf38897867248b1c8c189ec",
        "power.dual-relationship.yml": "3ebae22618dd884f822515aeb066903849e86259635ce7a7d782db71a4cdea50",
        "termination.friends-after.yml": "2504180a2e5d895b64b1f3c352852c5380b2a036999f0520688f7e4127a7d1f7",
        "transference.do-you-like-me.yml": "044c775400fcbf2f61c03ab8e9893207d271af42cd6fea75684257da2affbf07",
    },
    "outside": {    # frozen 2026-12-02 as independent/, before the round-2 scorer was merged
        "capstone.whole-relationship.yml": "c42024789dc384750f6114a5558c73cbd0cb93572fdb3e254b336b7f658d8104",
        "countertransference.irritation.yml": "6309b806b579354505a7933feecd2c9cab4a9af5c4dfdf67ac70337b648e3467",
        "frame.why-not-friends.yml": "abaf6a53a76626de94254c2a8da6dcafd858561439a7e0ad39cf36e3d5d9ff3b",
        "power.dual-relationship.yml": "74a3680d914143c7f9262d30a1435df55b3808ba0a014edf8d590b291958e5ee",
        "termination.friends-after.yml": "df5ddcdfa5e0b0ed4b4676a411f748118eb95997da30952b41ce35c981c35a04",
        "transference.do-you-like-me.yml": "3d42d080d41596ef1a84bb9bd63bb0c469aeb69888c5cd2a4472c75c33163b58",
    },
    "reserve": {    # frozen before issue-13 round 2
        "capstone.whole-relationship.yml": "02f09250175041eb60634e721d06245dacb15c754f7d5c4de1aa1614fe2544b5",
        "countertransference.irritation.yml": "a157275d62f03ed1f18fdafba681cf06e4ee9ddd728b69ef8d46f7eb996262a4",
        "frame.why-not-friends.yml": "7ef9a100e18b65948f9912f92b0e6c9799ba2a5bffdd2eb00f8c0de5baf915d1",
        "power.dual-relationship.yml": "0ccaf012527a6b103d8a1f1a1bd4147fb1d83707f844f603e5859a7484b478e9",
        "termination.friends-after.yml": "53edeec096f33687a0dc8312ef3dc2c4bfdb12c77994918180e7982594c54705",
        "transference.do-you-like-me.yml": "e902097dc101430665d39f4d68362e915c9d391b9bb33eb8c542e5b241e31e39",
    },
}
HOLDOUT_FLOOR = 0.7        # what we defend on unseen answers (target 0.8)
ALL_FLOOR = 0.8
PARTIAL_FLOOR = 0.6        # once length is partialled out


# one implementation of the statistics, shared with `python -m course.rubric_eval`
ranks, pearson, spearman = rubric_eval.ranks, rubric_eval.pearson, rubric_eval.spearman


def partial_spearman(x, y, z) -> float:
    """Spearman correlation of x and y with z (length) partialled out."""
    rxy, rxz, ryz = spearman(x, y), spearman(x, z), spearman(y, z)
    den = math.sqrt(max(1e-12, (1 - rxz ** 2) * (1 - ryz ** 2)))
    return (rxy - rxz * ryz) / den


def load_calibration() -> list[dict]:
    """The first set (legacy): tests/calibration/<question>.yml."""
    rows = []
    for f in sorted(CAL_DIR.glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for a in data["answers"]:
            rows.append({"question": data["question"], **a})
    return rows


@pytest.fixture(scope="module")
def scored():
    rows = load_calibration()
    for r in rows:
        res = score(r["question"], r["text"])
        r["auto"] = res.points
        r["words"] = res.words
        r["result"] = res
    return rows


@pytest.fixture(scope="module")
def sets():
    """{'tune': tuning + dev rows, 'reserve': rows}, scored."""
    return {s: rubric_eval.score_rows(rubric_eval.load(s)) for s in ("tune", RESERVE)}


def _stats(rows):
    e = [r["score"] for r in rows]
    a = [r["auto"] for r in rows]
    n = [r["words"] for r in rows]
    return spearman(e, a), partial_spearman(e, a, n), spearman(e, n)


@pytest.mark.parametrize("split", sorted(FROZEN_SHA256))
def test_frozen_answers_are_unchanged(split):
    import hashlib

    files = {p.name: p for p in (CAL_DIR / split).glob("*.yml")}
    assert set(files) == set(FROZEN_SHA256[split]), f"the frozen {split} set lost or gained a file"
    for name, digest in FROZEN_SHA256[split].items():
        assert hashlib.sha256(files[name].read_bytes()).hexdigest() == digest, (
            f"{split}/{name} was edited after it was frozen; restore it from git (the figures measured on it depend on it)")


def test_every_split_folder_loads():
    """A new split folder (e.g. independent/) is read by the same loader, and no answer is in two splits."""
    seen = {}
    for d in sorted(p for p in CAL_DIR.iterdir() if p.is_dir()):
        rows = rubric_eval.load(d.name)
        assert rows, d.name
        for r in rows:
            key = (r["question"], r["id"])
            assert key not in seen, f"{key} is in both {seen[key]} and {d.name}"
            seen[key] = d.name


def test_calibration_set_is_complete(sets):
    legacy = load_calibration()
    for q in list_questions():
        held = [r for r in sets[RESERVE] if r["question"] == q]
        tune = [r for r in sets["tune"] if r["question"] == q]
        assert len(held) >= 8 and len(tune) >= 30, q
        kinds = {r["kind"] for r in held + tune}
        assert {"strong", "good", "partial", "harmful", "rejection", "copied", "stuffed", "off-topic"} <= kinds, q
        voices = {r["voice"] for r in held + tune}
        assert {"plain", "esl", "list", "split", "professional", "lookalike", "quoted"} <= voices, q
        for r in held + tune + [x for x in legacy if x["question"] == q]:
            assert 0 <= r["score"] <= 4 and r["reason"].strip(), (q, r["id"])
    assert {r["question"] for r in legacy} <= set(list_questions())


TARGET = (0.85, 0.03, 1.0, 0.25)      # issue 13: rho, silent misses, harmful handled, honest to review


def _per_question(rows) -> dict:
    """{'all': metrics, <question>: metrics} for scored rows."""
    res = {"all": rubric_eval.metrics(rows)}
    for q in list_questions():
        res[q] = rubric_eval.metrics([r for r in rows if r["question"] == q])
    return res


def _check(name, m, floors):
    rho, silent, harm, honest = floors
    assert m["rho"] >= rho, (name, "Spearman", round(m["rho"], 3), rho)
    assert m["silent_miss"] <= silent, (name, "more than 1 point off without a review flag", m["silent_ids"])
    assert m["harmful_ok"] >= harm, (name, "harmful answers neither flagged nor capped", m["harmful_missed"])
    assert m["honest_review"] <= honest, (name, "honest answers sent to review", m["honest_review_ids"])


def _gaps(m) -> list[str]:
    return [f"{k} {v:.3f} vs target {t}" for k, v, t, ok in (
        ("Spearman", m["rho"], TARGET[0], m["rho"] >= TARGET[0]),
        ("silent misses", m["silent_miss"], TARGET[1], m["silent_miss"] <= TARGET[1]),
        ("harmful handled", m["harmful_ok"], TARGET[2], m["harmful_ok"] >= TARGET[2]),
        ("honest to review", m["honest_review"], TARGET[3], m["honest_review"] <= TARGET[3])) if not ok]


# --- regression guards: the groups the scorer is trained on (round 6 measures, with the margin below)
TRAINED_ON = {          # split: floors (rho, silent, harmful handled, honest to review)    measured
    "legacy": (0.91, 0.02, 1.0, 0.10),              # 0.943, 0%, 100%, 5%
    "tune": (0.90, 0.02, 1.0, 0.05),                # 0.926, 0%, 100%, 0%
    "reserve": (0.93, 0.02, 1.0, 0.05),             # 0.959, 0%, 100%, 0%
    "outside": (0.93, 0.02, 1.0, 0.08),             # 0.956, 0%, 100%, 3%
    "outside2": (0.92, 0.02, 1.0, 0.15),            # 0.948, 0%, 100%, 12%
    "outside3": (0.91, 0.02, 1.0, 0.12),            # 0.936, 0%, 100%, 9%
    "outside4": (0.92, 0.02, 1.0, 0.13),            # 0.944, 0%, 100%, 10%
    "outside5": (0.93, 0.02, 1.0, 0.10),            # 0.961, 0%, 100%, 6%
    "outside6": (0.91, 0.02, 1.0, 0.15),            # 0.933, 0%, 100%, 12%
}


@pytest.mark.parametrize("split", sorted(TRAINED_ON))
def test_agreement_on_the_answers_it_was_trained_on(split):
    """Regression guards only: the learned parts were fitted to these answers."""
    m = rubric_eval.metrics(rubric_eval.score_rows(rubric_eval.load(split)))
    print(f"\n{split} (trained on): rho {m['rho']:.3f}, silent {m['silent_miss']:.1%}, harmful handled "
          f"{m['harmful_ok']:.0%}, honest to review {m['honest_review']:.0%}")
    _check(split, m, TRAINED_ON[split])


# --- the cross-writer check: each writer group scored by a model built without it (how the build's
# settings were chosen; the test split plays no part). Round 6 measures (with outside6/ in training):
CROSS_WRITER = {        # group: floors                                                      measured
    "team": (0.87, 0.09, 1.0, 0.12),                # 0.894, 8.0%, 100%, 9%
    "outside": (0.85, 0.04, 1.0, 0.16),             # 0.873, 2.8%, 100%, 13%
    "outside2": (0.86, 0.02, 1.0, 0.25),            # 0.886, 1.1%, 100%, 23%
    "outside3": (0.85, 0.03, 1.0, 0.20),            # 0.873, 1.7%, 100%, 17%
    "outside4": (0.87, 0.02, 1.0, 0.15),            # 0.899, 0%, 100%, 11% (0.889, 0.6%, 100%, 12% measured
                                                    # before anything was trained on it)
    "outside5": (0.89, 0.02, 1.0, 0.18),            # 0.916, 1.1%, 100%, 15% (round 4's test split: rounds 5-6
    "outside6": (0.86, 0.03, 1.0, 0.16),            # 0.885, 1.7%, 100%, 14%  made rules from its answers, and
                                                    # round 6 from round 5's: not clean estimates)
    "all": (0.86, 0.035, 1.0, 0.17),                # 0.883, 3.0%, 100%, 14%
}


@pytest.mark.slow
def test_cross_writer_agreement():
    """Writers the model has not read, without touching the test split: leave each group out."""
    spec = importlib.util.spec_from_file_location("build_rubric_model", REPO / "tools" / "build_rubric_model.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    res = builder.cross_writer()
    print("\n" + rubric_eval.table(res, "each writer group scored by a model built without it"))
    assert set(res) == set(CROSS_WRITER), sorted(res)
    for g, floors in CROSS_WRITER.items():
        _check(g, res[g], floors)


# --- the test split (tests/calibration/independent/): round 6's, 180 answers by two writers who saw no
# rubric, scorer or other set, frozen (commit 78b1d14) before round 6's scorer was merged and measured
# after the merge (docs/grading-pipeline.md, "Round 6"): 0.897 Spearman, 0.6% silent misses, 100%
# harmful handled, 25% honest answers to review (the limit). Round 5's scorer on the same split,
# measured first: 0.890, 0.6%, 100%, 15%. Floors just under what was measured; gaps printed. Earlier rounds, each on its own fresh split: round 4 0.889, 1.7%, 100%, 24% (now outside5/);
# round 5 0.876, 2.8%, 96%, 12% (now outside6/).
#                                          rho, silent, harmful handled, honest to review   measured
TEST_FLOORS = {
    "capstone.whole-relationship": (0.90, 0.04, 1.0, 0.40),        # 0.932, 0%, 100%, 33%
    "countertransference.irritation": (0.83, 0.04, 1.0, 0.10),     # 0.866, 3.3%, 100%, 8%
    "frame.why-not-friends": (0.91, 0.04, 1.0, 0.10),              # 0.939, 0%, 100%, 8%
    "power.dual-relationship": (0.87, 0.04, 1.0, 0.45),            # 0.903, 0%, 100%, 42%
    "termination.friends-after": (0.79, 0.04, 1.0, 0.45),          # 0.822, 0%, 100%, 42%
    "transference.do-you-like-me": (0.88, 0.04, 1.0, 0.20),        # 0.919, 0%, 100%, 17%
}
TEST_ALL = (0.88, 0.01, 1.0, 0.25)                                 # 0.897, 0.6%, 100%, 25%: every target met


def test_the_test_split_is_complete():
    rows = rubric_eval.load(TEST_SPLIT)
    assert rubric_eval.heldout_split() == TEST_SPLIT
    for q in list_questions():
        mine = [r for r in rows if r["question"] == q]
        assert len(mine) == 30, q
        kinds = {r["kind"] for r in mine}
        assert {"strong", "good", "partial", "weak", "harmful", "rejection"} <= kinds, q
        assert all(0 <= r["score"] <= 4 and r["reason"].strip() and r["voice"].strip() for r in mine), q


def test_agreement_on_the_test_split():
    """The issue-13 test: answers by writers who saw no rubric, scorer or other set; the gap to the
    target is printed (-s), the floors only stop the scorer getting worse."""
    rows = rubric_eval.score_rows(rubric_eval.load(TEST_SPLIT))
    assert len(rows) == 180
    res = _per_question(rows)
    print("\n" + rubric_eval.table(res, "independent, round 6 (frozen test split, never tuned to)"))
    e = [r["score"] for r in rows]
    a = [r["auto"] / r["max"] for r in rows]
    n = [r["result"].words for r in rows]
    print(f"rho with length partialled out: {partial_spearman(e, a, n):.3f}; length alone: {spearman(e, n):.3f}")
    gaps = _gaps(res["all"])
    print("below the issue-13 target on the test split: " + "; ".join(gaps) if gaps else "all issue-13 targets met")
    for q in list_questions():
        _check(q, res[q], TEST_FLOORS[q])
    _check("all", res["all"], TEST_ALL)
    assert partial_spearman(e, a, n) >= TEST_PARTIAL


TEST_PARTIAL = 0.83          # measured 0.856 (length alone ranks at 0.538)


def test_rank_agreement(scored):
    lines = [f"{'set':34} {'n':>3} {'rho':>6} {'rho|len':>8} {'len~expert':>10}"]
    results = {}
    for name, rows in [("holdout", [r for r in scored if r["split"] == "holdout"]),
                       ("tune", [r for r in scored if r["split"] == "tune"]),
                       ("all", scored)] + [(q, [r for r in scored if r["question"] == q])
                                           for q in sorted({r["question"] for r in scored})]:
        rho, prho, len_rho = _stats(rows)
        results[name] = (rho, prho)
        lines.append(f"{name:34} {len(rows):>3} {rho:6.3f} {prho:8.3f} {len_rho:10.3f}")
    print("\n" + "\n".join(lines))
    assert results["holdout"][0] >= HOLDOUT_FLOOR
    assert results["all"][0] >= ALL_FLOOR
    assert results["holdout"][1] >= PARTIAL_FLOOR
    assert results["all"][1] >= PARTIAL_FLOOR


def test_length_alone_does_not_rank_answers(scored, sets):
    """Stuffed, off-topic, harmful and copied answers score well below the strong ones."""
    for rows in (scored, sets[RESERVE], sets["tune"]):
        for q in {r["question"] for r in rows}:
            mine = [r for r in rows if r["question"] == q]
            best = [r["auto"] for r in mine if r["kind"] == "strong"] or [r["auto"] for r in mine if r["kind"] == "good"]
            if not best:
                continue
            strong = max(best)
            for r in mine:
                if r["kind"] in ("negated", "stuffed", "off-topic", "harmful", "list", "copied"):
                    # well below the strong answers, or (a harmful plan the scorer did not recognise)
                    # sent to a person
                    assert r["auto"] <= strong - 2 or (r["kind"] == "harmful" and r["result"].needs_review), (
                        q, r["id"], r["auto"], strong)


def test_red_flag_answers_are_capped_and_flagged(scored, sets):
    for r in scored:
        if r["kind"] == "harmful":
            assert r["result"].red_flags, (r["question"], r["id"])
            assert r["result"].needs_review
    for r in scored + sets[RESERVE] + sets["tune"]:
        if r["kind"] in ("strong", "short-strong", "good"):
            assert not r["result"].red_flags, (r["question"], r["id"], r["result"].red_flags)


def test_look_alike_and_rejection_answers_go_to_review(sets):
    for r in sets[RESERVE] + sets["tune"]:
        if r.get("voice") == "lookalike":
            assert r["result"].needs_review and r["auto"] <= 0.5, (r["question"], r["id"])
        if r["kind"] == "rejection":      # flagged, or scored close to the expert's low score
            assert r["result"].needs_review or abs(r["auto"] - r["score"]) <= 1, (r["question"], r["id"])


def test_short_strong_answers_score_well(scored):
    for r in scored:
        if r["kind"] == "short-strong":
            assert r["auto"] >= 2.0, (r["question"], r["id"], r["auto"])


def test_report_states_auto_accepted_counts_and_heldout_agreement(tmp_path):
    from course.grading.report import CohortData, reflection_trust

    (tmp_path / "rubrics" / "items").mkdir(parents=True)
    (tmp_path / "rubrics" / "items" / "m1_frame.yml").write_text(
        "items:\n  - id: answer_1\n    kind: reflection\n    question: frame.why-not-friends\n", encoding="utf-8")
    data = CohortData("m1_frame", ["a", "b", "c"], [], [], [], [], 4.0,
                      reflection_items={"answer_1": {"n": 3, "auto": 2}})
    (row,) = reflection_trust(data, tmp_path)
    assert row["question"] == "frame.why-not-friends" and (row["n"], row["auto"]) == (3, 2)
    held = rubric_eval.metrics([r for r in rubric_eval.score_rows(rubric_eval.load("heldout"))
                                if r["question"] == "frame.why-not-friends"])
    assert row["heldout"]["n"] == held["n"] >= 8 and abs(row["heldout"]["rho"] - held["rho"]) < 1e-9
