"""The demo company's words: its core values with anchors and questions, and its jobs."""
from __future__ import annotations

# (name, description, anchors 1-5, questions). The ten values the seed articles quote from Zappos.
CORE_VALUES = [
    ("Deliver WOW through service",
     "Go beyond what the customer expects, every time, in a way they remember.",
     ["Treats service as a script to finish; no example of going further.",
      "Helps when asked, but stops at what the rules require.",
      "Gives good, friendly service and can name a time they went a little further.",
      "Several concrete examples of surprising a customer or colleague, unprompted.",
      "Makes exceeding expectations a habit and helps others do it; examples are specific and recent."],
     "Tell us about a time you did more for someone than they expected.\n"
     "What is the best service you ever received, and what made it so?"),
    ("Embrace and drive change",
     "Welcome change, and start it when things can be better.",
     ["Describes change as something that happened to them and still resents it.",
      "Accepts change when it is imposed, without enthusiasm.",
      "Adapts well and can explain why a change they lived through was worth it.",
      "Has proposed a change and carried it through.",
      "Seeks out what should change, brings people along, and learns from what did not work."],
     "Describe a change at work you did not agree with at first. What did you do?\n"
     "What have you changed in the way your team works?"),
    ("Create fun and a little weirdness",
     "Work is better when people can be themselves and enjoy it.",
     ["Sees fun at work as unprofessional.",
      "Tolerates it in others but keeps apart.",
      "Joins in and is easy to work with.",
      "Creates moments that bring a team together.",
      "Makes a place lighter and more human, with judgement about when not to."],
     "What is something a little weird about you?\nHow have you made a team's day better?"),
    ("Be adventurous, creative, and open-minded",
     "Try new things and do not be afraid of mistakes.",
     ["Avoids anything new; blames others for failures.",
      "Tries new things only when told to.",
      "Open to ideas and has tried something new with a reasonable result.",
      "Regularly experiments and shares what was learned, including failures.",
      "Leads bold experiments and turns mistakes into lessons for others."],
     "Tell us about a risk you took at work. How did it turn out?\nWhat did you learn from a mistake?"),
    ("Pursue growth and learning",
     "Challenge yourself and keep getting better.",
     ["Cannot name anything they learned recently.",
      "Learns what the job requires and stops there.",
      "Has learned something new on their own and applied it.",
      "Sets themselves learning goals and seeks feedback.",
      "Grows continuously and helps others grow; feedback changes what they do."],
     "What have you taught yourself in the last year?\nWhat feedback changed how you work?"),
    ("Build open and honest relationships with communication",
     "Say what you think, kindly; listen to what others say.",
     ["Hides problems or speaks about people rather than to them.",
      "Honest when asked directly, but avoids hard conversations.",
      "Communicates openly and handles a disagreement respectfully.",
      "Raises difficult subjects early and listens well.",
      "Builds trust across a team; people bring them bad news first."],
     "Tell us about a hard conversation you had with a colleague.\nWhen did you last admit you were wrong?"),
    ("Build a positive team and family spirit",
     "Put the team first and look after one another.",
     ["Talks about 'I' only; dismissive of colleagues.",
      "Cooperates when needed but works for themselves.",
      "A reliable team member who helps when asked.",
      "Helps colleagues unasked and shares credit.",
      "Makes the whole team stronger; others seek them out."],
     "Tell us about a time you put the team's goal before your own.\n"
     "How did you help a colleague who struggled?"),
    ("Do more with less",
     "Be resourceful and careful with what the company has.",
     ["Asks for more before trying; careless with resources.",
      "Works with what is given without improving it.",
      "Finds sensible ways to save time or money.",
      "Has delivered a clear result with fewer resources than expected.",
      "Changes how things are done so that everyone can do more with less."],
     "Describe a time you achieved something with very little.\nWhat waste have you removed?"),
    ("Be passionate and determined",
     "Care about the work and keep going when it is hard.",
     ["Gives up at the first obstacle; indifferent about the work.",
      "Finishes what is required, with little energy.",
      "Shows real interest and sees hard tasks through.",
      "Brings energy others notice and persists through setbacks.",
      "Their determination carries a team through difficult times."],
     "What are you passionate about, at work or outside it?\nTell us about a goal you reached against the odds."),
    ("Be humble",
     "Confident, but never above anyone or any task.",
     ["Arrogant; takes credit and looks down on simple tasks.",
      "Polite, but keeps a distance from 'lesser' work.",
      "Modest about successes and willing to do any task.",
      "Gives credit freely and asks for help without embarrassment.",
      "Serves others first; respected because they never need to be."],
     "Tell us about a success and who else made it happen.\nWhat task do you do that nobody asked you to?"),
]

# (title, description, requirements threshold, values threshold, requirements) with each requirement as
# (name, weight, must_have, description, questions). The values threshold is the same bar everywhere.
JOBS = [
    ("Customer Loyalty Team member",
     "Answer customers on the phone, by chat and by e-mail, and make every contact one they remember.",
     60, 65,
     [("Phone manner", 3, True, "Warm, clear and patient on the phone.",
       "Role-play: an upset customer calls about a late delivery."),
      ("Problem solving", 2, True, "Finds the real question behind the customer's words.",
       "Tell us about a problem you solved for a customer."),
      ("Written communication", 2, False, "Clear, friendly e-mails and chats.",
       "Rewrite this curt reply to a customer."),
      ("Typing and systems", 1, False, "Works quickly in several systems at once.", "")]),
    ("Software engineer, customer tools",
     "Build the tools the Customer Loyalty Team uses every day.",
     65, 65,
     [("Python and web development", 3, True, "Builds and maintains web applications.",
       "Walk us through a web feature you built end to end."),
      ("Data and SQL", 2, False, "Designs schemas and writes efficient queries.",
       "How would you find why a page became slow?"),
      ("Testing and reliability", 2, True, "Writes tests that catch real bugs.",
       "Tell us about a bug your tests caught."),
      ("Working with users", 1, False, "Learns from the people who use the tools.", "")]),
    ("Warehouse team lead",
     "Lead a shift in the fulfilment centre: safe, on time and with a team that wants to come back.",
     60, 70,
     [("Leading a shift", 3, True, "Plans and leads a team of ten to twenty.",
       "Tell us about a shift that went wrong and what you did."),
      ("Safety", 3, True, "Knows and enforces safe working.", "What would you do when you see an unsafe practice?"),
      ("Planning", 2, False, "Matches people to the work expected.", "")]),
]

# What the careers site shows of the first open jobs, in order: (public description, location, team). The
# warehouse lead stays unpublished, so that the demo has an open job that is not public.
CAREERS = [
    ("You answer our customers on the phone, by chat and by e-mail, and you take the time each of them needs: "
     "there are no scripts and no call timers.\n\n"
     "You start with five weeks of training with everyone who joins us, whatever their job: our values first, "
     "then the phones with a buddy beside you.",
     "Amsterdam", "Customer Loyalty"),
    ("You build the tools the Customer Loyalty Team uses every day, together with the people who use them.\n\n"
     "Python and PostgreSQL, tests that catch real bugs, and a team that spends a day on the phones with "
     "customers every quarter.",
     "Remote (Netherlands)", "Engineering"),
]

# The published jobs' own questions on the application form (hiring/jobs/questions.py), in the order of CAREERS:
# (question, hint or "").
APPLICATION_QUESTIONS = [
    [("What does great customer service mean to you?", "A few sentences, with an example if you have one."),
     ("When could you start?", "")],
    [("Which tool that you built are you proudest of, and why?", "")],
]

# A role that hired in the past and is closed now, so that past hires are not all in open jobs.
CLOSED_JOB = ("Customer Loyalty Team member, night shift",
              "The night shift team, merged into the day team last year.", 60, 65,
              [("Phone manner", 3, True, "", ""), ("Problem solving", 2, True, "", "")])

FIRST_NAMES = [
    "Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jesse", "Kim", "Lars",
    "Mila", "Noah", "Olivia", "Pim", "Quinn", "Ruben", "Sara", "Tom", "Umar", "Vera", "Wout", "Xin",
    "Yara", "Zoe", "Amir", "Bo", "Carmen", "Diego", "Elif", "Fatima", "Gijs", "Hanna", "Ivan", "Julia",
    "Kofi", "Lotte", "Mohammed", "Nadia", "Omar", "Priya", "Rosa", "Sven", "Tara", "Yusuf",
]
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Yilmaz", "El Amrani", "Nguyen", "Santos",
    "Okafor", "Kowalski", "Garcia", "Chen", "Patel", "Murphy", "Schmidt", "Rossi", "Haddad",
]
SOURCES = ["Careers site", "Referral", "LinkedIn", "Job fair", "Indeed", "Agency"]

EVIDENCE = {
    1: ["Could not give an example; answers stayed general.", "Example showed the opposite of what we look for."],
    2: ["One weak example, with others doing most of the work.", "Understood the idea but had little to show."],
    3: ["A solid, concrete example from their last job.", "Did what was expected and explained it clearly."],
    4: ["Two specific examples, with results they could measure.", "Went further than asked, unprompted."],
    5: ["Several strong, recent examples; others learned from them.", "Exceptional: led others to do the same."],
}
# Evidence that speaks of likeness, not behaviour: the similarity guard's phrases (migration 0029) find it.
LIKENESS = ["Fits in with the team straight away; a good vibe.", "One of us: I would have a beer with them.",
            "We clicked at once; reminds me of myself at that age."]
# Departure reviews (hiring/demo/reviews.py): blameless, about what the process missed.
DEPARTED = ["Resigned after a few months: the shifts on the phones did not suit them, they told us.",
            "Left for a job closer to home; the team was sorry to see them go.",
            "Let go after repeated no-shows; the mentor had raised it in week 4."]
DEPARTED_OFFER = ["Took The Offer at the end of the programme: the calls were not what they had expected."]
LESSONS = ["The interview did not ask how they handle a hard day on the phones; add a question on it.",
           "The job description undersold the evening shifts; say so plainly.",
           "Nothing we could have seen sooner, as far as we can tell."]
# The mentor's week-5 values review (hiring/demo/reviews.py): what the mentor saw in five weeks.
WEEK5_EVIDENCE = {
    1: ["In five weeks I did not see this once; when it was needed, they left it to others."],
    2: ["Now and then, when asked; not yet of their own accord."],
    3: ["Showed it on the phones most days, as we would expect of someone new."],
    4: ["Often and unprompted: on week 4's shifts colleagues came to them with questions."],
    5: ["Every day, and it rubbed off: the cohort picked it up from them."],
}
SELF_EVIDENCE = {
    1: ["I found this hard and need help with it."],
    2: ["I am still learning this."],
    3: ["I did this when the calls asked for it."],
    4: ["I did this often, and enjoyed it."],
    5: ["This is what I am best at."],
}
TAKEAWAYS = [
    "Warm and clear; would do well with customers.",
    "Strong on the job but hesitant on the values questions.",
    "Good energy; needs coaching on systems.",
    "Thoughtful answers with real examples.",
    "Not convinced on team spirit; talked mostly about their own results.",
]
NOT_ASKED = "The question did not come up."
VETO_REASON = "Dismissive about colleagues throughout; spoke of customers as a nuisance."
APPLIED_REASON = "Applied through the careers site."
# Keyed by the stage's value, so that this module needs no models.
STAGE_REASONS = {
    "screening": "CV matches the role; invited for a phone screen.",
    "interviewing": "Good phone screen; interviews planned.",
    "decision": "All interviews done.",
    "hired": "Passed on requirements and values; offer accepted.",
    "rejected": "Did not pass the gate.",
    "withdrawn": "Candidate took another job.",
}

DEMO_LOCALES = ("en", "nl")


def content_for(locale: str):
    """The module holding the demo's words in a language: this one for English, content_nl for Dutch."""
    import sys

    if locale == "nl":
        from hiring.demo import content_nl
        return content_nl
    return sys.modules[__name__]
