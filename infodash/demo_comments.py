"""The demo respondents' comments: a few topics each, in several wordings, so that comment themes have
something real to find. A respondent's mood (or, after a request, their CSAT) picks the list, a draw picks the
topic and another the wording; which responses carry a comment is drawn as before.

Each list holds topics of :data:`WORDINGS` wordings; many begin with the one comment the demo wrote for
them before.
"""

from __future__ import annotations

WORDINGS = 6

# Quarterly RATER survey: respondents in a low mood, then the others; four topics each.
RATER_UNHAPPY = (
    ("Results sometimes arrive after my deadline: answers are too slow.",
     "Answers are too slow when my deadline is close.",
     "I waited a week for an answer to a simple question; far too slow.",
     "Answers are slow in the busy weeks before quarter end.",
     "A quicker first answer would help; slow answers cost me time.",
     "Slow answers: I had to chase twice before I heard back."),
    ("Database access from home keeps failing at the login.",
     "I lost access to the patent database after the login change.",
     "New starters wait days for database access.", "Access to the market database expired without any warning.",
     "Please give our whole team access to the company database.", "I could not get access to the patent database."),
    ("The intranet pages are out of date and the search finds nothing.",
     "The intranet search never finds the right page.",
     "Search on the intranet returns old versions of the policies.",
     "Hard to find the right page with the intranet search.",
     "The intranet search tools are hard to use.", "Intranet search results are out of date."),
    ("Please extend the opening hours for the late shift.", "The opening hours are too short for shift workers.",
     "Opening hours do not suit those of us on the night shift.", "Longer opening hours in the evening would help.",
     "Opening hours at Plant South are too short.", "The desk's opening hours end before our shift does."),
)
RATER_HAPPY = (
    ("Fast and to the point, thank you.", "Quick answers and always to the point.",
     "Fast answers, even to the complicated questions.", "Always quick, and straight to the point.",
     "Fast, clear answers that get to the point.", "Remarkably fast answer to my market question."),
    ("The alerts save me an hour a week.", "The news alerts save me time every morning.",
     "Competitor news alerts are spot on and save me hours.", "The regulatory news alerts keep our team ahead.",
     "Please add raw material prices to my news alerts.", "The daily news alerts are the first thing I read."),
    ("The data warehouse training was excellent.", "Please run the information skills training again next quarter.",
     "More training sessions like that one, please.", "The training helped me find sources myself.",
     "Short training videos would help us learn.", "The training course on company information was excellent."),
    ("Very knowledgeable and helpful staff.", "The staff are always helpful and friendly.",
     "Helpful staff who understand our business.", "Staff went out of their way to be helpful.",
     "Friendly, knowledgeable staff, helpful every time.", "The staff were very helpful with a difficult request."),
)
# Half-yearly LibQUAL-style survey: three topics each.
LIBQUAL_UNHAPPY = (
    ("The intranet guides are hard to follow.", "The intranet guides are out of date and hard to follow.",
     "Guides on the intranet assume you already know the databases.",
     "The how-to guides on the intranet are confusing.",
     "Clearer intranet guides, please: I gave up halfway.", "The intranet guides skip the steps I need."),
    ("Reading room hours are too short.", "The reading room opening hours are too short for us.",
     "Please open the reading room on Saturday mornings: the hours are too short.",
     "The reading room closes before the late shift ends; longer hours please.",
     "Longer reading room hours would help the plant staff.", "Reading room hours clash with my meetings."),
    ("Search on the intranet never finds anything.", "The intranet search never finds the page I need.",
     "The search returns pages nobody has updated in years.", "Search results are useless.",
     "I cannot find anything with the search.", "The search tool needs fixing: it never finds anything."),
)
LIBQUAL_HAPPY = (
    ("Quick, reliable answers every time.", "Reliable answers, and quick too.",
     "Quick and reliable answers, as always.",
     "Always a reliable answer within the day.", "Quick, reliable and well sourced answers.",
     "Reliable answers I can put straight into a report."),
    ("I would like a briefing on the new databases.", "A briefing on the new databases would help our team.",
     "Please offer a short briefing on the new databases.", "The briefing on the new databases was very useful.",
     "More briefings like the one on the company databases, please.", "A refresher briefing on the databases, please."),
    ("Staff went out of their way to help.", "Staff always go out of their way to help.",
     "Helpful staff who go out of their way.", "The staff went out of their way to find what I needed.",
     "Staff are helpful, patient and kind.", "Very helpful staff, thank you."),
)
# Post-request feedback, by the CSAT given: 1-2, 3, and 4-5.
AFTER_REQUEST_LOW = (
    ("It took far too long.", "It took far too long to get an answer.", "Far too long for a simple request.",
     "The answer took far too long to arrive.", "Too long: I needed it the same day.", "It took days too long."),
    ("Not what I asked for.", "The report was not what I asked for.", "Not what I asked for; I had to explain again.",
     "The search missed what I asked for.", "Not quite what I asked for, so I had to ask again.",
     "The answer was not what I asked for."),
    ("Nobody told me it was waiting on a vendor.", "Nobody told me the request was waiting on a vendor.",
     "Waiting on the vendor for a week and nobody told me.", "Nobody told me about the vendor delay.",
     "Please tell me when you are waiting on a vendor.", "Vendor delay, and nobody told me."),
)
AFTER_REQUEST_MIDDLE = (
    ("Fine, but I had to chase.", "Fine in the end, but I had to chase it.", "Good answer, but I had to chase twice.",
     "OK, though I had to chase for an update.", "Fine, but I had to chase before anything happened.",
     "Got there, but only after I had to chase."),
)
AFTER_REQUEST_HIGH = (
    ("Exactly what I needed, thanks!", "Exactly what I needed for the bid, thanks.", "Exactly what I needed, and fast.",
     "Exactly the figures I needed, thank you!", "That was exactly what I needed.",
     "Exactly what I needed, thanks again."),
    ("Quick and thorough.", "Quick and thorough, as always.", "Thorough and quick work.", "Very quick and thorough.",
     "Quick, thorough and clearly explained.", "A thorough answer, and quick."),
    ("Saved me a day of searching.", "Saved me a whole day of searching.", "This saved me days of searching.",
     "Saved me hours of searching on my own.", "You saved me a day of searching, thank you.",
     "It saved me a lot of searching."),
)

LISTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "rater_unhappy": RATER_UNHAPPY, "rater_happy": RATER_HAPPY, "libqual_unhappy": LIBQUAL_UNHAPPY,
    "libqual_happy": LIBQUAL_HAPPY, "after_request_low": AFTER_REQUEST_LOW,
    "after_request_middle": AFTER_REQUEST_MIDDLE, "after_request_high": AFTER_REQUEST_HIGH,
}

# The kind and category of feedback item each topic is (demo_feedback.py turns some survey comments into items);
# the after-request comments are not turned into items.
FEEDBACK_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "rater_unhappy": (("complaint", "timeliness"), ("complaint", "access"), ("complaint", "access"),
                      ("suggestion", "other")),
    "rater_happy": (("compliment", "timeliness"), ("compliment", "quality"), ("compliment", "quality"),
                    ("compliment", "staff")),
    "libqual_unhappy": (("complaint", "access"), ("suggestion", "other"), ("complaint", "access")),
    "libqual_happy": (("compliment", "quality"), ("suggestion", "scope"), ("compliment", "staff")),
}


def feedback_kinds() -> dict[str, tuple[str, str]]:
    """Each wave survey comment's text with the (kind, category) of feedback item it would be."""
    return {text: kind for name, kinds in FEEDBACK_KINDS.items()
            for wordings, kind in zip(LISTS[name], kinds, strict=True) for text in wordings}
