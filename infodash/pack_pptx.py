"""The management pack as a PowerPoint deck (python-pptx): one idea per slide, native charts that stay
editable in PowerPoint (their numbers live in the deck, not in pictures), large type for a projector,
and speaker notes that explain every number on the slide.

Slides, in order: the title (period, filters, who made it); what changed (the biggest significant movers
from the previous period, in words); requests at a glance; requests by service;
requests by customer group; service levels against each policy; the service-level trend; customers at
a glance; reach across the organisation; satisfaction (the latest wave); its RATER dimensions; NPS with
its margin of error; what customers said (when comments were chosen); the comment themes of the latest
wave; acting on usage; the performance initiatives (a table, a few to a slide); achievements and plans
(when written). A section without data says so on its slide rather than showing an empty chart.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.util import Inches, Pt

from infodash.formatting import PALETTE, VERDICT_COLOURS, format_figure, format_p_value
from infodash.initiatives import RECENT_WEEKS, VERDICT_COLOUR
from infodash.movers import DEFINITION as WHAT_CHANGED_DEFINITION
from infodash.pack import NO_ACTIONED, NO_SURVEY, QUOTING_RULE, Chart, Headline, ManagementPack, PackContent
from infodash.pack_feedback import TITLE as FEEDBACK_TITLE
from infodash.pack_feedback import feedback_lines, feedback_notes
from infodash.pack_initiatives import INITIATIVES_NOTE, NO_INITIATIVES, VERDICT_KEYS
from infodash.pack_themes import THEMES_NOTE, THEMES_TITLE
from infodash.spreadsheets import neutralised

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
TITLE_SIZE, BODY_SIZE, CHART_SIZE, SMALL_SIZE = Pt(36), Pt(24), Pt(16), Pt(16)
INK, MUTED = RGBColor(0x21, 0x25, 0x29), RGBColor(0x6C, 0x75, 0x7D)
_NUMBER_FORMATS = {"share": "0%", "count": "#,##0", "hours": "0.0", "score": "0.00"}
_REQUEST_TILES = ("received", "resolved", "median_resolution_hours", "attainment", "declined")
THEMES_ON_SLIDE = 8  # the largest themes shown on the slide (the table in the workbook has them all)
_CUSTOMER_TILES = ("touchpoints", "customers_served", "reach_share", "actioned", "hours_saved")


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.removeprefix("#"))


def _text(slide: Slide, left: int, top: int, width: int, height: int, lines: list[str], size: Pt,
          bold: bool = False, colour: RGBColor = INK, align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    """A text box with one paragraph per line."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(6)
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = size, bold, colour


def _slide(deck: Presentation, title: str, notes: list[str]) -> Slide:
    """A blank slide with its title and speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    slide.shapes.title.text = title
    for paragraph in slide.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.bold = TITLE_SIZE, True
    slide.shapes.title.left, slide.shapes.title.top = MARGIN, Inches(0.3)
    slide.shapes.title.width, slide.shapes.title.height = WIDTH - 2 * MARGIN, Inches(1.0)
    slide.shapes.title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def _tiles(slide: Slide, headlines: list[Headline], top: int = Inches(1.6), left: int = MARGIN,
           width: int = WIDTH - 2 * MARGIN, height: int = Inches(4.6)) -> None:
    """One tile per figure side by side: the value large, its label, and how it compares."""
    gap = Inches(0.25)
    tile = int((width - gap * (len(headlines) - 1)) / max(len(headlines), 1))
    for number, headline in enumerate(headlines):
        x = left + number * (tile + gap)
        box = slide.shapes.add_shape(1, x, top, tile, height)  # a rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF4, 0xF6, 0xF8)
        box.line.color.rgb = RGBColor(0xDE, 0xE2, 0xE6)
        value_size = _fitting_size(headline.text, tile)
        _text(slide, x, top + Inches(0.25), tile, Inches(1.2), [headline.text], value_size, bold=True,
              colour=_colour(VERDICT_COLOURS[headline.verdict] if headline.verdict else PALETTE[0]),
              align=PP_ALIGN.CENTER)
        _text(slide, x, top + Inches(1.5), tile, Inches(0.9), [headline.label], Pt(18), bold=True,
              align=PP_ALIGN.CENTER)
        changes = [headline.verdict_text()] if headline.verdict else []
        changes += [f"{format_figure(change.change, headline.kind, signed=True)} vs {change.short}"
                    if change.has_data else f"no data for {change.short}" for change in headline.changes]
        _text(slide, x, top + Inches(2.5), tile, height - Inches(2.6), changes, SMALL_SIZE, colour=MUTED,
              align=PP_ALIGN.CENTER)


def _fitting_size(text: str, width: int, largest: int = 40, smallest: int = 16) -> Pt:
    """The largest type size (points) at which ``text`` fits on one line of a box ``width`` EMU wide: a bold
    figure's characters take up to 0.72 of the size each (Calibri's take 0.51, but a viewer without it
    substitutes a wider font such as DejaVu Sans), and the box keeps 0.1 inch each side."""
    room = width / 12_700 - 14.4
    return Pt(max(smallest, min(largest, int(room / (0.72 * max(len(text), 1))))))


def _chart(slide: Slide, chart: Chart, top: int = Inches(1.4), left: int = MARGIN,
           width: int | None = None, height: int | None = None) -> None:
    """``chart`` as a native PowerPoint chart (editable, its numbers in the deck's embedded workbook, where
    names that would run as formulas are kept as text)."""
    data = CategoryChartData(number_format=_NUMBER_FORMATS[chart.value_kind])
    data.categories = [neutralised(category) for category in chart.categories]
    for name, values in chart.series:
        data.add_series(neutralised(name), list(values))
    kind = XL_CHART_TYPE.BAR_CLUSTERED if chart.kind == "bar" else XL_CHART_TYPE.LINE_MARKERS
    width = width or WIDTH - 2 * MARGIN
    height = height or HEIGHT - top - Inches(0.4)
    drawn = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    drawn.font.size = CHART_SIZE
    drawn.has_legend = len(chart.series) > 1
    if drawn.has_legend:
        drawn.legend.position, drawn.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
        drawn.legend.font.size = CHART_SIZE
    if chart.kind == "bar":
        drawn.category_axis.reverse_order = True  # the first category at the top, as read
    drawn.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # below the plot, even under zero
    drawn.value_axis.has_major_gridlines = True
    drawn.value_axis.tick_labels.number_format = _NUMBER_FORMATS[chart.value_kind]
    drawn.value_axis.tick_labels.number_format_is_linked = False
    if chart.value_range:
        drawn.value_axis.minimum_scale, drawn.value_axis.maximum_scale = chart.value_range
    plot = drawn.plots[0]
    if chart.kind == "bar":
        plot.gap_width = 60
        plot.has_data_labels = True
        plot.data_labels.number_format = _NUMBER_FORMATS[chart.value_kind]
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = CHART_SIZE
    for number, series in enumerate(plot.series):
        colour = _colour(PALETTE[number % len(PALETTE)] if not (chart.key == "nps" and number) else "#6c757d")
        if chart.kind == "bar":
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
        else:
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(3 if number == 0 else 2)
            if chart.key == "nps" and number:  # the margin of error's bounds
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.smooth = False


def _chart_slide(deck: Presentation, title: str, chart: Chart | None, missing: str) -> None:
    """One chart filling a slide, its numbers read out in the notes; or a sentence saying why there is none."""
    if chart is None:
        slide = _slide(deck, title, [missing])
        _text(slide, MARGIN, Inches(3), WIDTH - 2 * MARGIN, Inches(1.5), [missing], BODY_SIZE, colour=MUTED)
        return
    _chart(_slide(deck, title, chart.describe()), chart)


def _text_slide(deck: Presentation, title: str, text: str, notes: str) -> None:
    """A slide of the lead's own words, one paragraph per line, the type smaller as the text grows."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    weight = max(len(text), 80 * len(lines))  # a short line takes a whole line's height
    size = Pt(24) if weight <= 500 else Pt(20) if weight <= 1_000 else Pt(16)
    slide = _slide(deck, title, [notes])
    _text(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, HEIGHT - Inches(2), lines, size)


def _title_slide(deck: Presentation, pack: ManagementPack) -> None:
    content = pack.content
    slide = _slide(deck, "Management pack", [f"{content.title}. Scope: {content.scope}.", content.provenance])
    _text(slide, MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(3.5), [content.title, content.scope, pack.made_line],
          BODY_SIZE)
    if content.partial:
        _text(slide, MARGIN, Inches(5.6), WIDTH - 2 * MARGIN, Inches(1), ["Partial period: figures so far."],
              BODY_SIZE, bold=True, colour=_colour(PALETTE[3]))


def _what_changed_slide(deck: Presentation, content: PackContent) -> None:
    """The pack's first page: the biggest significant movers from the previous period, in words."""
    changes = content.what_changed
    if changes is None:
        return
    tests = [f"{row.sentence} ({row.test}, p {format_p_value(row.p_value, named=False)}, adjusted "
             f"{format_p_value(row.adjusted_p_value, named=False)})" for row in changes.movers.itertuples()]
    slide = _slide(deck, "What changed", [changes.summary, *tests, WHAT_CHANGED_DEFINITION])
    length = sum(len(sentence) for sentence in changes.sentences)  # five long sentences must still fit
    _text(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.6), changes.sentences,
          Pt(24) if length <= 350 else Pt(20) if length <= 550 else Pt(16))
    _text(slide, MARGIN, HEIGHT - Inches(1), WIDTH - 2 * MARGIN, Inches(0.6), [changes.summary], SMALL_SIZE,
          colour=MUTED)


def _tile_slide(deck: Presentation, title: str, headlines: list[Headline]) -> Slide:
    slide = _slide(deck, title, [headline.note() for headline in headlines])
    _tiles(slide, headlines)
    return slide


def _comments_slide(deck: Presentation, pack: ManagementPack) -> None:
    quoted = pack.quoted_comments
    if quoted.empty:
        return
    slide = _slide(deck, "What customers said", [QUOTING_RULE])
    lines = [f"\u201c{row.comment}\u201d \u2014 {row.customer_group}, {row.wave}" for row in quoted.itertuples()]
    _text(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, HEIGHT - Inches(2), lines,
          Pt(22) if sum(map(len, lines)) < 700 else Pt(16))


def _themes_slide(deck: Presentation, pack: ManagementPack) -> None:
    """The latest wave's comment themes as a native table (name, comments, average score, groups, a typical
    comment), largest first; or why there are none. No slide when no survey wave had opened."""
    themes = pack.content.themes
    if themes is None or themes.survey is None:
        return
    table = themes.table()
    lines = [f"{row.label}: {row.comments} comments; {themes.score_label.lower()} {row.average_score}; groups: "
             f"{row.groups}; for example \u201c{row.typical_comment}\u201d" for row in table.itertuples()]
    slide = _slide(deck, THEMES_TITLE, [themes.heading, THEMES_NOTE, *lines])
    _text(slide, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(0.5), [themes.heading.removeprefix(
        f"{THEMES_TITLE}: ")], SMALL_SIZE, colour=MUTED)
    if table.empty:
        _text(slide, MARGIN, Inches(3), WIDTH - 2 * MARGIN, Inches(1.5), [themes.message or ""], BODY_SIZE,
              colour=MUTED)
        return
    shown = table.head(THEMES_ON_SLIDE)
    headers = ["Theme", "Comments", themes.score_label, "Customer groups", "Typical comment"]
    columns = ("label", "comments", "average_score", "groups", "typical_comment")
    widths = (Inches(2.6), Inches(1.3), Inches(1.6), Inches(3.0), WIDTH - 2 * MARGIN - Inches(8.5))
    grid = slide.shapes.add_table(len(shown) + 1, len(columns), MARGIN, Inches(1.8), WIDTH - 2 * MARGIN,
                                  Inches(0.4) * (len(shown) + 1)).table
    for number, width in enumerate(widths):
        grid.columns[number].width = width
    # at most two lines a cell (about 30 characters a line in 12-point type): the deck's nine rows fit the slide
    limits = {"label": 60, "comments": 10, "average_score": 30, "groups": 60, "typical_comment": 75}
    for row_number, values in enumerate([headers, *([_fitted(str(getattr(row, column)), limits[column])
                                                     for column in columns] for row in shown.itertuples())]):
        for column_number, value in enumerate(values):
            cell = grid.cell(row_number, column_number)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(12), row_number == 0


def _fitted(text: str, limit: int) -> str:
    """``text`` cut at a word before ``limit`` characters with "..." (a table cell of a slide holds about that
    much; the workbook and the HTML report have it whole)."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;") + " ..."


def _usage_slide(deck: Presentation, content: PackContent) -> None:
    actioned, saved = content.headline("actioned"), content.headline("hours_saved")
    done = [f"{row.anomaly} ({row.subject}): {row.what_was_done}" for row in content.actioned.itertuples()]
    slide = _slide(deck, "Acting on usage", [actioned.note(), saved.note(), *done])
    _tiles(slide, [actioned, saved], top=Inches(1.5), width=Inches(4.4), height=Inches(4.2))
    _text(slide, MARGIN + Inches(4.8), Inches(1.5), WIDTH - 2 * MARGIN - Inches(4.8), Inches(5.2),
          done[:6] or [NO_ACTIONED], Pt(18))


def _you_said_we_did_slide(deck: Presentation, content: PackContent) -> None:
    section = content.feedback
    slide = _slide(deck, FEEDBACK_TITLE, feedback_notes(section))
    _text(slide, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(0.8), [section.summary()], SMALL_SIZE, colour=MUTED)
    lines = feedback_lines(section)
    _text(slide, MARGIN, Inches(2.1), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.6), lines,
          Pt(18) if sum(map(len, lines)) < 700 else Pt(16))
INITIATIVES_PER_SLIDE = 5
_INITIATIVE_CELLS = (("perspective", "Perspective", 1.6), ("initiative", "Initiative", 3.3), ("target", "Target", 3.3),
                     ("baseline", "Baseline", 1.2), ("actual", f"Last {RECENT_WEEKS} weeks", 1.3),
                     ("verdict", "Verdict", 1.4))


def _initiatives_slides(deck: Presentation, content: PackContent) -> None:
    """The performance initiatives as a native table, a few to a slide: target, baseline, actual and the verdict
    in its colour; the notes give each initiative's figures in a sentence and the rules behind them."""
    frame = content.initiatives
    if frame.empty:
        _chart_slide(deck, "Performance initiatives", None, NO_INITIATIVES)
        return
    for first in range(0, len(frame), INITIATIVES_PER_SLIDE):
        rows = frame.iloc[first:first + INITIATIVES_PER_SLIDE]
        title = "Performance initiatives" + (" (continued)" if first else "")
        slide = _slide(deck, title, [INITIATIVES_NOTE, *(f"{row.initiative}: {row.summary}"
                                                         for row in rows.itertuples())])
        table = slide.shapes.add_table(len(rows) + 1, len(_INITIATIVE_CELLS), MARGIN, Inches(1.4),
                                       WIDTH - 2 * MARGIN, Inches(0.5) * (len(rows) + 1)).table
        for column, (_, heading, inches) in enumerate(_INITIATIVE_CELLS):
            table.columns[column].width = Inches(inches)
            _cell_text(table.cell(0, column), heading, bold=True)
        for number, row in enumerate(rows.itertuples(), start=1):
            for column, (name, _, _) in enumerate(_INITIATIVE_CELLS):
                value = str(getattr(row, name))
                colour = _colour(VERDICT_COLOUR[VERDICT_KEYS[value]]) if name == "verdict" else INK
                # as typed: a table, unlike a chart's workbook, runs no formula
                _cell_text(table.cell(number, column), value, bold=name == "verdict", colour=colour)


def _cell_text(cell: object, text: str, bold: bool = False, colour: RGBColor = INK) -> None:
    frame = cell.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = SMALL_SIZE, bold, colour


def render_pptx(pack: ManagementPack) -> bytes:
    """The pack as a .pptx file's bytes."""
    content = pack.content
    charts = {chart.key: chart for chart in pack.charts()}
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT

    def chart_slide(title: str, key: str) -> None:
        _chart_slide(deck, title, charts.get(key), pack.why_no_chart(key))

    _title_slide(deck, pack)
    _what_changed_slide(deck, content)
    _tile_slide(deck, "Requests at a glance", [content.headline(key) for key in _REQUEST_TILES])
    chart_slide("Requests by service", "requests_by_service")
    chart_slide("Requests by customer group", "requests_by_group")
    chart_slide("Service levels against each policy", "service_levels")
    chart_slide("Service-level trend", "attainment_trend")
    _tile_slide(deck, "Customers at a glance", [content.headline(key) for key in _CUSTOMER_TILES])
    chart_slide("Reach across the organisation", "reach")
    survey = content.survey.satisfaction
    if survey is None:
        _chart_slide(deck, "Satisfaction", None, NO_SURVEY)
    else:
        slide = _slide(deck, "Satisfaction", [f"The latest survey wave by the end of the period: {survey.wave_line}.",
                                              *(headline.note() for headline in survey.headlines)])
        _text(slide, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(0.5), [survey.wave_line], SMALL_SIZE,
              colour=MUTED)
        _tiles(slide, list(survey.headlines), top=Inches(1.9))
        chart_slide("How customers rate each dimension", "dimensions")
        chart_slide("Net Promoter Score", "nps")
    _comments_slide(deck, pack)
    _themes_slide(deck, pack)
    _usage_slide(deck, content)
    chart_slide("Self-service opportunities", "self_service")
    if content.feedback is not None:
        _you_said_we_did_slide(deck, content)
    _initiatives_slides(deck, content)
    for title, text in (("Achievements", pack.texts.achievements), ("Plans", pack.texts.plans)):
        if text.strip():
            _text_slide(deck, title, text, "Written by the lead for this pack.")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
