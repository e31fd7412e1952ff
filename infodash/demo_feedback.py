"""Demo feedback items: complaints, compliments and suggestions over the demo period, generated after the rest of
the demo (with randomness salts of their own, so the other demo data stays row for row the same).

They come from the demo's feedback touchpoints and survey comments (their text, their customer), from requests
(a complaint about a request's timeliness or quality), and from the public form and staff entries. Most are
acknowledged the same or the next working day, some late; complaints are resolved within days to a few weeks; a
dozen unhappy customers complain again and again; most resolved items' customers are told the outcome.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from infodash.feedback import PUBLIC_ACTOR

# Texts the demo's touchpoints and surveys use, with the kind and category they are.
KNOWN_TEXTS: dict[str, tuple[str, str]] = {
    "Praised the speed of the last answer": ("compliment", "timeliness"),
    "Asked for shorter summaries": ("suggestion", "quality"),
    "Found the intranet search hard to use": ("complaint", "access"),
    "Would like alerts in Teams": ("suggestion", "communication"),
    "Happy with the patent landscape": ("compliment", "quality"),
    "Hard to find the right person to ask.": ("complaint", "communication"),
    "Results sometimes arrive after my deadline.": ("complaint", "timeliness"),
    "The intranet pages are out of date.": ("complaint", "access"),
    "I did not know you could help with patents.": ("suggestion", "scope"),
    "Fast and to the point, thank you.": ("compliment", "timeliness"),
    "The alerts save me an hour a week.": ("compliment", "quality"),
    "Please keep the Friday opening hours.": ("suggestion", "other"),
    "Very knowledgeable staff.": ("compliment", "staff"),
    "The intranet guides are hard to follow.": ("complaint", "access"),
    "Reading room hours are too short.": ("suggestion", "other"),
    "Search on the intranet never finds anything.": ("complaint", "access"),
    "Quick, reliable answers every time.": ("compliment", "quality"),
    "I would like a briefing on the new databases.": ("suggestion", "scope"),
    "Staff went out of their way to help.": ("compliment", "staff"),
}
# What customers write through the form or tell staff directly, by kind and category.
DIRECT_TEXTS: tuple[tuple[str, str, str], ...] = (
    ("complaint", "timeliness", "My request took over a week and nobody told me why."),
    ("complaint", "timeliness", "The market report arrived after the board meeting it was for."),
    ("complaint", "quality", "The company profile had last year's figures."),
    ("complaint", "quality", "The literature search missed the key papers I already knew."),
    ("complaint", "staff", "I was passed between three people before anyone helped."),
    ("complaint", "access", "I cannot log in to the data warehouse reports since the upgrade."),
    ("complaint", "communication", "I never heard back after my request was closed."),
    ("complaint", "scope", "I was told you do not do translations, with no idea where to go instead."),
    ("suggestion", "communication", "Send a short note when a request will be late."),
    ("suggestion", "access", "A single sign-on for all the databases would save time."),
    ("suggestion", "quality", "Put a one-page summary on top of long reports."),
    ("suggestion", "scope", "Offer patent searches for the plant engineers too."),
    ("compliment", "staff", "Thank you for the help with the tender, it made the difference."),
    ("compliment", "timeliness", "Same-day answer on a tricky question: impressive."),
    ("compliment", "quality", "The competitor briefing was exactly what we needed."),
)
# The response given, by kind and category (what the pack's "you said, we did" shows).
RESPONSES: dict[tuple[str, str], str] = {
    ("complaint", "timeliness"): "Apologised; requests now get a due date on receipt and a note if it slips.",
    ("complaint", "quality"): "Re-did the work with current sources and added a second check before delivery.",
    ("complaint", "staff"): "Apologised; one named person now owns each request from start to end.",
    ("complaint", "access"): "Fixed the access rights and added a how-to on the intranet.",
    ("complaint", "communication"): "Apologised; customers now hear from us when a request is closed.",
    ("complaint", "scope"): "Apologised; every declined request now names where to go instead.",
    ("suggestion", "communication"): "Done: late requests now trigger a note to the customer.",
    ("suggestion", "access"): "Raised with IT; single sign-on is planned for the next quarter.",
    ("suggestion", "quality"): "Done: long reports now open with a one-page summary.",
    ("suggestion", "scope"): "Added a short introduction to the service to the plant newsletter.",
    ("suggestion", "other"): "Kept the Friday hours and extended the reading room by an hour.",
    ("compliment", "staff"): "Passed on to the team with thanks.",
    ("compliment", "timeliness"): "Passed on to the team with thanks.",
    ("compliment", "quality"): "Passed on to the team with thanks.",
}
UNHAPPY_CUSTOMERS = 12  # customers who complain again and again


def add_demo_feedback(db: duckdb.DuckDBPyConnection) -> None:
    """Generate the demo's feedback items and their status history (after every other demo table)."""
    db.register("demo_fb_known", pd.DataFrame([(text, kind, category) for text, (kind, category) in KNOWN_TEXTS.items()],
                                              columns=["text", "kind", "category"]))
    db.register("demo_fb_direct", pd.DataFrame([(i + 1, *row) for i, row in enumerate(DIRECT_TEXTS)],
                                               columns=["text_no", "kind", "category", "text"]))
    db.register("demo_fb_response", pd.DataFrame([(kind, category, text) for (kind, category), text in RESPONSES.items()],
                                                  columns=["kind", "category", "text"]))
    db.execute("SET VARIABLE demo_fb_direct_count = ?", [len(DIRECT_TEXTS)])
    db.execute("SET VARIABLE demo_fb_public_actor = ?", [PUBLIC_ACTOR])
    db.execute("SET VARIABLE demo_fb_unhappy = ?", [UNHAPPY_CUSTOMERS])
    db.execute(_ARRIVALS_SQL)
    db.execute(_ITEMS_SQL)
    db.execute(_HISTORY_SQL)
    db.execute("SELECT setval('feedback_id_seq', (SELECT coalesce(max(feedback_id), 1) FROM feedback_items))").fetchall()
    for name in ("demo_fb_known", "demo_fb_direct", "demo_fb_response"):
        db.unregister(name)


# Where each item comes from, when, and from whom. About 1 in 10 feedback touchpoints, 1 in 6 survey comments,
# 1 in 250 requests, and one direct item per ~5 customers (200 on the small demo) over 18 months.
_ARRIVALS_SQL = """
CREATE OR REPLACE TEMP TABLE demo_fb_arrival AS
SELECT 'touchpoint' AS source, t.touchpoint_id AS source_id, t.customer_id, t.service_id, t.occurred_at AS received_at,
       k.kind, k.category, t.note AS description, t.touchpoint_id AS salt_id
FROM touchpoints t JOIN demo_fb_known k ON k.text = t.note
WHERE t.kind = 'feedback' AND rnd(t.touchpoint_id, 'fb_tp') < 0.1
UNION ALL
SELECT 'survey', r.response_id, r.customer_id, q.service_id, r.submitted_at, k.kind, k.category, r.comment,
       1000000000 + r.response_id
FROM survey_responses r JOIN demo_fb_known k ON k.text = r.comment LEFT JOIN requests q USING (request_id)
WHERE rnd(r.response_id, 'fb_sv') < 0.17
UNION ALL
SELECT 'request', r.request_id, r.customer_id, r.service_id, r.closed_at + INTERVAL 3 HOUR, 'complaint',
       CASE WHEN rnd(r.request_id, 'fb_rqc') < 0.6 THEN 'timeliness' ELSE 'quality' END,
       CASE WHEN rnd(r.request_id, 'fb_rqc') < 0.6 THEN 'Request #' || r.request_id || ' came too late to be of use.'
            ELSE 'The answer to request #' || r.request_id || ' did not address my question.' END,
       2000000000 + r.request_id
FROM requests r
WHERE r.status = 'resolved' AND rnd(r.request_id, 'fb_rq') < 0.004
  AND r.closed_at + INTERVAL 3 HOUR < getvariable('demo_now')
UNION ALL
SELECT CASE WHEN rnd(i, 'fb_src') < 0.65 THEN 'public_form' ELSE 'staff' END, NULL,
       CASE WHEN rnd(i, 'fb_anon') < 0.25 AND rnd(i, 'fb_src') < 0.65 THEN NULL  -- anonymous on the public form
            WHEN x.kind = 'complaint' AND rnd(i, 'fb_unhappy') < 0.35  -- a dozen customers complain again and again
                THEN 1 + (floor(rnd(i, 'fb_who') * getvariable('demo_fb_unhappy'))::INT * 97)
                         % getvariable('demo_customers')
            ELSE c.customer_id END,
       CASE WHEN rnd(i, 'fb_svc') < 0.7 THEN 1 + floor(rnd(i, 'fb_svc2') * 7)::INT END,
       timezone(getvariable('demo_tz'), (d.day + INTERVAL 1 HOUR * h.hour
                + INTERVAL 1 MINUTE * floor(rnd(i, 'fb_min') * 60))::TIMESTAMP),
       x.kind, x.category, x.text, 3000000000 + i
FROM (SELECT i, rnd(i, 'fb_day') AS u_day, rnd(i, 'fb_hour') AS u_hour, rnd(i, 'fb_cust') AS u_customer,
             1 + floor(rnd(i, 'fb_text') * getvariable('demo_fb_direct_count'))::INT AS text_no
      FROM range(getvariable('demo_customers') // 7) t(i)) b
ASOF JOIN demo_day d ON b.u_day >= d.lo
ASOF JOIN demo_hour h ON b.u_hour >= h.lo
ASOF JOIN demo_customer_pick c ON b.u_customer >= c.lo
JOIN demo_fb_direct x USING (text_no)
"""

# Timings: acknowledged within hours (55%), the next weekday morning (30%) or 2-6 days later (15%, late);
# complaints resolved 1-20 days after acknowledgement, suggestions 3-40, compliments at once. What lies after the
# demo's "now" has not happened yet.
_ITEMS_SQL = """
INSERT INTO feedback_items (feedback_id, kind, category, severity, service_id, customer_id, contact_email, description,
                            owner, status, received_at, acknowledged_at, resolved_at, response, customer_told_at,
                            source, source_id, created_by, created_at)
WITH timed AS (
    SELECT a.*,
        CASE WHEN rnd(salt_id, 'fb_ack') < 0.55 THEN received_at + INTERVAL 1 MINUTE * (30 + floor(rnd(salt_id, 'fb_am') * 240))
             WHEN rnd(salt_id, 'fb_ack') < 0.85 THEN timezone(getvariable('demo_tz'),
                 (next_weekday(timezone(getvariable('demo_tz'), received_at)) + INTERVAL 9 HOUR
                  + INTERVAL 1 MINUTE * floor(rnd(salt_id, 'fb_am') * 120))::TIMESTAMP)
             ELSE received_at + INTERVAL 1 DAY * (2 + floor(rnd(salt_id, 'fb_al') * 5)) END AS ack_at,
        list_extract(getvariable('demo_staff'), 1 + floor(rnd(salt_id, 'fb_owner') * len(getvariable('demo_staff')))::INT)
            AS staff_member
    FROM demo_fb_arrival a
), resolved AS (
    SELECT *,
        ack_at + INTERVAL 1 HOUR * CASE kind
            WHEN 'complaint' THEN 24 * (1 + floor(rnd(salt_id, 'fb_res') * 20)) + 2
            WHEN 'suggestion' THEN 24 * (3 + floor(rnd(salt_id, 'fb_res') * 38)) + 2
            ELSE 1 END AS resolve_at
    FROM timed
), numbered AS (
    SELECT row_number() OVER (ORDER BY received_at, source, salt_id) AS feedback_id, r.*,
           CASE WHEN ack_at <= getvariable('demo_now') THEN ack_at END AS acknowledged_at,
           CASE WHEN resolve_at <= getvariable('demo_now') THEN resolve_at END AS resolved_at
    FROM resolved r WHERE received_at <= getvariable('demo_now')
)
SELECT n.feedback_id, n.kind, n.category,
       CASE WHEN n.kind = 'complaint' THEN CASE WHEN rnd(n.salt_id, 'fb_sev') < 0.5 THEN 'low'
            WHEN rnd(n.salt_id, 'fb_sev') < 0.85 THEN 'medium' ELSE 'high' END END,
       n.service_id, n.customer_id,
       CASE WHEN n.source = 'public_form' THEN c.email END,
       n.description,
       CASE WHEN n.acknowledged_at IS NOT NULL OR rnd(n.salt_id, 'fb_own') < 0.5 THEN n.staff_member END,
       CASE WHEN n.resolved_at IS NOT NULL THEN 'resolved' WHEN n.acknowledged_at IS NOT NULL THEN 'acknowledged'
            ELSE 'received' END,
       n.received_at, n.acknowledged_at, n.resolved_at,
       CASE WHEN n.resolved_at IS NOT NULL THEN coalesce(p.text, 'Thanked the customer and passed it on.') END,
       CASE WHEN n.resolved_at IS NOT NULL AND n.customer_id IS NOT NULL AND rnd(n.salt_id, 'fb_told') < 0.82
                 AND n.resolved_at + INTERVAL 1 HOUR * (1 + floor(rnd(n.salt_id, 'fb_tw') * 48)) <= getvariable('demo_now')
            THEN n.resolved_at + INTERVAL 1 HOUR * (1 + floor(rnd(n.salt_id, 'fb_tw') * 48)) END,
       n.source, n.source_id,
       CASE WHEN n.source = 'public_form' THEN getvariable('demo_fb_public_actor') ELSE n.staff_member END,
       n.received_at + INTERVAL 1 MINUTE * 5
FROM numbered n LEFT JOIN customers c USING (customer_id)
LEFT JOIN demo_fb_response p ON p.kind = n.kind AND p.category = n.category
ORDER BY n.feedback_id
"""

_HISTORY_SQL = """
INSERT INTO feedback_status_history (feedback_id, status, changed_at, changed_by, note)
SELECT feedback_id, 'received', received_at, created_by, NULL FROM feedback_items
UNION ALL
SELECT feedback_id, 'acknowledged', acknowledged_at, owner, NULL FROM feedback_items WHERE acknowledged_at IS NOT NULL
UNION ALL
SELECT feedback_id, 'resolved', resolved_at, owner, NULL FROM feedback_items WHERE resolved_at IS NOT NULL
ORDER BY 1, 3
"""
