"""The self-contained HTML report of the management pack: nothing fetched from anywhere, the headline
figures shown as the library computes them, charts drawn inline, print styles, and typed text escaped."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest

from infodash.pack import ManagementPack, PackTexts, pack_content
from infodash.formatting import VERDICT_COLOURS, target_verdict
from infodash.pack_html import render_html
from infodash.periods import Period, parse_period
from infodash.review import period_figures
from infodash.sla_reports import attainment_by
from tests.conftest import LONDON, at

NOW = at("2026-11-23 12:00")
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))


@pytest.fixture(scope="module")
def report(module_demo_store) -> tuple[str, ManagementPack]:
    content = pack_content(module_demo_store, parse_period("2026-Q3"), LONDON, now=NOW)
    texts = PackTexts("Launched <script>alert('x')</script> alerts & briefings", "Extend chat hours",
                      tuple(int(response_id) for response_id in content.survey.comment_choices["response_id"][:1]))
    pack = ManagementPack(content, texts, "Ana Costa", NOW)
    return render_html(pack), pack


@pytest.mark.parametrize("fetch", ["http://", "https://", "//cdn", "<script", "<link", "<img", "<iframe", "src=",
                                   "@import", "url(", "xmlns"])
def test_the_report_refers_to_nothing_outside_itself(report, fetch):
    html, _ = report
    assert fetch not in html.lower()


def test_the_headline_figures_are_the_librarys(report, module_demo_store):
    html, _ = report
    figures = period_figures(module_demo_store, [Q3], LONDON).iloc[0]
    attainment = attainment_by(module_demo_store, "all", Q3, LONDON, now=NOW)["attainment"].iloc[0]
    for value in (f"{int(figures['received']):,}", f"{int(figures['resolved']):,}",
                  f"{figures['median_resolution_hours']:.1f} h",
                  f"{int(figures['customers_served']):,}", f"{figures['reach_share'] * 100:.1f}%"):
        assert f'<div class="value">{value}</div>' in html
    # attainment says its verdict against the 95% promise, in the verdict's colour
    verdict = target_verdict(attainment, 0.95)
    assert (f'<div class="value" style="color: {VERDICT_COLOURS[verdict]}">{attainment * 100:.1f}%</div>'
            in html)
    assert ("target 95%: met" if verdict == "met" else f"{(0.95 - attainment) * 100:.1f} pts below the 95% target") \
        in html


def test_each_chart_is_drawn_inline_with_the_table_behind_it(report):
    html, pack = report
    charts = pack.charts()
    assert html.count("<svg") == len(charts) == 8  # with the self-service opportunities
    for chart in charts:
        assert f'aria-label="{chart.title.replace("&", "&amp;")}"' in html
    assert html.count("<table>") >= len(charts)


def test_it_prints_a_section_a_page_in_landscape(report):
    html, _ = report
    assert "@page { size: A4 landscape" in html
    print_rules = re.search(r"@media print \{(.*?)\n\}", html, re.S).group(1)
    assert "section { break-before: page" in print_rules and "break-inside: avoid" in print_rules


def test_what_people_typed_is_shown_as_text(report):
    html, pack = report
    assert "Launched &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; alerts &amp; briefings" in html
    comment = pack.quoted_comments["comment"].iloc[0]
    assert comment.replace("'", "&#x27;").replace('"', "&quot;") in html


def test_the_comment_themes_of_the_latest_wave_are_tabled_with_what_customers_wrote_escaped(report):
    html, pack = report
    themes = pack.content.themes
    assert themes is not None and themes.themes.found
    section = re.search(r'<section id="comment-themes">(.*?)</section>', html, re.S).group(1)
    assert f"<h2>Comment themes: {themes.survey}, {themes.wave}</h2>".replace("&", "&amp;") in section
    table = themes.table()
    for row in table.itertuples():
        assert f"<td>{row.label}</td>" in section
        assert f"<td>{row.typical_comment.replace(chr(39), '&#x27;')}</td>" in section
    assert "fewer than 5 comments shows no average score" in section


def test_the_first_section_says_what_changed_with_the_tests_behind_it(report):
    html, pack = report
    changes = pack.content.what_changed
    assert html.index('<section id="what-changed">') < html.index('<section id="requests">')
    section = html[html.index('<section id="what-changed">'):html.index('<section id="requests">')]
    assert all(f"<li>{escape(sentence)}</li>" in section for sentence in changes.sentences)
    assert escape(changes.summary) in section
    assert all(escape(row.test) in section for row in changes.movers.itertuples())
