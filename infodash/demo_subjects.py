"""Subjects for the demo's requests, the way customers write them: a few routine templates asked again and
again with small variations (a login, a name, a database), and the varied questions that make up the rest.

Runs after the demo's requests and touchpoints exist and only fills ``requests.subject``, with random draws
of its own (salts no other part of the demo uses), so every other value of the demo stays as it was.

Routine work looks routine in the data: access and password requests are drawn mostly among the requests
with little logged effort that were resolved the same day, so on the Data warehouse reports service (the
team's systems service) about a third of the requests are access, password and licence requests that took
a quarter of an hour, as such requests commonly make 20-40% of a systems team's requests.
"""

from __future__ import annotations

import json

import duckdb

from infodash.db import Store

DATABASES = ("Scopus", "Factiva", "Statista", "Orbit", "Bloomberg")
TABLES = ("account_pipeline", "sales_by_region", "company_financials", "customer_contacts", "product_margins")
TOPICS = ("battery recycling", "lithium prices", "hydrogen storage", "packaging regulation", "carbon border tax",
          "solid-state batteries", "water treatment", "rare earth supply", "industrial robotics", "bio-based plastics",
          "EU taxonomy", "heat pumps", "semiconductor shortages", "green steel", "predictive maintenance")
COMPANIES = ("Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella Materials", "Stark Chemicals",
             "Wayne Industries", "Tyrell Polymers", "Acme Coatings")
REGIONS = ("Germany", "the Nordics", "North America", "China", "Brazil", "India")
COURSES = ("Data warehouse basics", "Patent searching", "Company information sources", "Advanced Scopus",
           "Intranet search tips")
ALERTS = ("Competitor watch", "Regulatory updates", "Raw materials prices", "Industry news")

# Per service (by its demo id): the subject's SQL expression for routine requests and for the others. In
# them: ``u`` picks a wording, ``v`` a value from a list, ``login``, ``first``, ``last`` are the requester's.
_ROUTINE = {
    1: """list_extract([
            'Password reset for ' || pick(db) || ' - ' || login,
            'Forgotten ' || pick(db) || ' password (' || left(first, 1) || '. ' || last || ')',
            'Access to ' || pick(db) || ' for ' || first || ' ' || last,
            'Please give me a ' || pick(db) || ' licence - ' || login], 1 + floor(u * 4)::INT)""",
    5: """list_extract([
            'Password reset for ' || left(first, 1) || '. ' || last,
            'password reset - ' || login,
            'Data warehouse account locked (' || login || ')',
            'Access to ' || pick(tbl) || ' in the data warehouse for ' || login,
            'Access request: ' || pick(tbl) || ' for ' || first || ' ' || last,
            'Licence for the reporting tool for ' || login], 1 + floor(u * 6)::INT)""",
    4: """list_extract([
            'Please subscribe me to the ' || pick(alert) || ' alert',
            'Subscribe ' || login || ' to ' || pick(alert),
            'Unsubscribe ' || login || ' from ' || pick(alert)], 1 + floor(u * 3)::INT)""",
}
_OTHER = {
    1: """list_extract([
            'Literature on ' || pick(topic), 'Market report on ' || pick(topic),
            'Background reading on ' || pick(topic) || ' for a board paper',
            'Sources for ' || pick(topic) || ' in ' || pick(region),
            'What is known about ' || pick(topic) || '?'], 1 + floor(u * 5)::INT)""",
    2: """list_extract([
            'Prior-art search: ' || pick(topic), 'Freedom-to-operate check for ' || pick(topic),
            'Standards that apply to ' || pick(topic)], 1 + floor(u * 3)::INT)""",
    3: """list_extract([
            'Company profile: ' || pick(company), 'Market size of ' || pick(topic) || ' in ' || pick(region),
            'Competitor news on ' || pick(company), 'Who supplies ' || pick(company) || ' with ' || pick(topic) || '?'],
            1 + floor(u * 4)::INT)""",
    4: """'New alert on ' || pick(topic) || ' in ' || pick(region)""",
    5: """list_extract([
            'Report: ' || pick(tbl) || ' by region for ' || (2019 + floor(v * 8)::INT),
            'Extract of ' || pick(tbl) || ' for the ' || pick(company) || ' bid',
            'Why do ' || pick(tbl) || ' figures differ from the finance system?',
            'New dashboard for ' || pick(tbl) || ' by product line'], 1 + floor(u * 4)::INT)""",
    6: """list_extract([
            'Booking: ' || pick(course) || ' course', 'Training for my team on ' || pick(course),
            'Can you run ' || pick(course) || ' at ' || pick(region) || ' site?'], 1 + floor(u * 3)::INT)""",
    7: """list_extract([
            'Article request: doi:10.' || (1000 + floor(v * 8999)::INT) || '/j.' || (100 + floor(w * 899)::INT),
            'Please obtain ISO ' || (9000 + floor(v * 900)::INT) || ' for ' || pick(topic),
            'Book loan: a handbook on ' || pick(topic)], 1 + floor(u * 3)::INT)""",
    8: """list_extract([
            'Review of the contract with ' || pick(company), 'GDPR question about ' || pick(topic)],
            1 + floor(u * 2)::INT)""",
    9: """list_extract([
            'Laptop will not start', 'Outlook keeps crashing', 'VPN password reset - ' || login,
            'New monitor for ' || first || ' ' || last], 1 + floor(u * 4)::INT)""",
    10: """'Translate the ' || pick(company) || ' contract into ' ||
            list_extract(['German', 'French', 'Chinese', 'Portuguese'], 1 + floor(v * 4)::INT)""",
}
# The chance that a request is routine, per service: among the quick ones with little logged effort, and
# among the rest (a routine request sometimes takes longer too).
_ROUTINE_CHANCE = {1: (0.30, 0.02), 5: (0.95, 0.10), 4: (0.75, 0.05)}


def _case(expressions: dict[int, str], fallback: str) -> str:
    whens = " ".join(f"WHEN {service} THEN {sql}" for service, sql in expressions.items())
    return f"CASE service_id {whens} ELSE {fallback} END"


def _pick_macro(name: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"list_extract([{quoted}], 1 + floor(v_{name} * {len(values)})::INT)"


_LISTS = {"db": DATABASES, "tbl": TABLES, "topic": TOPICS, "company": COMPANIES, "region": REGIONS,
          "course": COURSES, "alert": ALERTS}


def _expand(sql: str) -> str:
    for name, values in _LISTS.items():
        sql = sql.replace(f"pick({name})", _pick_macro(name, values))
    return sql


# Built once from the constants above (no outside text reaches it).
_SUBJECT_SQL = """
UPDATE requests SET subject = s.subject
FROM (
    WITH drawn AS (
        SELECT r.request_id, r.service_id, c.login, split_part(c.name, ' ', 1) AS first,
               trim(substr(c.name, length(split_part(c.name, ' ', 1)) + 1)) AS last,
               rnd(r.request_id, 'ss_kind') < CASE WHEN rnd(r.request_id, 'tmin') < 0.45
                       AND r.status = 'resolved' AND r.closed_at - r.received_at < INTERVAL 8 HOUR
                   THEN CASE r.service_id {quick} ELSE 0 END
                   ELSE CASE r.service_id {slow} ELSE 0 END END AS routine,
               rnd(r.request_id, 'ss_wording') AS u, rnd(r.request_id, 'ss_value') AS v,
               rnd(r.request_id, 'ss_value2') AS w,
               rnd(r.request_id, 'ss_db') AS v_db, rnd(r.request_id, 'ss_tbl') AS v_tbl,
               rnd(r.request_id, 'ss_topic') AS v_topic, rnd(r.request_id, 'ss_company') AS v_company,
               rnd(r.request_id, 'ss_region') AS v_region, rnd(r.request_id, 'ss_course') AS v_course,
               rnd(r.request_id, 'ss_alert') AS v_alert
        FROM requests r JOIN customers c USING (customer_id)
    )
    SELECT request_id, CASE WHEN routine THEN {routine} ELSE {other} END AS subject FROM drawn
) s
WHERE requests.request_id = s.request_id
""".format(
    quick=" ".join(f"WHEN {service} THEN {chance[0]}" for service, chance in _ROUTINE_CHANCE.items()),
    slow=" ".join(f"WHEN {service} THEN {chance[1]}" for service, chance in _ROUTINE_CHANCE.items()),
    routine=_expand(_case(_ROUTINE, "NULL")),
    other=_expand(_case(_OTHER, "'Question about ' || " + _pick_macro("topic", TOPICS))),
)


def add_request_subjects(db: duckdb.DuckDBPyConnection) -> None:
    """Fill the subject of every demo request (needs the demo's ``rnd`` macro and seed, see ``infodash.demo``)."""
    db.execute(_SUBJECT_SQL)


def add_subjects_to_existing_demo(store: Store) -> int:
    """Fill the subjects of a demo database built before the demo had them (e.g. a large benchmark set), with
    the seed it was built with, exactly as a new build would; returns how many requests got a subject.

    Raises ``ValueError`` for a database that is not demo data (its requests are left alone)."""
    with store.writing() as db:
        built = db.execute("SELECT details FROM audit_log WHERE actor = 'demo' AND action = 'generate' "
                           "ORDER BY rowid DESC LIMIT 1").fetchone()
        source = db.execute("SELECT value FROM settings WHERE key = 'data_source'").fetchone()
        if built is None or source is None or not source[0].startswith("demo"):
            raise ValueError("this database does not hold demo data")
        db.execute("SET VARIABLE demo_seed = ?", [int(json.loads(built[0])["seed"])])
        db.execute("CREATE OR REPLACE TEMP MACRO rnd(i, salt) AS "
                   "(hash(i, salt, getvariable('demo_seed')) % 1000003) / 1000003.0")
        add_request_subjects(db)
        return db.execute("SELECT count(*) FROM requests WHERE subject IS NOT NULL").fetchone()[0]
