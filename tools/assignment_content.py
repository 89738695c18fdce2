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
             options={"A": "So that the time, attention and confidentiality serve the client, whose needs organize the hour, while the counselor's needs are met elsewhere.",
                      "B": "Because the ethics codes forbid counselors from ever sharing anything personal, and breaking that rule could cost them their license.",
                      "C": "Because the counselor's feelings matter less than the client's as a person, and a professional's role is to set them aside entirely.",
                      "D": "Because clients could not cope with knowing about the counselor's life, and would start worrying about the counselor instead of working on themselves."},
             answer="A"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["frame", "informed-consent"],
             prompt="Which of these are part of the **therapeutic frame**? Tick all that apply.",
             options={"A": "The agreed length and time of sessions.",
                      "B": "The fee and how it is paid.",
                      "C": "The limits of confidentiality, explained at the start.",
                      "D": "The counselor's personal phone number for friendly chats between sessions.",
                      "E": "Meeting socially now and then to strengthen rapport."},
             answer=["A", "B", "C"]),
        dict(id="match_4", kind="matching", points=2,
             concepts=["boundary-crossing", "boundary-violation", "frame"],
             prompt=("Match each situation to the best description: **within the usual frame**, **boundary crossing** "
                     "(a departure from the usual frame that is harmless or helpful in context) or **boundary violation** "
                     "(a departure that exploits or harms the client). One description is used twice."),
             statements={"a": "A counselor ends each session on time, even when a client is in the middle of a story, and offers to pick the story up at the start of the next session.",
                         "b": "At a client's request, a counselor briefly attends the client's graduation ceremony, after discussing it with the client and with a supervisor and noting it in the record.",
                         "c": "A counselor hires a current client, who is short of money, to renovate the counselor's house at a low rate, and complains about the work during the client's sessions.",
                         "d": "A counselor starts dating the adult sister of a current client, and asks the client not to mention it in sessions."},
             categories=["within the usual frame", "boundary crossing", "boundary violation"],
             answer={"a": "within the usual frame", "b": "boundary crossing", "c": "boundary violation", "d": "boundary violation"}),
        dict(id="choice_5", kind="single", points=1, concepts=["working-alliance"],
             prompt=("A meta-analysis of 295 studies (Flückiger, Del Re, Wampold & Horvath, 2018) found a correlation of about "
                     "r = .28 between the **working alliance** and outcome. Which reading of that finding is accurate?"),
             options={"A": "The alliance accounts for about 28% of the differences in outcome between clients, which makes it the largest single cause of improvement in counseling.",
                      "B": "Because it pools so many studies, the finding proves that a warm, friendly bond causes clients to improve, whatever the goals and tasks.",
                      "C": "Alliance and outcome share roughly 8% of their variance: a robust, modest link that does not by itself show the alliance causes improvement.",
                      "D": "A correlation of .28 is too small to matter in practice, so monitoring the alliance is optional once the goals are agreed."},
             answer="C"),
        dict(id="choice_6", kind="single", points=1, concepts=["self-disclosure", "asymmetry"],
             prompt=("A client in early recovery asks, \"Have you ever been to a meeting yourself?\" You are in long-term recovery. "
                     "Which approach best fits the guidance on **self-disclosure**?"),
             options={"A": "Tell the story of your own recovery in some detail, because seeing that change is possible is what this client needs most right now.",
                      "B": "Decline on principle, since any personal disclosure breaks the frame, and move straight on to the relapse-prevention plan you had prepared.",
                      "C": "Say yes, and offer to go to a meeting together some time, because shared experience builds trust faster than anything said in the office.",
                      "D": "Decide whether a brief answer would serve the client's work; if so, answer in a sentence and turn to what the question means to them."},
             answer="D"),
        dict(id="multi_7", kind="multiple", points=2, concepts=["dual-relationship", "boundary-crossing", "informed-consent"],
             codes=["apa-2017-305a", "aca-2014-a6b"],
             prompt=("About **small communities** and the **debate over boundaries**: which statements are accurate? "
                     "Tick all that apply."),
             options={"A": "“Boundary extension” is the term Lazarus and Zur coined for helpful crossings.",
                      "B": "Lazarus and Zur argue that rigidly avoiding every dual relationship can itself harm clients.",
                      "C": "APA 3.05(a) says a multiple relationship that would not reasonably be expected to cause impairment, exploitation or harm is not unethical.",
                      "D": "In a small town the safest course is to refer every client you might meet socially to a counselor in another town.",
                      "E": "Talking about chance meetings at intake, and letting the client decide whether to greet you in public, is a sound safeguard."},
             answer=["B", "C", "E"]),
    ]),
"m2_transference": dict(
    module="transference", number=2, title="Transference",
    content_note="Question 1 touches a client's memories of a father who had little time for him.",
    question="transference.do-you-like-me",
    model=(
        "Marcus's repeated question looks like transference: he may be experiencing Alex through an "
        "old pattern, the father who was too busy for him, and expecting to be too much for people. "
        "Alex could notice the pull to reassure quickly, but a quick \"Of course I like you\" would close "
        "the question without understanding it, and it would have to be repeated next week.\n\n"
        "Instead Alex can validate the feeling and explore it in the here and now: \"It sounds like it "
        "matters a lot whether I'm tired of you. I notice this comes up as we're about to stop. What "
        "happens for you when our time ends?\" Later, tentatively and when Marcus seems ready, Alex could "
        "wonder aloud whether this connects to waiting for his father and feeling he was not worth the "
        "time, offering it as a working hypothesis rather than an interpretation handed down.\n\n"
        "Some honest warmth is fine, for example saying that Alex values their work, but the aim is "
        "exploration rather than reassurance. The pattern between them is useful material: if Marcus can "
        "experience a relationship where his fear is spoken about and he is not dropped, that corrective "
        "experience, and the working alliance it strengthens, can carry into his life outside."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["transference"],
             prompt="Which statement best matches the definition of **transference** used in this course (Gelso & Hayes)?",
             options={"A": "Any feeling a counselor has about a client, whether or not it draws on the counselor's own history.",
                      "B": "A sign that counseling is failing and that the client should be referred to someone more experienced.",
                      "C": "Something that happens only in psychoanalysis, where the couch and long silences invite it, and not in ordinary counseling.",
                      "D": "The client's experience of the counselor, shaped by the client's own psychological structures and past relationships."},
             answer="D"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["exploration", "here-and-now"],
             prompt="A client who has asked before asks again: \"Do you actually like me?\" Which responses **explore** the question rather than close it? Tick all that apply.",
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
        dict(id="match_5", kind="matching", points=2,
             concepts=["parental-transference", "idealizing-transference", "erotic-transference", "negative-transference"],
             prompt=("Match each client to the **form of transference** their words and behavior most suggest: **parental**, "
                     "**idealizing**, **romantic or erotic** or **negative**. In each case the counselor has done nothing to "
                     "prompt the reaction."),
             statements={"a": "A client raised by a harsh, controlling stepfather hears each of the counselor's tentative suggestions as an order and answers with sarcasm.",
                         "b": "A client whose mother was too depressed to notice him lights up whenever the counselor remembers a small detail, and dreads the counselor's vacations for weeks.",
                         "c": "A client tells the counselor she is the only person who has ever truly understood anything, and is mortified at the thought of disappointing her.",
                         "d": "After months of work, a client admits that he daydreams about the counselor and wishes they had met some other way."},
             categories=["parental", "idealizing", "romantic or erotic", "negative"],
             answer={"a": "negative", "b": "parental", "c": "idealizing", "d": "romantic or erotic"}),
        dict(id="choice_6", kind="single", points=1, concepts=["erotic-transference", "frame", "exploration"],
             codes=["aca-2014-a5a"],
             prompt=("In the ninth session a client says she has fallen for her counselor and asks whether the counselor feels the "
                     "same. Which first response fits mainstream practice and the ethics codes?"),
             options={"A": "Thank her for saying it, say plainly that the relationship will stay a counseling one, and invite her to explore the feelings.",
                      "B": "Tell her the topic cannot be discussed, and that if the feelings continue she will have to see another counselor, for her own protection and her counselor's.",
                      "C": "Say that you care about her too and that nobody knows what could happen once the work is over, so she does not feel rejected today.",
                      "D": "Say nothing about it and steer back to her goals, so the feelings can fade quietly without either of you being embarrassed by them later."},
             answer="A"),
        dict(id="multi_7", kind="multiple", points=2, concepts=["cultural-humility", "real-relationship", "rupture-repair"],
             prompt=("Mrs. Okafor, a nurse who moved from Lagos twelve years ago, tells her counselor sharply that he keeps using her "
                     "first name without asking, \"like the managers at the hospital do.\" Before he wonders about transference, "
                     "what should he do? Tick all that apply."),
             options={"A": "Treat the anger as a negative transference toward an authority figure from her past, and interpret it gently.",
                      "B": "Check whether she is right about what he did, and acknowledge it plainly if she is.",
                      "C": "Reassure her that he treats every client exactly the same, so that she does not feel singled out.",
                      "D": "Ask how she would like to be addressed, and use that from now on.",
                      "E": "Consider what her experience at work, as an immigrant nurse addressed that way by managers, tells him about her reaction."},
             answer=["B", "D", "E"]),
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
