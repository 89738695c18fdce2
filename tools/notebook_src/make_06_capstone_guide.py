"""Writes notebooks/facilitator/06_capstone_guide.ipynb. Run: python tools/notebook_src/make_06_capstone_guide.py"""
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
cells = []


def md(s):
    cells.append(nbformat.v4.new_markdown_cell(s.strip("\n")))


def code(s):
    cells.append(nbformat.v4.new_code_cell(s.strip("\n")))


md("""
# Facilitator guide · Module 6 · Capstone: a 90-minute case conference

For seminar leaders. The capstone follows one fictional relationship (Hala Mansour, a bakery owner, and
Tamsin Oduya, a counseling trainee) through five episodes, from intake to an ending set by the placement
calendar. Students play the episodes and write a progress note and a supervision question after each; the
notebook assembles them into a case summary they download and bring. This guide runs a **90-minute case
conference** on those summaries: a **plan whose minutes add up**, two episodes ready in **discussion
mode**, a short **supervision role-play**, discussion questions with what a strong answer touches, and
common misconceptions. The student notebook is `../06_capstone.ipynb`.

> **Content note for the room.** The case includes a divorce, a parent's stroke far away, a client crying,
> a client's history of being left, and a counselor's own parent's depression. Announce this at the start.
> A case conference invites students to compare the case with their own clients or families. Do not ask
> for it, and steer away from it kindly: "Let's keep this on Tamsin and Hala; your own experiences are for
> your supervision." Case notes and summaries are written as the counselor, about the fictional client,
> and nothing in the conference requires students to disclose their own feelings or history.
""")

md("""
## Before the session (15 minutes of preparation)

1. Ask students to play all five episodes, write their notes and bring their case summary (Markdown or
   HTML, printed or on a laptop). Students who missed episodes can still take part; the small-group task
   works with any two episodes.
2. Run this guide from the top (**Run > Run All Cells**). Episodes in discussion mode carry in what was
   chosen in earlier episodes **on this computer**: on a fresh machine, later episodes start with nothing
   carried in. To show how episode 5 opens differently, play episode 1 in discussion mode along the
   *helpful* opening, then rerun the episode 5 cell; then go back, follow the *one of the counselors* path
   to an ending, and rerun it again.
3. Fill in the support contacts for your program in the role-play section below.
4. Print or project the role-play script (the supervision scene of episode 3, below).

**Objectives for the session** (from the reading): consent as an ongoing conversation; transference and
countertransference across a relationship; managing a rescuing pull with supervision; community and
social media boundaries; an ending set by the calendar, with a real transfer and no promise.
""")

code("""
from course.case import play_episode
""")

md("""
## The 90-minute plan

| Time | Activity | Notes for the leader |
|---|---|---|
| 0–10 | Welcome, content note, ground rules, the case in two minutes | Ground rules: notes are written as Tamsin, about Hala; no one is asked about their own family or clients. Sketch the case: Hala (46, bakery, divorce, mother ill in Beirut), Tamsin (27, trainee, placement ends May 9, eldest daughter of a depressed mother), supervisor Beatriz. |
| 10–25 | Episode 1 in discussion mode: the opening scene | Read the context and Hala's request to skip the papers aloud. Vote, reveal, and follow the group's choice to the end of the consent scenes. Then ask: *which of these three answers will still matter in April?* Show how episode 5 opens after each path (see preparation, step 2). |
| 25–45 | Small groups of three or four: compare case summaries | Each group picks one thread (consent, transference, countertransference, boundaries or ending) and traces it through their summaries: where did an early decision change a later scene? Each student reads one progress note aloud; the group checks it against the note standards (describes, marks hypotheses, keeps the counselor's history out of the client's record). |
| 45–50 | Break | |
| 50–70 | Role-play: supervision after the long Tuesday (episode 3) | Groups of three: Tamsin, Beatriz, an observer. Round one (7 minutes): Tamsin gives the *tidy version*; Beatriz asks the scripted question. Round two (7 minutes): swap roles; Tamsin brings the whole story using the four parts (reaction, behavior, source, help needed). Observers note what changed. Keep 6 minutes for the observers' reports. See the role-play guidance. |
| 70–80 | Whole-group discussion: questions 2 and 4 | Listen for the meeting point of the two patterns (Hala looks after people; Tamsin was raised to) and for a transfer Hala can actually use. |
| 80–85 | De-roling and check-in | Everyone who played a role de-roles (see below). Ask the room how the conference went, not how the case felt personally. |
| 85–90 | Close | One sentence each, on paper: *the decision in this case I would most want to make differently, and why.* Point to the graded reflection, which asks for a conceptualization of the same case. |
""")

md("""
## Role-play guidance

The role-play uses the supervision scene of episode 3. Students speak as Tamsin and Beatriz, never as
themselves, and Tamsin's history is the one the case gives (the eldest daughter of a mother with
depression); no student adds their own.

**Script.** Beatriz: "I listened to Tuesday's recording. Tell me about Hala." (If the group chose the
no-recording path in episode 1: "We don't have recordings of Hala's sessions, so I only know what you
tell me.") Tamsin, round one: the tidy version (the crisis, the empathy, the plan). Beatriz: "You sound
very composed about a session where your client cried for the first time. What did she stir in you?"
Tamsin, round two: the reaction, what it led her to do, where it comes from, and what help she needs.

- **Stepping out and back in.** Agree on a signal before starting (a raised hand, or the word *pause*).
  Anyone, in any role, can use it at any time without explaining. The leader can also call it. To return,
  the group re-reads the last scripted line and continues, or swaps roles.
- **Playing Beatriz.** The supervisor's job is curiosity, not judgment. If a student playing Beatriz turns
  critical, pause and ask the observer what a trainee would need to hear in order to say more.
- **Voicing Hala.** She is not in this scene. If a group wants to read one of her lines from an episode,
  read it as scripted, without an accent or improvised details about her culture or faith.
- **De-roling (one to two minutes).** At the end, each student says their own name, one thing about their
  day unrelated to the scene, and one sentence about what they noticed *as a learner* (not as Tamsin or
  Beatriz). Physically change seats if the room allows.
- **If something lands hard.** Caring for a parent and crying clients can touch personal material. Thank the
  student, keep the room's focus on the skill, and offer a private word afterward.
- **Support contacts for this program** (fill in before the session, with the table at the end of this
  guide): counseling center for students ____________________; program advisor or clinical coordinator
  ____________________; out-of-hours line ____________________.
""")

md("""
## Running the episodes in discussion mode

Discussion mode shows each scene with every choice lettered and keeps the feedback hidden until you press
**Reveal consequences**; then each choice's feedback appears with a **Follow** button. The box above a
later episode lists what it carries in from the episodes played on this computer.
""")

md("""
### The projector view, votes and handouts

The episodes below carry what earlier episodes set, so they run in discussion mode. To project an
episode on its own (without what earlier episodes carried in), run, for example,
`play("capstone/the-first-hour", mode="projector")` (after `from course import play`): large type,
clicker keys (PageDown = next, PageUp = back, Enter = follow the room's choice), vote counts you type
in (or students' anonymous votes from `notebooks/vote.ipynb` on a shared server), a staged reveal
(the room's choice first, then the others one at a time) and, at the ending, the map with the
class's path. Printable handouts for this module (case summaries, scenes and choices without
feedback, triad line cards with an observer checklist, the discussion questions) and a facilitator
copy with the feedback: run `course handouts capstone` in a terminal. See `docs/seminar-leaders.md`.
""")

md("""
### Episode 1 · The first hour (intake and informed consent)
""")

code("""
play_episode("capstone/the-first-hour", mode="discussion")
""")

md("""
### Episode 5 · The last weeks (rerun this cell after playing episode 1 along a different path)
""")

code("""
play_episode("capstone/the-last-weeks", mode="discussion")
""")

md("""
## Discussion questions, with what a strong answer touches

**1. Hala asks to skip the papers. What must Tamsin still say in the first hour, and what can wait?**
A strong answer touches: trainee status and the supervisor's name; recording explained (who listens, where
it is kept, that she may decline); the limits of confidentiality; the end date of the placement; the
social media policy (ACA Code of Ethics, 2014, H.6.b); consent as a process, with questions invited and
the rest taken home; and why the end date matters more in April than in September.

**2. Where do Hala's transference and Tamsin's countertransference meet, and what does each meeting
point ask of Tamsin?**
A strong answer touches: Hala looks after people (so as not to be a burden, and to hold on to them);
Tamsin was raised to look after a parent; they meet at the gift, the question about Tamsin's mother, the
crying session and the phone number, the bakery and the cake; at each, noticing the pattern, keeping the
frame warmly, and bringing the whole of it to supervision; a working hypothesis offered in Hala's words.

**3. The follow request comes from the bakery's account, not Hala's. Does that change anything?**
A strong answer touches: the connection is to Tamsin's personal account, so her life becomes visible and a
channel opens beside the counseling (ACA A.5.e, H.6.a; NASW 1.06(h); BACP 33(c)); not answering is half
of it, talking it through in session is the other half; documentation and consultation; the Lazarus and
Zur dissent and where the mainstream draws the line.

**4. The placement ends on May 9 whatever Hala needs. What makes the ending good anyway?**
A strong answer touches: the ending was named at intake (or, if not, owned plainly now); pretermination
work (feelings, review, plan) under ACA A.11.c and APA 10.10(c); a transfer she can use (consent to share,
a joint session) and continuity under NASW 1.15; closing private channels with her; no promise of coffee
or friendship (APA 3.05(a)); no code sets a waiting period for friendship (ACA A.6.e asks about harm).

**5. Read one progress note aloud. Would a colleague be able to take over the case from it?**
A strong answer touches: what happened, described rather than interpreted; hypotheses marked as such;
consent, gifts, contacts and safety checks recorded; the counselor's personal history kept in supervision
notes, not in the client's record; a plan.
""")

md("""
## Common student misconceptions

| Misconception | What to say instead |
|---|---|
| "Consent is the form; once it is signed, it is done." | Consent is a conversation that starts at intake and continues. A signature on unread pages is not informed consent. |
| "Telling clients I'm a trainee will make them trust me less." | Clients are entitled to know who treats them and who supervises; the codes ask for it. Trust built on an omission breaks when the omission surfaces. |
| "Accepting any gift is a boundary violation." | Small, shareable gifts can be fine within policy; weigh value, timing, meaning and culture, and talk about the gift. |
| "Naming the transference means telling the client what it is." | Offer a tentative hypothesis in the client's words; a verdict in jargon closes the moment. |
| "Giving a client my number in a crisis is the caring thing to do." | A plan the clinic can hold (after-hours line, an extra session) cares for the client better than availability a trainee cannot keep. |
| "Supervision is for case facts; my own history is private." | How much personal history to share is the trainee's choice; the reaction and what it led to belong in supervision. |
| "A business account isn't personal, so following it is fine." | The connection is made from a personal account; it makes the counselor's life visible and opens a second channel. |
| "If I like the client, we can be friends after the placement ends." | A promise of a future relationship is part of the relationship now (APA 3.05(a)), and no code sets a waiting period for friendship. |
""")

md("""
## After the session

- The graded assignment for this module (`m6_capstone`) asks for a case conceptualization of the same
  case and has structured items on the episodes; its written answer is about Tamsin and Hala, never
  about students' own histories.
- Case summaries are the students' own work, saved on their computers; collect them only if your program
  asks for them, and treat them as coursework, not as clinical records.
""")

md("""
## Stepping out, and coming back

Say this at the start of every session, not only when a content note applies:

1. **Anyone may step out at any time, without explaining.** Agree a low-key signal (leaving is
   enough) and where to go (a quiet room or the corridor). In a role-play, "pause" stops the round
   for everyone.
2. **One check-in, offered, not imposed.** After a few minutes a co-facilitator or the leader may
   look in once and ask whether the student would like company or to be left alone. In a room
   with no second adult, the leader checks in at the next break instead.
3. **Coming back is easy.** Keep the current activity written on the board, so a returning student
   can rejoin without asking what they missed; in a triad, the group re-reads the last line and
   goes on. Do not draw attention to the return.
4. **Afterwards.** Offer a brief private conversation after the session, and make sure everyone has
   the support contacts below. Do not ask what prompted the step-out.
""")

md("""
## De-roling (2 to 3 minutes, at the end of any triad, role-play or voiced vignette)

A role can leave feelings attached to a character. Before the group moves on:

1. Everyone who voiced a client, counselor or supervisor stands up or changes seats.
2. Each says, aloud: "I am not (the character's name). I am (own name), and after this I am going to
   (something ordinary)."
3. The observer names one thing the counselor did well: a skill, not a verdict on the person.
4. The leader closes the exercise explicitly ("The role-play is over") before the next activity.
""")

md("""
## Support contacts (fill in before the first session)

A parent's stroke far away, a crisis call, a client who was left before, and endings can stir things up. Put your program's contacts here and read them out at the start of the course:

| What | Contact |
|---|---|
| Program or university counseling and wellness service | [name, phone, hours, how to book] |
| After-hours crisis support | [local crisis line; in the United States, the 988 Suicide & Crisis Lifeline: call or text 988] |
| Instructor or program coordinator, for a private conversation | [name, email, office hours] |
| Accessibility or disability services | [name, contact] |
| Reporting a concern about the seminar itself | [program's procedure] |
""")

nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python"}
for i, c in enumerate(nb.cells):
    c.id = f"capstone-guide-{i:02d}"
nbformat.validate(nb)
nbformat.write(nb, str(REPO / "notebooks" / "facilitator" / "06_capstone_guide.ipynb"))
print("wrote notebooks/facilitator/06_capstone_guide.ipynb")
