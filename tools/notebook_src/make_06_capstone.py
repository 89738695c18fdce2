"""Writes notebooks/06_capstone.ipynb (outputs empty). Run: python tools/notebook_src/make_06_capstone.py"""
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
cells = []


def md(s):
    cells.append(nbformat.v4.new_markdown_cell(s.strip("\n")))


def code(s):
    cells.append(nbformat.v4.new_code_cell(s.strip("\n")))


md("""
# Module 6 · Capstone: one relationship from first session to last

*The Therapeutic Relationship: a course for counseling students*

The earlier modules took transference, countertransference, power and boundaries, and termination one at
a time. In a real therapy they do not wait their turn. They arrive in one relationship, with one client,
and what you do in September is still in the room in April. This capstone lets you live through a whole
counseling relationship in five episodes, write it up as you go, and bring the case to a seminar.

> **Content note.** The case touches a divorce, a parent's stroke far away, a client crying in session, a
> client's history of being left, and a counselor's own parent's long depression. The client and
> counselor are fictional. Nothing in this module asks you to disclose your own history or feelings: your
> case notes are written as the counselor, about the fictional client, and the graded reflection is about
> the case. If the material stirs something personal, that belongs with your own supervisor or counselor,
> not in a note or a graded answer.
""")

md("""
## How to use this notebook

- **Alone:** run the cells from top to bottom (**Shift + Enter**). Plan on about two and a half hours:
  roughly 20 minutes of reading, 20 to 25 minutes for each episode with its case note, and 15 for the
  summary and self-check. You can stop after any episode and come back another day.
- **Episodes remember.** Each episode is a branching vignette, and what you chose in earlier episodes
  changes later ones: how the client greets you, what she knows, which choices you have. What your path
  set is saved on this computer, so a restarted notebook or another day keeps it. To see the effect,
  replay an early episode along another path, then run a later episode's cell again.
- **Case notes.** After each episode you write a short progress note and one question for supervision,
  then see a model note. At the end the notebook gathers your notes into a case summary you can download
  as Markdown or HTML. Notes are saved on this computer only, are included when you export your progress
  (`course progress --export my-progress.json`), and are erased by `course progress --forget`.
- **In a seminar:** your instructor may run an episode in *discussion mode* (the class votes before any
  feedback appears) or hold a case conference on your summaries.
- Ethics codes are cited as *code (version), section*, for example ACA Code of Ethics (2014), H.6.b.
""")

md("""
## Learning objectives

By the end of this module you will be able to:

| # | Objective (what you will be able to do) | CACREP 2024 mapping |
|---|---|---|
| 1 | **Conduct** informed consent as a trainee as an ongoing conversation: your status and supervision, recording, the limits of confidentiality, the end date of your placement and your social media policy. | Section 3, foundational area *Professional Counseling Orientation and Ethical Practice* (ethical standards; informed consent); item number not verified |
| 2 | **Recognize** a transference as it develops across sessions and **work with it** through tentative working hypotheses in the here and now. | Section 3, foundational area *Counseling Practice and Relationships* (the counseling relationship); item number not verified |
| 3 | **Manage** a countertransference rooted in your own history during a client's crisis: keep the frame, offer a plan the clinic can hold, and bring all of it to supervision. | Section 3, foundational areas *Counseling Practice and Relationships* and *Professional Counseling Orientation and Ethical Practice* (supervision, self-care); item numbers not verified |
| 4 | **Handle** a chance meeting in the client's community and a request on personal social media: keep presences separate, accept no favors, document, consult and talk it through. | Section 3, foundational area *Professional Counseling Orientation and Ethical Practice* (technology and social media); item number not verified |
| 5 | **Plan** an ending set by the training calendar (pretermination work, a transfer the client can use, no promise of a future relationship) and **write** progress notes and a case conceptualization that connect the whole relationship. | Section 3, foundational area *Counseling Practice and Relationships*; item number not verified |
""")

code("""
from IPython.display import Markdown, display

from course import self_check, cite, vignette_map
from course.case import case_note, case_summary, play_episode
from course.codes import code_entry, load_concepts
from course.figures.capstone import case_threads, describe_case_threads, show_figure
""")

md("""
## 1. One relationship, start to finish

**The case.** Hala Mansour is 46. She owns a Lebanese bakery on Clement Street, six blocks from the
Riverside Community Counseling Clinic, a sliding-fee clinic where counseling students train. Her husband
of twenty-two years, Marwan, left fourteen months ago; she kept the bakery, the house and their son
Ziad, who is fifteen. Her mother lives in Beirut and is unwell. Hala wakes at two every night with her
heart pounding, and her chest is tight at the ovens at five. Her doctor sent her.

You are **Tamsin Oduya**, 27, a second-year counseling student in a year-long placement at the clinic
(practicum in the autumn, internship in the spring). It ends on **May 9**, whatever your clients need.
Your site supervisor is **Beatriz Galvão**, a licensed professional counselor. You are the eldest
daughter in your own family, and your mother has lived with depression for most of your life. You will
not be asked to say anything about your own family; Tamsin's history is part of the case because a
counselor's history is always part of the case.

**Why a whole case.** Three things become visible only across a relationship. First, *consequences*: an
omission in the first session (not saying when you leave) becomes a crisis in the last. Second,
*recurrence*: the same pattern (Hala looking after everyone so as not to need anyone) shows up as a gift,
as a role reversal, as pride in her shop and as a cake at the goodbye. Third, *interaction*: the client's
transference and the counselor's countertransference fit together, and the boundary tests arrive exactly
where they meet. Supervision, notes and consent are how a counselor keeps track of all three.

**How the episodes remember.** Each episode is written so that some of your choices set something the
case remembers (for example, *you told Hala at intake when your placement ends*). Later episodes read
those memories: a scene may open differently, a line may appear, a choice may be offered or not. The box
above each later episode lists what it carries in from your paths. There is no single right path to
follow; play at least one path you think is weaker as well, and notice how far its effects reach.
""")

md("""
## 2. Episode 1 · The first hour: consent as a relationship

Informed consent is often taught as a document. In practice it is the first conversation about the
relationship itself: who you are, who else is involved, what happens to what the client says, what the
work can and cannot offer, and how long it can last. For a trainee, three items are easy to rush and
costly to skip. **Your status**: the client is seeing a student under supervision, and is entitled to
know it and to know who the supervisor is; the counseling and psychology codes both address this (check
the section in your own profession's code). **Recording**: supervision often relies on recordings, and a
client can only consent to what has been explained (who listens, where recordings are kept, when they
are deleted, and that declining does not affect care). **The end date**: your placement ends on a date set
by the training calendar. Said at intake, it is information the client can plan around.

Two further items belong here because of what comes later. The **limits of confidentiality** and the
**social media policy**: ACA Code of Ethics (2014), H.6.b, makes the benefits, limits and boundaries of
social media part of informed consent, and H.6.c asks counselors not to view a client's social media
without consent. A policy explained in general terms in the first hour is far easier to hold than one
explained for the first time in response to a specific request.

Consent is also a process. A hurried client can hear the essentials in five minutes and take the rest
home, provided you invite questions and come back to it. Watch in this episode for the moment when a
client's question ("How long do people come?") is really an invitation to say what you have not yet said.
""")

code("""
play_episode("capstone/the-first-hour")
""")

code("""
case_note("capstone/the-first-hour")
""")

md("""
## 3. Episode 2 · A tin of ma'amoul: transference across sessions

Module 2 defined transference as the client's experience of the counselor shaped by the client's own
psychological structures and earlier relationships (Gelso and Hayes). In a long relationship it is
rarely one dramatic moment; it is a way of relating that recurs. Hala has looked after others since she
was twelve. Caring for people is how she is valued, and perhaps how she keeps from being a burden. It
would be surprising if she did not start looking after her counselor.

Three things in this episode are easy to confuse. A **gift** is a boundary question (value, timing,
meaning, culture and the setting's policy), and no major code forbids a small, shareable one. A
**self-disclosure** is a question about whose needs it serves: a short, true answer that returns to the
client is different from an account of your own family that turns the client into the carer. And the
**transference** is the pattern underneath both, best approached as a *working hypothesis*, offered
tentatively in the client's words ("I wonder whether ...; does that fit?") rather than as a verdict in
jargon.

Notice, too, how a boundary held in the wrong tone can injure the alliance. Research on rupture and
repair (Eubanks, Muran and Safran, 2018) links repair with better outcomes; a rupture named and repaired
in the same session often strengthens the work.
""")

code("""
play_episode("capstone/a-tin-of-maamoul")
""")

code("""
case_note("capstone/a-tin-of-maamoul")
""")

md("""
## 4. Episode 3 · The long Tuesday: countertransference and supervision

Module 3 described countertransference in the integrative view: the counselor's reactions rooted in
their own unresolved conflicts, which help or harm depending on how they are managed. Tamsin's history
(the child who made the phone calls for a depressed mother) meets Hala's crisis (a mother's stroke, an
ocean away). The pull it creates does not feel like a conflict; it feels like kindness. That is why it
is easy to act on: a session that runs over, a personal number for the night, a rush to solve the trip.

Managing it in the room usually looks undramatic. Stay with the client, name the time honestly, check
safety briefly, and offer more care inside the frame (an extra session, a plan for the night the clinic
can hold) rather than by dissolving it. Then bring the whole of it to supervision: **the reaction** in
plain words, **the behavior** it has already shaped, **where it comes from** in you, and **what help you
need**. Trainees often fear that this will count against them; supervisors generally read it as
judgment. What does not reach supervision tends to appear in the sessions instead, and sometimes in the
supervision itself (*parallel process*: a trainee who brings a tidy account of a client who hides her
needs).

Notice how episode 1 reaches into this one: whether Beatriz has a recording to listen to depends on
what you explained at intake.
""")

code("""
play_episode("capstone/the-long-tuesday")
""")

code("""
case_note("capstone/the-long-tuesday")
""")

md("""
## 5. Episode 4 · Saturday at the bakery: the community and the screen

Counselors live in neighborhoods, and clients own shops in them. A chance meeting is not a violation;
what matters is what happens next. In the shop: greet warmly if the client does, confirm nothing to
others (the client may say what she likes about her own counseling; you may not), accept no favors of
value, and leave soon. Online: a follow request to a personal account, even from a business account,
opens a personal channel beside the counseling one. ACA Code of Ethics (2014), A.5.e, rules out personal
virtual relationships with current clients and H.6.a asks counselors to keep professional and personal
presences separate; NASW Code of Ethics (2017, amended 2021), 1.06(h), and the BACP Ethical Framework
(2018), 33(c), draw the same line in their own terms.

The other half of the work happens in the room. A boundary enforced in silence (a blocked account, an
unanswered message, nothing said on Tuesday) is felt as rejection and cannot be talked about. The same
boundary explained in session, with the client's feelings about it welcome, is felt as care, and the
meeting itself often turns out to be rich material. Document the contact, consult, and agree with the
client how you will both handle the next chance meeting.

**The serious dissent.** Lazarus and Zur (2002) argue that rigid boundary rules can themselves harm
clients, especially in small communities and cultures where refusing hospitality is an insult, and that
some boundary crossings, thought through and discussed, strengthen the work. The mainstream position
taught here accepts part of this (the ACA's own term, *extending counseling boundaries* in A.6.b, allows
some crossings with safeguards) while holding that a personal online connection and an ongoing customer
relationship add a second role that clouds whose needs the hour serves.
""")

code("""
play_episode("capstone/saturday-at-the-bakery")
""")

code("""
case_note("capstone/saturday-at-the-bakery")
""")

md("""
## 6. Episode 5 · The last weeks: the ending the calendar sets

Trainees' clients often end not because the work is done but because the academic year is: a
*forced* termination, in the usual term. The ending is still the counselor's responsibility. ACA Code of
Ethics (2014), A.11.c, asks for pretermination counseling and referrals when needed, and A.12 rules out
abandonment; APA 10.10(c) asks psychologists to provide pretermination counseling and suggest other
providers; NASW 1.15 asks social workers to make reasonable efforts to keep services continuous when
they are interrupted.

Pretermination work has recognizable parts: talking about **what the ending means** (for Hala, whose
losses arrived without warning, this is the heart of it), a **review** that credits the client's own
work, **a plan for afterwards** (warning signs, how to come back), and a **transfer she can use**, which
for a client who dreads retelling her story is more than a name on a card: with her consent about what is
shared, an introduction or a joint session. Anything opened along the way that should not continue (a
number, a follow) is closed with her, not silently after she has gone.

What no ending needs is a promise. "Let's get coffee when I graduate" turns a goodbye into a waiting
period. No code sets a waiting period for friendship with a former client; the codes ask whether a later
relationship could harm the client (ACA A.6.e), and APA 3.05(a) counts a *promise* of a future relationship
as part of a multiple relationship now.

This episode starts in one of two places, depending on what you said in episode 1.
""")

code("""
play_episode("capstone/the-last-weeks")
""")

code("""
case_note("capstone/the-last-weeks")
""")

md("""
## 7. Reading the whole relationship

The figure below is drawn from the episodes themselves. Each dot is something a path through an episode
can set; each arrow runs to a later episode that depends on it. It is a schematic of how the case is
built, not a measurement.
""")

code("""
show_figure(case_threads("hala-and-tamsin"), describe_case_threads("hala-and-tamsin"),
            alt="Schematic of five episodes in a row, with what each can set and arrows to the later episodes that depend on it")
""")

md("""
Read across the arrows and three lessons stand out. **Consent is a long-acting decision.** Saying *May*
in September shapes October (Hala can speak of the ending herself), November (a recording lets your
supervisor see what you cannot) and April (the last weeks begin with "I counted" instead of "nobody told
me"). **The transference and the countertransference meet at the boundaries.** Hala looks after people;
Tamsin was raised to look after people. The gift, the phone number, the bakery and the cake at the end
are each a place where the two patterns meet, and each is easier to handle once the pattern has been
named, in the room and in supervision. **Supervision is where the threads become visible.** Almost every
good later path in this case passes through a moment where the counselor told her supervisor the whole
story.

**Writing it up.** A case conceptualization for a seminar is not a transcript. A useful structure:
the client's presenting concern and context; the pattern she brings into relationships and how it has
appeared with you (as a hypothesis); what the relationship stirred in you and what you did with it;
the boundary decisions and their reasons; how consent and the ending were handled, and what you would do
differently. Write about the client and the counselor you played, not about yourself. Your progress notes
are the raw material: a good note describes what happened, marks hypotheses as hypotheses, keeps the
counselor's personal history out of the client's record (it belongs in supervision notes), and would let a
colleague take over the case.
""")

md("""
## 8. Your case summary

When you have played the episodes and written your notes, build your summary. It collects, for each
episode, the ending your latest path reached, what that path carried forward, and your progress note and
question for supervision. Download it as Markdown (for editing) or HTML (for printing) and bring it to
your seminar. Press **Build my case summary** again after writing more notes.
""")

code("""
case_summary("hala-and-tamsin")
""")

md("""
## Ethics codes cited in this module

Run the cell to list every code section this module cites, drawn from the course's citation registry,
with a one-line paraphrase (not a quotation; read the codes themselves for exact wording). The last
column says whether the course checked the section against the code text (or a verbatim reproduction) or
only through a reliable secondary summary.
""")

code("""
CITED = ["aca-2014-a5e", "aca-2014-a6b", "aca-2014-a6e", "aca-2014-a11c", "aca-2014-a12", "aca-2014-h4b",
         "aca-2014-h6a", "aca-2014-h6b", "aca-2014-h6c", "apa-2017-305a", "apa-2017-1010c", "nasw-2021-106c",
         "nasw-2021-106h", "nasw-2021-115", "bacp-2018-33c"]
rows = ["| Citation | What it says (paraphrase) | Checked against |", "|---|---|---|"]
for cid in CITED:
    e = code_entry(cid)
    checked = "the code text" if e["confidence"] == "verified" else "a secondary summary"
    rows.append(f"| {cite(cid, with_title=True)} | {e['paraphrase']} | {checked} |")
display(Markdown("\\n".join(rows)))
""")

md("""
## Key terms

Run the cell to show the glossary entries this module uses, from the course's shared glossary.
""")

code("""
TERMS = ["informed-consent", "transference", "working-hypothesis", "gifts", "self-disclosure", "countertransference",
         "countertransference-management", "consultation", "parallel-process", "social-media", "dual-relationship",
         "documentation", "termination-process", "pretermination-counseling", "referral", "abandonment",
         "post-termination-relationship"]
concepts = load_concepts()
display(Markdown("\\n".join(f"- **{concepts[t]['label']}**: {concepts[t]['definition']}" for t in TERMS)))
""")

md("""
## Self-check

Six questions on the decisions in the case, each with feedback on every option.
""")

code("""
self_check("capstone")
""")

md("""
## Further reading

- Gelso, C. J., & Hayes, J. A. (2007). *Countertransference and the therapist's inner experience: Perils
  and possibilities*. Erlbaum.
- Hayes, J. A., Gelso, C. J., Goldberg, S., & Kivlighan, D. M. (2018). Countertransference management and
  effective psychotherapy: Meta-analytic findings. *Psychotherapy, 55*(4), 496–507.
- Eubanks, C. F., Muran, J. C., & Safran, J. D. (2018). Alliance rupture repair: A meta-analysis.
  *Psychotherapy, 55*(4), 508–519.
- Gutheil, T. G., & Gabbard, G. O. (1993). The concept of boundaries in clinical practice: Theoretical and
  risk-management dimensions. *American Journal of Psychiatry, 150*(2), 188–196.
- Lazarus, A. A., & Zur, O. (Eds.). (2002). *Dual relationships and psychotherapy*. Springer.
- Swift, J. K., & Greenberg, R. P. (2012). Premature discontinuation in adult psychotherapy: A
  meta-analysis. *Journal of Consulting and Clinical Psychology, 80*(4), 547–559.
- American Counseling Association. (2014). *ACA Code of Ethics*, sections A (the counseling relationship)
  and H (distance counseling, technology and social media).
""")

md("""
## Mark this module complete

A module is complete when you have reached an ending in each of its episodes and answered each of its
self-check questions (a wrong answer counts too). The button applies exactly that rule: pressed before
then, it tells you what is left and records nothing; pressed after, it records the module as complete.
Running the notebook does not press it for you, and nothing leaves this computer.
""")

code("""
mark_complete(6)
""")

nb = nbformat.v4.new_notebook(cells=cells)
# every cell imports what it uses (a restarted kernel can run any one of them) and widget cells
# have their code folded away: tools/notebook_src/selfcontained.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from selfcontained import self_contain  # noqa: E402
from kernel_check import add_kernel_check, is_check  # noqa: E402

self_contain(nb)
add_kernel_check(nb)  # first cell: plain guidance when the kernel lacks the course
nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python"}
for i, c in enumerate(c for c in nb.cells if not is_check(c)):
    c.id = f"capstone-{i:02d}"
nbformat.validate(nb)
nbformat.write(nb, str(REPO / "notebooks" / "06_capstone.ipynb"))
print("wrote notebooks/06_capstone.ipynb")
