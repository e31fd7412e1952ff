"""Ready-made survey instruments: the 22-item SERVQUAL set and a 5-item pulse.

Item wording follows Parasuraman, Zeithaml and Berry's SERVQUAL (1988), adapted to
an internal information service; each item is tied to one RATER dimension.
"""

from __future__ import annotations

RATER_DIMENSIONS: tuple[str, ...] = ("reliability", "assurance", "tangibles", "empathy", "responsiveness")

SERVQUAL_22: tuple[tuple[str, str], ...] = (
    ("tangibles", "The team uses up-to-date tools and sources."),
    ("tangibles", "The team's online services and spaces are visually appealing."),
    ("tangibles", "Staff are well presented and easy to recognise."),
    ("tangibles", "Material about the services (guides, intranet pages) is clear and appealing."),
    ("reliability", "When the team promises to do something by a certain time, it does so."),
    ("reliability", "When you have a problem, the team shows a sincere interest in solving it."),
    ("reliability", "The team gets the service right the first time."),
    ("reliability", "The team delivers its services at the time it promises."),
    ("reliability", "The team keeps accurate records of your requests."),
    ("responsiveness", "Staff tell you exactly when services will be performed."),
    ("responsiveness", "Staff give you prompt service."),
    ("responsiveness", "Staff are always willing to help you."),
    ("responsiveness", "Staff are never too busy to respond to your requests."),
    ("assurance", "The behaviour of staff instils confidence in you."),
    ("assurance", "You feel safe sharing confidential questions with the team."),
    ("assurance", "Staff are consistently courteous with you."),
    ("assurance", "Staff have the knowledge to answer your questions."),
    ("empathy", "The team gives you individual attention."),
    ("empathy", "The team's hours are convenient for you."),
    ("empathy", "Staff give you personal attention."),
    ("empathy", "The team has your best interests at heart."),
    ("empathy", "Staff understand your specific needs."),
)

PULSE_5: tuple[tuple[str, str], ...] = (
    ("reliability", "The team delivered what it promised, when it promised."),
    ("assurance", "I trust the team's knowledge and judgement."),
    ("tangibles", "The team's tools, sources and intranet pages are easy to use."),
    ("empathy", "The team understands what I need."),
    ("responsiveness", "The team responded promptly."),
)
