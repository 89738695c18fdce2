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
        "not be sound: Tyler's welfare comes first, an unprepared transfer risks the abandonment the ACA "
        "Code of Ethics (2014), A.12, warns against, and irritation like this is usually workable once "
        "understood. (A.11.b, often quoted here, is narrower: it bars referral based solely on the "
        "counselor's personal values, and dislike is not a value.) A referral should rest on competence "
        "or impairment, decided after consultation, not on irritation.\n\n"
        "In session, Sam can repair the rupture: acknowledge the sharp reply without blaming Tyler "
        "(\"Last week I answered you more sharply than I meant to\"), and get curious about Tyler's "
        "dismissiveness, which may be how he protects himself. Used this way, Sam's reaction becomes "
        "information about what others may feel around Tyler, and the working alliance and Tyler's "
        "care are protected. Sam should also document the consultation."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["countertransference-management"],
             prompt="What did the meta-analysis by Hayes, Gelso, Goldberg and Kivlighan (2018) find about countertransference?",
             options={"A": "Reactions were unrelated to outcome, so managing them matters for the counselor's comfort but not for the client's progress.",
                      "B": "Experienced counselors rarely had reactions at all, which is why outcomes improve steadily with years of practice.",
                      "C": "Reactions were modestly linked with poorer outcomes, and better management went with fewer reactions and better outcomes.",
                      "D": "Telling clients about one's reactions was the strongest predictor of good outcome among the factors it studied."},
             answer="C"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["consultation", "countertransference-management", "rupture-repair"],
             prompt="Sam feels strong irritation toward Tyler. Which are **sound next steps**? Tick all that apply.",
             options={"A": "Ask the center to move Tyler to another counselor straight away, without discussing it, because Sam dislikes him.",
                      "B": "Bring the reaction, and the sharp reply it led to, to supervision before deciding anything.",
                      "C": "Keep the irritation private and hope it fades, since feelings about clients are unprofessional.",
                      "D": "Reflect on how Tyler's tone echoes Sam's older brother.",
                      "E": "Acknowledge the sharp reply with Tyler when the moment is right, to repair the rupture."},
             answer=["B", "D", "E"]),
        dict(id="match_4", kind="matching", points=2,
             concepts=["countertransference", "parallel-process"],
             prompt="Match each statement to the idea it describes: the **classical view**, the **totalistic view** or the **integrative view** of countertransference, or **parallel process**.",
             statements={"a": "Every feeling the counselor has in a session, including ordinary ones, belongs to the work and can help in understanding the client.",
                         "b": "A trainee brings his supervisor a polished case summary and leaves out the messy part, much as his client brings him polished drafts.",
                         "c": "The counselor's reactions rooted in her own unresolved conflicts, which can help or harm depending on how she manages them.",
                         "d": "The analyst's unconscious conflicts intruding on the treatment, an obstacle to be reduced through his own analysis."},
             categories=["classical view", "totalistic view", "integrative view", "parallel process"],
             answer={"a": "totalistic view", "b": "parallel process", "c": "integrative view", "d": "classical view"}),
        dict(id="choice_5", kind="single", points=1, concepts=["referral", "values-imposition"], codes=["aca-2014-a11b"],
             prompt="A counselor disapproves of a client's decision on religious grounds and is thinking of referring the client elsewhere. What does the ACA Code of Ethics (2014), A.11.b, say?",
             options={"A": "A referral on value grounds is expected, so that the client is never served by a counselor who privately disapproves of how they live.",
                      "B": "A referral on value grounds is allowed as long as the client receives three names and a written reason.",
                      "C": "The section covers only end-of-life decisions and does not apply to other value conflicts in counseling.",
                      "D": "Counselors do not refer clients away based solely on their own personally held values, attitudes, beliefs and behaviors."},
             answer="D"),
        dict(id="multi_6", kind="multiple", points=2, concepts=["self-care"], codes=["aca-2014-c2g", "apa-2017-206b"],
             prompt=("Which of these are signs that a counselor's own state may be approaching **impairment**, so that the ACA Code of Ethics (2014), C.2.g, "
                     "and the APA Ethical Principles of Psychologists and Code of Conduct (2002, amended effective June 1, 2010, and January 1, 2017), 2.06(b), "
                     "call for consultation and possibly limiting the work? Tick all that apply."),
             options={"A": "Feeling irritated by one particular client every now and then.",
                      "B": "Ending sessions early with several clients and dreading the working day.",
                      "C": "Having strong feelings about a client's story after a hard session.",
                      "D": "Not returning clients' calls after missed appointments because of exhaustion.",
                      "E": "Weeks of short sleep from caring for a parent, with less patience in sessions."},
             answer=["B", "D", "E"]),
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
        dict(id="choice_2", kind="single", points=1, concepts=["dual-relationship", "post-termination-relationship"],
             prompt="Which statement about **state licensing rules** and the professional ethics codes is accurate?",
             options={"A": "Where a state rule and a professional code differ, the counselor may follow whichever standard fits the client's situation better, provided the reasoning is documented.",
                      "B": "State licensing boards enforce the professional associations' codes as written, so a state rule can never be stricter than the code of the counselor's own profession.",
                      "C": "State rules concern only criminal conduct such as fraud; relationships with clients and former clients are left entirely to the professions' own codes.",
                      "D": "State rules can be stricter than the codes; Texas, for example, bars counselors from non-therapeutic relationships with former clients for two years."},
             answer="D"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["community-overlap", "social-media", "informed-consent", "documentation"],
             codes=["nasw-2021-106c", "aamft-2015-13", "aca-2014-h6b", "nasw-2021-106h"],
             prompt=("You are the only counselor in a small community who shares your clients' language, and you meet clients in "
                     "many settings, in person and online. Which are **sound practices**? Tick all that apply."),
             options={"A": "When a family member asks whether someone is your client, confirm it privately so they can avoid awkward questions, and ask them to keep it to themselves.",
                      "B": "Agree with each client at intake how you will respond if you meet in public, and follow the client's lead.",
                      "C": "Cover social media and after-hours contact in informed consent, including where to turn in a crisis.",
                      "D": "Consult, document the overlap and your precautions, and revisit with the client whether it is still workable.",
                      "E": "Accept clients' friend requests but keep the connection passive, since refusing could feel like rejection in a community this small."},
             answer=["B", "C", "D"]),
        dict(id="order_4", kind="ordering", points=2, concepts=["ethical-decision-model", "consultation", "documentation"],
             prompt=("Put these steps of the **decision sequence taught in this module** in order, for a counselor deciding whether "
                     "to step beyond the usual frame (for example, by attending a client's family celebration). Partial credit is "
                     "given for each pair of steps in the right relative order."),
             steps={"A": "Consult a supervisor or a trusted colleague, and note that you did.",
                    "B": "Record the reasoning and the plan, and review afterwards how the step landed.",
                    "C": "Name the step and whose need it serves, and ask whether the extra role is avoidable.",
                    "D": "Talk it through with the client: what the step will and will not involve, and that they can change their mind.",
                    "E": "Check the relevant ethics code, your agency's policy and your state's licensing rules.",
                    "F": "Weigh the likely harm and benefit for this client, given their history, culture and power to say no."},
             answer=["C", "E", "F", "A", "D", "B"]),
        dict(id="match_5", kind="matching", points=2,
             concepts=["boundary-extension", "community-overlap", "dual-relationship", "training-relationships"],
             codes=["aca-2014-f10a", "aca-2014-a6b", "nasw-2021-106c", "aca-2014-a10e"],
             prompt=("Match each situation to how the codes treat it: **prohibited** (ruled out whatever the circumstances), "
                     "**extension** (a one-time crossing, extended with safeguards), **overlap** (unavoidable contact, to be managed) "
                     "or **second role** (a chosen dual relationship that risks exploitation)."),
             statements={"a": "A counselor educator begins dating a student who is currently enrolled in the program where she teaches.",
                         "b": "After discussing it with the client and a supervisor, a counselor attends a client's graduation for half an hour and notes it in the record.",
                         "c": "The only signing counselor in the region sees a Deaf client at the community center's annual fundraiser.",
                         "d": "A counselor suggests that a current client, a builder, pay for sessions by renovating the counselor's kitchen, to be settled informally."},
             categories=["prohibited", "extension", "overlap", "second role"],
             answer={"a": "prohibited", "b": "extension", "c": "overlap", "d": "second role"}),
        dict(id="choice_6", kind="single", points=1, concepts=["slippery-slope", "boundary-crossing"],
             prompt=("A colleague says: \"Lazarus and Zur showed that the slippery slope is a myth, so I judge each "
                     "boundary crossing on its own and never think about patterns.\" Which reply weighs the debate "
                     "as this module does?"),
             options={"A": "Your colleague is right: because the slope argument reasons backwards from cases of violation, the field has set it aside, and each crossing is now a separate decision that owes nothing to the ones before it.",
                      "B": "Your colleague is wrong: the studies of violations show that most boundary crossings lead to harm sooner or later, so the safest course for any counselor, and above all a trainee, is to avoid every one of them.",
                      "C": "Both sides hold part of the truth: most crossings never lead to harm, yet many violations grew out of small steps, so judge each crossing and also watch the direction of a series of them.",
                      "D": "The debate matters only for sexual boundaries; on gifts, touch, self-disclosure and contact outside the office the codes have already settled every question, so a counselor can look up the rule and follow it."},
             answer="C"),
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
        "Daniel is partly right: no major ethics code sets a waiting period for friendship, though "
        "some state rules do (Texas, for counselors). The ACA Code of Ethics (2014), A.6.e, asks counselors to avoid nonprofessional relationships with former "
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
             options={"A": "It becomes acceptable once two full years have passed since the last session, provided that the former client is the one who suggests it.",
                      "B": "It is barred for five years after the last professional contact, the same period the code sets for romantic relationships.",
                      "C": "No waiting period is set; counselors avoid nonprofessional relationships with former clients when they could be harmful (A.6.e).",
                      "D": "It is always acceptable once counseling has ended, because the code's duties about relationships apply only to current clients."},
             answer="C"),
        dict(id="match_3", kind="matching", points=2, concepts=["post-termination-relationship"],
             codes=["aca-2014-a5c", "apa-2017-1008a", "apa-2017-1008b", "nasw-2021-109c", "bacp-2018-37"],
             prompt=("Codes differ on **sexual or romantic relationships with former clients**. Match each rule to its code: "
                     "**ACA** (Code of Ethics, 2014), **APA** (Ethical Principles of Psychologists and Code of Conduct, 2002, amended effective June 1, 2010, and January 1, 2017), "
                     "**NASW** (Code of Ethics, 2017, amended 2021) or **BACP** (Ethical Framework, 2018)."),
             statements={"a": "Sexual contact with former clients is prohibited; no period is set, and any claim of extraordinary circumstances puts the full burden on the practitioner.",
                         "b": "No fixed interval; exceptionally possible only after supervision and consultation, when enough time has passed and the therapeutic dynamics are resolved.",
                         "c": "Barred for five years after the last professional contact; after that, only with documented forethought about possible exploitation or harm.",
                         "d": "Not for at least two years after therapy ends, and even then only in the most unusual circumstances, with the practitioner bearing the burden."},
             categories=["ACA", "APA", "NASW", "BACP"],
             answer={"a": "NASW", "b": "BACP", "c": "ACA", "d": "APA"}),
        dict(id="order_4", kind="ordering", points=2, concepts=["termination-process", "relapse-planning"],
             prompt="Put these parts of a **planned termination** in a sensible order. Partial credit is given for each pair of steps in the right relative order.",
             steps={"A": "Over the remaining sessions, review progress with the client, what helped, and how the client feels about ending.",
                    "B": "In the last session, say goodbye and make clear how the client could return.",
                    "C": "Raise the ending well before the last session, so there is time to work with it.",
                    "D": "Building on that review, plan together for afterwards: warning signs, resources and any referral needed."},
             answer=["C", "A", "D", "B"]),
        dict(id="choice_5", kind="single", points=1, concepts=["pretermination-counseling", "transfer-of-services", "abandonment"],
             codes=["aca-2014-a11c", "aca-2014-a12"],
             prompt=("Wren, a counseling intern at a rural community agency, finishes the internship in six weeks. Wren's client "
                     "Yusuf, 44, is midway through treatment for nightmares and panic after a workplace accident, and has said that he "
                     "\"hates starting over.\" Which plan best fits the ACA Code of Ethics (2014), A.11.c and A.12?"),
             options={"A": "Tell Yusuf next session that the internship ends in six weeks and why, explore his reaction, and with his consent have his next counselor join a late session.",
                      "B": "Because Yusuf hates starting over, wait until the final session to tell him, when it can least disrupt the work still left, and give him the agency's intake number then.",
                      "C": "Offer to keep seeing Yusuf privately by phone after the internship ends, free of charge and outside the agency, so that he never has to start over with someone new.",
                      "D": "Ask the agency to close Yusuf's file on the intern's last day, since clients seen by a trainee are the agency's responsibility and not the intern's to arrange."},
             answer="A"),
        dict(id="multi_6", kind="multiple", points=2, concepts=["professional-will", "abandonment"],
             codes=["aca-2014-c2h", "aca-2014-b6i", "apa-2017-312"],
             prompt=("Vera, a counselor in solo private practice, is suddenly hospitalized for a month. Which arrangements, **made in advance**, "
                     "would meet the ACA Code of Ethics (2014), C.2.h and B.6.i? Tick all that apply."),
             options={"A": "Her spouse, who knows her passwords, phones each client to explain her diagnosis and says she will be in touch when she is better.",
                      "B": "A written plan naming a colleague who has agreed to contact her clients and arrange continuing care, and who can reach her schedule.",
                      "C": "An outgoing voicemail message, recorded years ago, asking clients to wait for her return and to call 911 in an emergency.",
                      "D": "A sentence in her informed-consent form telling clients that a named colleague would contact them if she could not.",
                      "E": "A records custodian, named in the plan, who knows where the records are kept and how to protect and release them."},
             answer=["B", "D", "E"]),
        dict(id="choice_7", kind="single", points=1, concepts=["dropout"],
             prompt="Which statement about Swift and Greenberg's (2012) meta-analysis of **dropout** from psychotherapy is accurate?",
             options={"A": "About half of all clients dropped out, in every setting studied, so dropout is best seen as a normal way for counseling to end.",
                      "B": "On average about one client in five dropped out, and dropout was more common with younger clients and with trainee clinicians.",
                      "C": "Dropout was unrelated to the client's age or the clinician's experience, so it cannot be anticipated and is not worth discussing.",
                      "D": "Dropout was rare with experienced therapists, so a trainee's client who drops out shows that the trainee lacked the necessary skills."},
             answer="B"),
    ]),
"m6_capstone": dict(
    module="capstone", number=6, title="Capstone: one relationship from first session to last",
    content_note=("This assignment follows one fictional counseling relationship from intake to ending; it touches a "
                  "parent's illness, a client's history of being left, and a counselor's own family history."),
    question="capstone.whole-relationship",
    model=(
        "Hala relates to me as she relates to everyone: she brings food, worries whether I am eating, and "
        "expects me to leave, as her husband did and as her mother, far away and ill, in a sense has. I read "
        "this as transference: caring for others seems to protect her from feeling like a burden, and my "
        "placement ending in May will land on her fear that everybody leaves. I offer this to her as a "
        "working hypothesis, in her words, not as a verdict.\n\n"
        "My side matters too. When she cried about her mother's stroke I felt the pull to rescue her that I "
        "know from my own family, where I looked after my mother. That is countertransference, and I would "
        "bring all of it to supervision with Beatriz, including anything it led me to do (a session that ran "
        "over, a phone number given), and plan any repair with her. Personal counseling may help with the old "
        "part of it.\n\n"
        "I would not accept the follow request on my personal account (ACA Code of Ethics, 2014, A.5.e; "
        "H.6.a asks counselors to keep personal and professional presences separate). At the bakery I would "
        "pay like any customer and confirm nothing to her staff. I would document both and talk them through "
        "with Hala in session, agreeing how we handle the next chance meeting.\n\n"
        "At intake, informed consent should have told her that I am a trainee under supervision, that sessions "
        "are recorded for supervision with her consent, that my placement ends in May, and my social media "
        "policy. I would raise the ending months ahead, review her progress and her feelings about ending "
        "(pretermination counseling, ACA A.11.c), and, with her consent about what is shared, arrange a joint "
        "session to introduce the next counselor, so the ending is one we make together."),
    items=[
        dict(id="choice_2", kind="single", points=1, concepts=["social-media", "dual-relationship"],
             codes=["aca-2014-a5e", "aca-2014-h6a"],
             prompt=("After meeting her counselor by chance in her shop, a current client sends a follow request from her "
                     "business's account to the counselor's **personal** Instagram, with a friendly message. Which response best fits "
                     "the ACA Code of Ethics (2014)?"),
             options={"A": "Accept it, because a business account is not a personal relationship, and refusing would hurt the client after her generosity at the shop.",
                      "B": "Block the account without comment, since saying anything about it would draw attention to an awkward moment for client and counselor.",
                      "C": "Accept it for now and unfollow quietly once counseling has ended, so that the client never has to feel that she was rejected.",
                      "D": "Leave it unanswered from the personal account, note it, consult the supervisor, and talk it through with the client next session."},
             answer="D"),
        dict(id="multi_3", kind="multiple", points=2, concepts=["informed-consent"],
             prompt=("A counseling trainee in a year-long placement meets a new client. Which belong in **informed consent** at intake? "
                     "Tick all that apply."),
             options={"A": "A promise that the client can keep seeing the same counselor for as long as the client needs.",
                      "B": "That the counselor is in training and who the supervising counselor is.",
                      "C": "When the placement ends, and so when the work with this counselor will end.",
                      "D": "The counselor's personal phone number, so that the client can reach them directly on hard nights between sessions.",
                      "E": "How sessions may be recorded for supervision, who hears them, and that the client may decline."},
             answer=["B", "C", "E"]),
        dict(id="match_4", kind="matching", points=2,
             concepts=["transference", "countertransference", "parallel-process", "dual-relationship"],
             prompt=("Match each moment from the capstone case to the idea it best illustrates: **transference**, "
                     "**countertransference**, **parallel process** or **multiple relationship**."),
             statements={"a": "Hala fusses over whether Tamsin is eating and asks whether Tamsin's mother worries about her, as she does with everyone she looks after.",
                         "b": "When Hala cries about her mother's stroke, Tamsin feels the old certainty from her own family that if she does not fix it nobody will.",
                         "c": "Tamsin brings her supervisor a composed, tidy account of the session in which Hala, who hides her own needs behind caring for others, cried for the first time.",
                         "d": "Tamsin becomes a regular at Hala's bakery while still seeing her each week, and Hala adds something free to every order."},
             categories=["multiple relationship", "transference", "parallel process", "countertransference"],
             answer={"a": "transference", "b": "countertransference", "c": "parallel process", "d": "multiple relationship"}),
        dict(id="order_5", kind="ordering", points=2, concepts=["termination-process", "referral"],
             codes=["aca-2014-a11c"],
             prompt=("Put these steps for an ending set by a **placement calendar** in a sensible order. Partial credit is given "
                     "for each pair of steps in the right relative order."),
             steps={"A": "Several sessions before the end, review progress with the client and talk about how the ending feels.",
                    "B": "In the last session, name warning signs and how to come back, and say goodbye without promising a future relationship.",
                    "C": "At intake, tell the client when the placement, and so the work with this counselor, will end.",
                    "D": "With the client's consent about what is shared, introduce the next counselor, for example in a joint session.",
                    "E": "Months ahead, take up the coming ending when the client's history of losses comes up."},
             answer=["C", "E", "A", "D", "B"]),
    ]),
}
