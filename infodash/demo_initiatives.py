"""The demo's performance initiatives: eight that a team like the demo's would set itself, over the four
perspectives of the balanced scorecard, with a few reviews. Only targets and dates are written here (relative
to the demo's last day); whether each is on track is computed from the demo's data like any other initiative's.

They are added after the rest of the demo and draw no random numbers, so the other demo data stays the same.
"""

from __future__ import annotations

import datetime as dt

import duckdb

# perspective, statement, objective, metric, scope, service id, group id, direction, target, start (weeks before
# the demo's last week), owner, barriers, supports, benefits, closed (weeks before the last week) or None
_INITIATIVES = (
    ("customer", "Answer Research & development within the service level",
     "Be the first place scientists go for answers", "attainment", "group", None, 3, "at_least", 0.95, 10,
     "Chloe Martin", "Patent and standards searches for R&D often wait on Questel.",
     "An escalation route agreed with the vendor; a second searcher trained.",
     "Fewer lab projects held up waiting for literature."),
    ("customer", "Lift satisfaction with how requests are handled",
     "Customers would recommend us to a colleague", "csat", "all", None, None, "at_least", 0.75, 12,
     "Emma Lind", "Customers are not told when a request waits on a vendor.",
     "A status e-mail template; the after-request survey to spot unhappy customers.",
     "More customers come back, and say so in the survey."),
    ("customer", "Reach more of the shop floor", "Serve the whole organisation, not only head office",
     "reach_share", "group", None, 9, "at_least", 0.20, 8, "Farid Haddad",
     "Plant staff are rarely at a desk; some have no e-mail.",
     "Plant managers let us speak at toolbox talks.",
     "Maintenance finds manuals and standards without phoning around."),
    ("internal", "Same-day service for everyone: 95% of requests within the service level",
     "Deliver on our service levels", "attainment", "all", None, None, "at_least", 0.95, 16, "Ana Costa",
     "Peaks after holidays; one searcher covers patents.", "Daily triage at 10:00; a shared queue.",
     "Customers can plan around our answers."),
    ("internal", "Patent searches on time", "Deliver on our service levels", "attainment", "service", 2, None,
     "at_least", 0.90, 9, "Dev Patel", "Freedom-to-operate searches are complex and vary in size.",
     "Search templates for recurring technologies.", "Product teams file on time."),
    ("learning", "Teach customers to find information themselves",
     "Build the organisation's information skills", "touchpoints", "service", 6, None, "at_least", 15.0, 10,
     "Grace Kim", "Courses compete with production schedules.", "Short lunchtime sessions; recorded demos.",
     "Fewer routine requests; more confident searchers."),
    ("value", "Make market intelligence part of account planning",
     "Show the value of the team's work in the business's results", "received", "service", 3, None, "at_least",
     40.0, 14, "Ben Okafor", "Account managers do not know what we can find.",
     "A one-page catalogue sent with each quarterly account review.",
     "Better-prepared bids; intelligence used in the pipeline."),
    ("internal", "Cut the time to first response to half an hour", "Deliver on our service levels",
     "median_first_response_hours", "all", None, None, "at_most", 0.5, 30, "Hugo Wright",
     "Shared mailbox checked twice a day.", "An auto-acknowledgement and a rota for the mailbox.",
     "Customers know at once that someone is on it."),
)
# initiative (1-based position above), weeks after its start, decision, notes, who
_REVIEWS = (
    (2, 6, "continue", "CSAT back above 75% most weeks since the status e-mails started; keep going.", "Ana Costa"),
    (3, 6, "refine", "Reach flat at about 16% of Operations: toolbox talks reach supervisors, not the floor. "
                     "Moving to drop-in sessions in the Plant North canteen.", "Ana Costa"),
    (4, 8, "continue", "Attainment hovers around the target; triage helps, patents still the weak spot.",
     "Ana Costa"),
    (7, 8, "continue", "Requests for company profiles up since the catalogue went out.", "Ana Costa"),
    (8, 6, "refine", "Mornings fine, afternoons slow: the rota now covers 13:00-17:00 too.", "Ana Costa"),
    (8, 12, "close", "First responses well under half an hour for twelve weeks running; it is now routine.",
     "Ana Costa"),
)


def add_demo_initiatives(db: duckdb.DuckDBPyConnection, end_date: dt.date) -> None:
    """Replace the initiatives and reviews with the demo's, dated relative to ``end_date`` (the demo's last day)."""
    db.execute("DELETE FROM initiative_reviews")
    db.execute("DELETE FROM initiatives")
    last_monday = end_date - dt.timedelta(days=end_date.weekday())
    starts = {}
    for number, (perspective, statement, objective, metric, scope, service_id, group_id, direction, target, weeks,
                 owner, barriers, supports, benefits) in enumerate(_INITIATIVES, start=1):
        starts_on = last_monday - dt.timedelta(weeks=weeks)
        starts[number] = starts_on
        db.execute(
            "INSERT INTO initiatives (initiative_id, statement, perspective, objective, metric, scope, service_id, "
            "group_id, direction, target, starts_on, review_on, barriers, supports, benefits, owner, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Ana Costa', ?)",
            [number, statement, perspective, objective, metric, scope, service_id, group_id, direction, target,
             starts_on, starts_on + dt.timedelta(weeks=13), barriers, supports, benefits, owner,
             dt.datetime.combine(starts_on, dt.time(9), dt.UTC)])
    for number, (initiative, weeks, decision, notes, who) in enumerate(_REVIEWS, start=1):
        reviewed_on = starts[initiative] + dt.timedelta(weeks=weeks)
        db.execute("INSERT INTO initiative_reviews (review_id, initiative_id, reviewed_on, notes, decision, "
                   "reviewed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [number, initiative, reviewed_on, notes, decision, who,
                    dt.datetime.combine(reviewed_on, dt.time(16), dt.UTC)])
        if decision == "close":
            db.execute("UPDATE initiatives SET closed_on = ? WHERE initiative_id = ?", [reviewed_on, initiative])
    db.execute("SELECT setval('initiative_id_seq', ?)", [len(_INITIATIVES)]).fetchall()
    db.execute("SELECT setval('initiative_review_id_seq', ?)", [len(_REVIEWS)]).fetchall()
