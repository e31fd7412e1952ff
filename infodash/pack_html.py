"""The management pack as one self-contained HTML file: it opens offline, fetches nothing (no link,
font, script or image from anywhere), and prints cleanly to PDF from a browser.

Charts are inline SVG drawn by :mod:`infodash.pack_svg` from the same chart definitions as the
PowerPoint deck, each followed by the table behind it and its definition; there is no script and no
interactive chrome. Print styles put each section on its own landscape page and keep tiles, charts
and tables whole. Everything people typed or the data holds is HTML-escaped.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from infodash.formatting import VERDICT_COLOURS, format_figure
from infodash.initiatives import RECENT_WEEKS, VERDICT_COLOUR
from infodash.movers import DEFINITION as WHAT_CHANGED_DEFINITION
from infodash.pack import (NO_ACTIONED, NO_SURVEY, QUOTING_RULE, SHARE_COLUMNS, Chart, Headline, ManagementPack,
                           PackContent, PackTable)
from infodash.pack_feedback import feedback_html
from infodash.pack_initiatives import INITIATIVES_NOTE, NO_INITIATIVES, VERDICT_KEYS
from infodash.pack_svg import chart_svg
from infodash.pack_themes import THEMES_NOTE

_STYLE = """
:root { --ink: #212529; --muted: #6c757d; --accent: #1f4e79; --line: #dee2e6; --tile: #f4f6f8; --warn: #c73e1d; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--ink);
       font: 16px/1.45 Arial, Helvetica, sans-serif; }
h1 { font-size: 34px; margin: 0 0 8px; color: var(--accent); }
h2 { font-size: 26px; margin: 0 0 12px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
section, header { margin: 0 0 40px; }
.meta { color: var(--muted); font-size: 18px; margin: 4px 0; }
.partial { color: var(--warn); font-weight: bold; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 12px 0; }
.tile { background: var(--tile); border: 1px solid var(--line); border-radius: 6px; padding: 12px; text-align: center; }
.tile .value { font-size: 32px; font-weight: bold; color: var(--accent); }
.tile .label { font-weight: bold; margin: 4px 0; }
.tile .change { color: var(--muted); font-size: 14px; }
figure { margin: 16px 0; }
figcaption { font-weight: bold; font-size: 18px; margin-bottom: 6px; }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { margin: 12px 0; padding: 8px 16px; border-left: 4px solid var(--accent); background: var(--tile); }
blockquote footer { color: var(--muted); font-size: 14px; }
.text p { font-size: 18px; margin: 6px 0; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 13px; }
  header { break-after: page; }
  section { break-before: page; margin: 0; }
  .tiles, svg, blockquote, tr { break-inside: avoid; }
  h2, h3, figcaption { break-after: avoid; }
}
"""


def _tiles(headlines: list[Headline] | tuple[Headline, ...]) -> str:
    tiles = []
    for headline in headlines:
        changes = "".join(
            f'<div class="change">{escape(format_figure(change.change, headline.kind, signed=True))} vs '
            f"{escape(change.short)}</div>" if change.has_data else
            f'<div class="change">no data for {escape(change.short)}</div>' for change in headline.changes)
        colour = f' style="color: {VERDICT_COLOURS[headline.verdict]}"' if headline.verdict else ""
        verdict = f'<div class="change"{colour}>{escape(headline.verdict_text())}</div>' if headline.verdict else ""
        tiles.append(f'<div class="tile" title="{escape(headline.note())}"><div class="value"{colour}>'
                     f'{escape(headline.text)}</div><div class="label">{escape(headline.label)}</div>{verdict}'
                     f'{changes}</div>')
    notes = "".join(f'<p class="note">{escape(headline.note())}</p>' for headline in headlines)
    return f'<div class="tiles">{"".join(tiles)}</div>{notes}'


def _cell(value: object, share: bool) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else ''}</td>"
    if isinstance(value, (int, float)):
        text = f"{value:.1%}" if share else f"{value:,}" if float(value).is_integer() else f"{value:,.2f}"
        return f'<td class="number">{text}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(table: PackTable) -> str:
    if table.frame.empty:
        return ""
    shares = [column in SHARE_COLUMNS for column in table.frame.columns]
    head = "".join(f"<th>{escape(str(column).replace('_', ' '))}</th>" for column in table.frame.columns)
    rows = "".join("<tr>" + "".join(_cell(value, share) for value, share in zip(row, shares)) + "</tr>"
                   for row in table.frame.astype(object).itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _figure(chart: Chart | None, tables: dict[str, PackTable], missing: str) -> str:
    if chart is None:
        return f'<p class="meta">{escape(missing)}</p>'
    return (f"<figure><figcaption>{escape(chart.title)}</figcaption>{chart_svg(chart)}"
            f'<p class="note">{escape(chart.note)}</p>{_table(tables[chart.table])}</figure>')


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.strip().splitlines() if line.strip())


def _what_changed(content: PackContent, tables: dict[str, PackTable]) -> str:
    """The pack's first page: the biggest significant movers from the previous period, in words, and their tests."""
    changes = content.what_changed
    assert changes is not None
    items = "".join(f"<li>{escape(sentence)}</li>" for sentence in changes.sentences)
    return _section("what-changed", "What changed",
                    f'<ul class="text">{items}</ul><p class="note">{escape(changes.summary)} '
                    f'{escape(WHAT_CHANGED_DEFINITION)}</p>{_table(tables["what_changed"])}')


def _initiatives(frame: pd.DataFrame) -> str:
    """The initiatives as a table, the verdict in its colour, and the rules behind the figures."""
    if frame.empty:
        return f'<p class="meta">{escape(NO_INITIATIVES)}</p>'
    columns = (("perspective", "Perspective"), ("initiative", "Initiative"), ("owner", "Owner"), ("target", "Target"),
               ("baseline", "Baseline"), ("actual", f"Last {RECENT_WEEKS} weeks"), ("verdict", "Verdict"),
               ("trend", "Trend"), ("last_review", "Last review"))
    head = "".join(f"<th>{escape(label)}</th>" for _, label in columns)
    rows = "".join("<tr>" + "".join(
        f'<td style="color: {VERDICT_COLOUR[VERDICT_KEYS[row[name]]]}; font-weight: bold">{escape(row[name])}</td>'
        if name == "verdict" else f"<td>{escape(str(row[name]))}</td>" for name, _ in columns) + "</tr>"
                   for _, row in frame.iterrows())
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="note">{escape(INITIATIVES_NOTE)}</p>')


def render_html(pack: ManagementPack) -> str:
    """The pack as one HTML document (UTF-8 text)."""
    content = pack.content
    charts = {chart.key: chart for chart in pack.charts()}
    tables = {table.key: table for table in pack.tables()}

    def chart(key: str) -> str:
        return _figure(charts.get(key), tables, pack.why_no_chart(key))

    header = (f"<header><h1>Management pack</h1><p class=\"meta\">{escape(content.title)}</p>"
              f'<p class="meta">{escape(content.scope)}</p><p class="meta">{escape(pack.made_line)}</p>'
              + ('<p class="meta partial">Partial period: figures so far.</p>' if content.partial else "")
              + f'<p class="note">{escape(content.provenance)}</p></header>')
    sections = [_what_changed(content, tables)] if content.what_changed is not None else []
    sections += [
        _section("requests", "Requests at a glance", _tiles([content.headline(key) for key in
                                                             ("received", "resolved", "median_resolution_hours",
                                                              "attainment", "declined")])
                 + chart("requests_by_service")
                 + chart("requests_by_group")),
        _section("service-levels", "Service levels",
                 chart("service_levels")
                 + chart("attainment_trend")),
        _section("customers", "Customers and reach", _tiles([content.headline(key) for key in
                                                             ("touchpoints", "customers_served", "reach_share")])
                 + chart("reach")),
    ]
    survey = content.survey.satisfaction
    if survey is None:
        sections.append(_section("satisfaction", "Satisfaction", f'<p class="meta">{NO_SURVEY}</p>'))
    else:
        quoted = "".join(f"<blockquote>\u201c{escape(str(row.comment))}\u201d<footer>"
                         f"{escape(str(row.customer_group))}, {escape(str(row.wave))}</footer></blockquote>"
                         for row in pack.quoted_comments.itertuples())
        sections.append(_section(
            "satisfaction", "Satisfaction",
            f'<p class="meta">The latest wave by the end of the period: {escape(survey.wave_line)}</p>'
            + _tiles(survey.headlines)
            + chart("dimensions")
            + chart("nps")
            + (f'<h3>What customers said</h3><p class="note">{escape(QUOTING_RULE)}</p>{quoted}' if quoted else "")))
    themes = content.themes
    if themes is not None and themes.survey is not None:  # (no survey at all: the Satisfaction section says so)
        body = (f'<p class="note">{escape(THEMES_NOTE)}</p>{_table(tables["comment_themes"])}'
                if "comment_themes" in tables else f'<p class="meta">{escape(themes.message or "")}</p>')
        sections.append(_section("comment-themes", themes.heading, body))
    actioned = tables["anomalies_actioned"]
    sections.append(_section("usage", "Acting on usage", _tiles([content.headline("actioned"),
                                                                  content.headline("hours_saved")])
                             + (_table(actioned) or f'<p class="meta">{NO_ACTIONED}</p>')))
    sections.append(_section("self-service", "Self-service opportunities", chart("self_service")))
    if content.feedback is not None:
        sections.append(feedback_html(content.feedback))
    sections.append(_section("initiatives", "Performance initiatives", _initiatives(content.initiatives)))
    for anchor, title, text in (("achievements", "Achievements", pack.texts.achievements),
                                ("plans", "Plans", pack.texts.plans)):
        if text.strip():
            sections.append(_section(anchor, title, f'<div class="text">{_paragraphs(text)}</div>'))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Management pack: {escape(content.title)}</title><style>{_STYLE}</style></head>"
            f"<body>{header}{''.join(sections)}</body></html>\n")
