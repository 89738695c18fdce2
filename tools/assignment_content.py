"""Content of the five graded assignments: prompts, options, answers and model answers.

Instructor material (it holds the answers): never release it. tools/build_assignments.py turns it
into grading/source/<a>/<a>.ipynb and grading/rubrics/items/<a>.yml.
"""

CATS4 = ["transference", "countertransference", "boundary crossing", "boundary violation"]

ASSIGNMENTS = {
"m1_frame": dict(
    module="frame", number=1, title="The frame: why the therapeutic relationship is not a friendship",
    question="frame.why-not-friends",
    model=(
        "Jordan can first receive the request warmly, because it says something true: Priya has let "
        "herself be known here, which is hard for someone with social anxiety. Jordan might say: \"I'm "
        "really glad you feel known in here, and I can hear how lonely the city has been. I won't meet "
        "you for lunch, and that isn't a judgment of you; it's how I keep this hour yours. Can we talk "
        "about what it was like to ask?\"\n\n"
        "The therapeutic frame protects Priya. The relationship is deliberately asymmetrical: the hour, "
        "the attention and the confidentiality are for her, and Jordan's own needs are met elsewhere. A "
        "friendship is mutual, so it would change the roles, add a dual relationship, and put Jordan's "
        "objectivity and the working alliance at risk. Jordan also holds more power, so Priya could find "
        "it hard to say no later. Jordan's answer fits the codes: the APA Ethical Principles of Psychologists and Code "
        "of Conduct (2002, amended effective June 1, 2010, and January 1, 2017), 3.05(a), treats a second "
        "relationship with a client as unethical when it could impair objectivity or risk exploitation or "
        "harm, and the NASW Code of Ethics (2017, amended 2021), 1.06(c), asks practitioners to avoid dual "
        "relationships that risk exploitation or harm.\n\n"
        "Finally, Jordan can treat the wish as material: what Priya finds here (being understood) is "
        "something counseling can help her build in friendships outside, so the boundary supports her "
        "goals rather than rejecting her."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["asymmetry", "frame"],
             prompt="Why is the counseling relationship deliberately **asymmetrical**?",
             options={"A": "Because the counselor's feelings matter less than the client's as a person.",
                      "B": "So that the time, attention and confidentiality serve the client's concerns, while the counselor's own needs are met elsewhere.",
                      "C": "Because the ethics codes forbid counselors from ever sharing anything personal.",
                      "D": "Because clients could not cope with knowing about the counselor's life."},
             answer="B"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["frame", "informed-consent"],
             prompt="Which of these are part of the **therapeutic frame**? Tick all that apply.",
             options={"A": "The agreed length and time of sessions.",
                      "B": "The fee and how it is paid.",
                      "C": "The limits of confidentiality, explained at the start.",
                      "D": "The counselor's personal phone number for friendly chats between sessions.",
                      "E": "Meeting socially now and then to strengthen rapport."},
             answer=["A", "B", "C"]),
        dict(id="match_4", kind="matching", points=2,
             concepts=["transference", "countertransference", "boundary-crossing", "boundary-violation"],
             prompt="Match each situation to the best description: **transference**, **countertransference**, **boundary crossing** or **boundary violation**.",
             statements={"a": "A client who grew up with a critical father is sure her counselor is disappointed in her, though nothing the counselor has said or done suggests it.",
                         "b": "A counselor notices a knot of dread before sessions with a client whose laugh reminds him of a former partner, although the client has done nothing to provoke it.",
                         "c": "At a client's request, a counselor briefly attends the client's graduation ceremony, after discussing it with the client and with a supervisor and noting it in the record.",
                         "d": "A counselor hires a current client, who is short of money, to renovate the counselor's house at a low rate, and complains about the work during the client's sessions."},
             categories=CATS4,
             answer={"a": "transference", "b": "countertransference", "c": "boundary crossing", "d": "boundary violation"}),
    ]),
"m2_transference": dict(
    module="transference", number=2, title="Transference",
    content_note="Question 1 touches a client's memories of being sent to live with relatives as a child.",
    question="transference.do-you-like-me",
    model=(
        "Alex can start with a brief, honest answer, because silence or a deflection would feel like the "
        "answer Nadia fears: \"Yes, I do like working with you, and I'm glad you asked me straight out.\" "
        "Alex should not explain who the other client was or why they were laughing (that client's "
        "privacy matters too), and should not promise that Nadia is a favourite: comparisons answered on "
        "their own terms only invite the next test.\n\n"
        "Then Alex can get curious about why the question came today: \"I wonder if seeing me in the "
        "hallway with someone else stirred something up. What went through your mind in the waiting "
        "room?\" The hurt of feeling second deserves empathy before any explanation. Her question may "
        "carry transference: Nadia may be experiencing Alex through an old pattern, the child who was "
        "sent to live with her aunt's family, treated kindly but always \"the guest\", watching for signs "
        "that she is less wanted than the others. Alex can offer that link later and tentatively, as a "
        "question she can accept or reject, not as a verdict.\n\n"
        "What is happening between them is useful material. Nadia noticed a hurt and said it directly to "
        "the person involved, perhaps something she could not do as a guest in her aunt's home. If Alex "
        "stays warm and interested rather than defensive, Nadia can test her expectation in the here and "
        "now: she raised a complaint and was not sent away. That experience, and the working alliance it "
        "strengthens, can carry into her worry about her son abroad and her other relationships."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["transference"],
             prompt="Which statement best matches the definition of **transference** used in this course (Gelso & Hayes)?",
             options={"A": "Any feeling a counselor has about a client.",
                      "B": "The client's experience of the counselor, shaped by the client's own psychological structures and past relationships.",
                      "C": "A sign that counseling is failing and the client should be referred.",
                      "D": "Something that only happens in psychoanalysis, not in counseling."},
             answer="B"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["exploration", "here-and-now"],
             prompt="Marcus asks again: \"Do you actually like me?\" Which responses **explore** the question rather than close it? Tick all that apply.",
             options={"A": "\"I notice this question often comes up as we're about to stop. What is it like for you when our time ends?\"",
                      "B": "\"Of course I like you; you're one of my favourite clients.\"",
                      "C": "\"I wonder whether this connects to times you felt you were too much for people.\"",
                      "D": "\"We don't talk about me in here.\"",
                      "E": "\"What would it mean to you if I said yes? And if I said no?\""},
             answer=["A", "C", "E"]),
        dict(id="order_4", kind="ordering", points=2, concepts=["transference", "exploration"],
             prompt="Put these steps for working with a repeated transference question in a sensible **order**. Partial credit is given for each pair of steps in the right relative order.",
             steps={"A": "Explore what the question means to the client right now, in the session.",
                    "B": "Notice your own pull (for example, to reassure quickly) before answering.",
                    "C": "In the following sessions, notice the pattern together each time it returns, as material for the work.",
                    "D": "Acknowledge the question warmly, without brushing it aside.",
                    "E": "Once the pattern is familiar to you both and the client seems ready, tentatively wonder aloud whether it echoes earlier relationships."},
             answer=["B", "D", "A", "C", "E"]),
    ]),
"m3_countertransference": dict(
    module="countertransference", number=3, title="Countertransference",
    content_note="Question 1 touches a counselor's memories of being belittled by an older sibling.",
    question="countertransference.irritation",
    model=(
        "Sam's irritation looks like countertransference: a reaction that fits Sam's history with a "
        "belittling older brother as much as it fits Tyler. The reaction is not a failure; what matters "
        "is how Sam manages it. Research on countertransference management links good management with "
        "better outcomes, and self-insight is one of its core parts.\n\n"
        "Before acting, Sam should take this to supervision or consultation, reflect on the link with "
        "the brother, and separate what belongs to Tyler from what belongs to Sam. Personal therapy may "
        "help if the pattern keeps recurring. Asking for a transfer because Sam dislikes Tyler would "
        "not be sound: the ACA Code of Ethics (2014), A.11.b, rules out referring a client solely "
        "because of the counselor's personally held values, attitudes, beliefs and behaviors, and a "
        "referral should rest on competence or impairment, decided after consultation, not on irritation.\n\n"
        "In session, Sam can repair the rupture: acknowledge the sharp reply without blaming Tyler "
        "(\"Last week I answered you more sharply than I meant to\"), and get curious about Tyler's "
        "dismissiveness, which may be how he protects himself. Used this way, Sam's reaction becomes "
        "information about what others may feel around Tyler, and the working alliance and Tyler's "
        "care are protected. Sam should also document the consultation."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["countertransference-management"],
             prompt="What does the meta-analysis by Hayes, Gelso, Goldberg and Kivlighan (2018) suggest about countertransference?",
             options={"A": "Experienced counselors rarely have countertransference reactions.",
                      "B": "Countertransference reactions were modestly linked with poorer outcomes, and managing them well was linked with better outcomes.",
                      "C": "Telling clients about countertransference reactions reliably improves outcomes.",
                      "D": "How counselors manage their reactions made no measurable difference."},
             answer="B"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["consultation", "countertransference-management", "rupture-repair"],
             prompt="Sam feels strong irritation toward Tyler. Which are **sound next steps**? Tick all that apply.",
             options={"A": "Bring the reaction to supervision or consultation.",
                      "B": "Reflect on how Tyler's tone echoes Sam's older brother.",
                      "C": "Ask the center to move Tyler to another counselor right away, without discussing it, because Sam dislikes him.",
                      "D": "Acknowledge the sharp reply with Tyler when the moment is right, to repair the rupture.",
                      "E": "Hide the feeling and hope it passes on its own."},
             answer=["A", "B", "D"]),
        dict(id="match_4", kind="matching", points=2,
             concepts=["transference", "countertransference", "boundary-crossing", "boundary-violation"],
             prompt="Match each situation to the best description: **transference**, **countertransference**, **boundary crossing** or **boundary violation**.",
             statements={"a": "A counselor feels unusually protective of a young client who resembles her younger brother, and catches herself wanting to rescue him from decisions he is able to make himself.",
                         "b": "The counselor gives two weeks' notice that one session must move and offers another time; the client says angrily that the counselor \"doesn't care, just like everyone else\".",
                         "c": "At their last session, a counselor accepts a small hand-drawn card from a child client, thanks her, and uses it to talk about saying goodbye.",
                         "d": "A counselor begins meeting a current client for drinks after sessions and leans on the client for support with his own problems."},
             categories=CATS4,
             answer={"a": "countertransference", "b": "transference", "c": "boundary crossing", "d": "boundary violation"}),
    ]),
"m4_power": dict(
    module="power", number=4, title="Power and boundaries: crossings, violations and dual relationships",
    content_note="Question 1 touches a client's depression after her husband's stroke.",
    question="power.dual-relationship",
    model=(
        "Robin holds more power in this relationship than Esperanza does, and she is depressed and "
        "grateful, so it may be hard for her to hear a no, or to say one later. The offer has two "
        "different parts.\n\n"
        "Attending the quinceañera briefly could be a boundary crossing, what the ACA Code of Ethics "
        "(2014), A.6.b, calls extending counseling boundaries. If Robin considers it, the safeguards "
        "apply: talk it through with Esperanza first (informed consent about how they will greet each "
        "other, confidentiality in public, and how it might feel afterwards), consult a colleague or "
        "supervisor, and document the reasoning. In a small town some overlap cannot be avoided, so "
        "planning matters more than rules.\n\n"
        "The discount and the cheap roof are different: they create a business relationship, a dual "
        "relationship in which Robin benefits, which risks exploitation and would cloud objectivity. "
        "Robin should decline them. The APA Ethical Principles of Psychologists and Code of Conduct (2002, amended effective June 1, 2010, and January 1, 2017), 3.05(a), treat a multiple "
        "relationship as unethical when it could impair objectivity or risk exploitation or harm.\n\n"
        "Robin can say this warmly: \"I'm touched that you'd want me there, and I'd like to talk about "
        "it together. I can't accept the discount or the work on my house, because I want our time here "
        "to stay only about you.\" Then Robin explores what the invitation, and the celebration itself, mean to her and her family."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["boundary-extension"], codes=["aca-2014-a6b"],
             prompt="A client invites her counselor to her wedding. What does the ACA Code of Ethics (2014), A.6.b, ask of a counselor who decides to extend the usual boundaries in this way?",
             options={"A": "It forbids attending any client event.",
                      "B": "It asks for safeguards such as informed consent, consultation, supervision and documentation.",
                      "C": "It treats the decision as a purely personal choice with no special steps.",
                      "D": "It allows attending only if the counseling has already ended."},
             answer="B"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["dual-relationship", "informed-consent", "documentation"],
             prompt="In a small rural town, a counselor will inevitably meet a client in other roles. Which are sound **safeguards**? Tick all that apply.",
             options={"A": "Agree with the client in advance how you will handle meeting in public.",
                      "B": "Consult a colleague or supervisor about the overlapping roles.",
                      "C": "Document the overlap and your reasoning.",
                      "D": "Accept the client's offer of a discount so as not to offend them.",
                      "E": "End counseling at once, without a referral, to avoid any overlap."},
             answer=["A", "B", "C"]),
        dict(id="order_4", kind="ordering", points=2, concepts=["consultation", "documentation"],
             prompt=("Put these steps of an **ethical decision** in the order of the ACA's *Practitioner's Guide to Ethical "
                     "Decision Making* (Forester-Miller & Davis, 1996), one widely used model. Partial credit is given for each pair of steps in the right relative order."),
             steps={"A": "Consult a colleague or supervisor.",
                    "B": "Choose a course of action, act, and document the decision and the reasoning.",
                    "C": "Identify the problem and who could be affected.",
                    "D": "Generate options and weigh the likely consequences of each for everyone involved.",
                    "E": "Look up what the relevant ethics codes and laws say."},
             answer=["C", "E", "A", "D", "B"]),
    ]),
"m5_termination": dict(
    module="termination", number=5, title="Termination",
    content_note=("This assignment touches grief and loss at the end of counseling, and the ethics codes' rules "
                  "on romantic or sexual relationships with former clients."),
    question="termination.friends-after",
    model=(
        "Casey can first honor what Daniel is saying: the ending is real, and missing the work is a "
        "natural part of grief and loss at termination. Casey might say: \"I'll miss our work too, and "
        "I'm glad it mattered this much. I won't become friends with you after we finish, and I want to tell you why, "
        "because it's not about you.\"\n\n"
        "Daniel is partly right that no rule sets a waiting period for friendship. The ACA Code of "
        "Ethics (2014), A.6.e, asks counselors to avoid nonprofessional relationships with former "
        "clients when they could be harmful, and names no period. The five-year bar in A.5.c applies to "
        "romantic or sexual relationships, not friendship. So the question is harm. The power "
        "differential does not vanish on the last day: Casey knows Daniel's vulnerabilities and he knows "
        "little of Casey's. A friendship would also close the door to returning to counseling with Casey "
        "if panic comes back, which is a real loss for him.\n\n"
        "To end well, Casey can review Daniel's progress and what he did to achieve it, plan for warning "
        "signs and resources, make clear that he is welcome to come back, and say goodbye warmly, so the "
        "termination itself is a good experience of an ending."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["post-termination-relationship"], codes=["aca-2014-a6e"],
             prompt="Under the ACA Code of Ethics (2014), what applies to a **friendship** with a former client?",
             options={"A": "It is allowed once two years have passed since the last session.",
                      "B": "It is barred for five years after the last professional contact.",
                      "C": "No waiting period is set; counselors avoid nonprofessional relationships with former clients when they could be harmful (A.6.e).",
                      "D": "It is always acceptable once counseling has ended."},
             answer="C"),
        dict(id="match_3", kind="matching", points=2, concepts=["post-termination-relationship"],
             codes=["aca-2014-a5c", "apa-2017-1008a", "apa-2017-1008b", "nasw-2021-109c", "bacp-2018-37"],
             prompt=("Codes differ on **sexual or romantic relationships with former clients**. Match each rule to its code: "
                     "**ACA** (Code of Ethics, 2014), **APA** (Ethical Principles, 2002, amended 2010 and 2017), **NASW** (Code of Ethics, 2017, amended 2021) or **BACP** (Ethical Framework, 2018)."),
             statements={"a": "Barred for five years after the last professional contact; after that, only with documented forethought about possible exploitation or harm.",
                         "b": "Not for at least two years after therapy ends, and even then only in the most unusual circumstances, with the practitioner bearing the burden.",
                         "c": "Sexual contact with former clients is prohibited; no period is set, and any claim of extraordinary circumstances puts the full burden on the practitioner.",
                         "d": "No fixed interval; exceptionally possible only after supervision and consultation, when enough time has passed and the therapeutic dynamics are resolved."},
             categories=["ACA", "APA", "NASW", "BACP"],
             answer={"a": "ACA", "b": "APA", "c": "NASW", "d": "BACP"}),
        dict(id="order_4", kind="ordering", points=2, concepts=["termination-process"],
             prompt="Put these parts of a **planned termination** in a sensible order. Partial credit is given for each pair of steps in the right relative order.",
             steps={"A": "Over the remaining sessions, review progress with the client, what helped, and how the client feels about ending.",
                    "B": "In the last session, say goodbye and make clear how the client could return.",
                    "C": "Raise the ending well before the last session, so there is time to work with it.",
                    "D": "Building on that review, plan together for afterwards: warning signs, resources and any referral needed."},
             answer=["C", "A", "D", "B"]),
    ]),
}
