"""The management pack's charts as inline SVG, for the self-contained HTML report.

Drawn here from the same :class:`~infodash.pack.Chart` the PowerPoint deck draws, as plain SVG
elements: nothing to download, no script, crisp when printed, a few kilobytes a chart. Horizontal
bars (grouped, one colour per series, the value written at the end of each bar) and lines over
categories (gaps where a value is missing, e.g. a week without judged requests).
"""

from __future__ import annotations

import math
from html import escape

from infodash.formatting import PALETTE, format_figure
from infodash.pack import Chart

WIDTH = 900
FONT = "font-family:Arial,Helvetica,sans-serif"
_MUTED, _GRID = "#6c757d", "#dee2e6"
_LABEL_CHARS = 34


def _step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` ticks over ``span``."""
    rough = span / count
    power = 10 ** math.floor(math.log10(rough))
    return next(power * factor for factor in (1, 2, 2.5, 5, 10) if power * factor >= rough)


def _domain(chart: Chart) -> tuple[float, float]:
    """The value axis: the chart's own range, else from zero (or the lowest value, when below zero) to the
    largest value, widened to round ticks."""
    if chart.value_range:
        return chart.value_range
    values = [value for _, series in chart.series for value in series if value is not None] or [0.0]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    step = _step((high - low) or 1.0)
    return math.floor(low / step) * step, math.ceil(high / step) * step or step


def _ticks(low: float, high: float) -> list[float]:
    step = _step(high - low, 4)
    first = math.ceil(low / step - 1e-9) * step
    return [first + step * number for number in range(int((high - first) / step + 1e-9) + 1)]


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS - 1] + "\u2026"


def _colour(chart: Chart, number: int) -> str:
    return "#6c757d" if chart.key == "nps" and number else PALETTE[number % len(PALETTE)]


def _legend(chart: Chart) -> tuple[str, int]:
    """The series names with their colours across the top (none for a single series), and its height."""
    if len(chart.series) < 2:
        return "", 0
    parts, x = [], 10
    for number, (name, _) in enumerate(chart.series):
        parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{_colour(chart, number)}"/>'
                     f'<text x="{x + 20}" y="18" font-size="14">{escape(name)}</text>')
        x += 40 + 8 * len(name)
    return "".join(parts), 30


def _frame(chart: Chart, height: int, body: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-label="{escape(chart.title)}" style="{FONT}"><title>{escape(chart.title)}</title>{body}</svg>')


def bar_svg(chart: Chart) -> str:
    """Horizontal grouped bars, the first category at the top."""
    legend, top = _legend(chart)
    left, right, bar, gap = 260, 70, 16, 12
    low, high = _domain(chart)
    plot = WIDTH - left - right

    def x(value: float) -> float:
        return left + plot * (value - low) / (high - low)

    group = bar * len(chart.series) + gap
    height = top + 30 + group * len(chart.categories)
    parts = [legend]
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{height - 24}" stroke="{_GRID}"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 6}" font-size="12" fill="{_MUTED}" text-anchor="middle">'
                     f'{escape(format_figure(tick, chart.value_kind))}</text>')
    for position, category in enumerate(chart.categories):
        y0 = top + position * group
        parts.append(f'<text x="{left - 8}" y="{y0 + group / 2 + 2:.1f}" font-size="14" text-anchor="end">'
                     f'{escape(_short(category))}</text>')
        for number, (_, values) in enumerate(chart.series):
            value = values[position]
            if value is None:
                continue
            start, end = sorted((x(0.0 if low <= 0 <= high else low), x(value)))
            y = y0 + number * bar
            parts.append(f'<rect x="{start:.1f}" y="{y}" width="{max(end - start, 1):.1f}" height="{bar - 2}" '
                         f'fill="{_colour(chart, number)}"/>'
                         f'<text x="{end + 4:.1f}" y="{y + bar - 4}" font-size="12">'
                         f'{escape(format_figure(value, chart.value_kind))}</text>')
    return _frame(chart, height, "".join(parts))


def line_svg(chart: Chart) -> str:
    """Lines over the categories, a marker at each value, a gap where a value is missing."""
    legend, top = _legend(chart)
    left, right, height = 70, 20, 340
    bottom = height - 40
    low, high = _domain(chart)
    count = len(chart.categories)
    step = (WIDTH - left - right) / max(count, 1)  # each category centred in its band
    left += step / 2

    def y(value: float) -> float:
        return bottom - (bottom - top - 10) * (value - low) / (high - low)

    parts = [legend]
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{left - step / 2:.1f}" y1="{y(tick):.1f}" x2="{WIDTH - right}" y2="{y(tick):.1f}" '
                     f'stroke="{_GRID}"/><text x="{left - step / 2 - 6:.1f}" y="{y(tick) + 4:.1f}" font-size="12" '
                     f'fill="{_MUTED}" text-anchor="end">'
                     f'{escape(format_figure(tick, chart.value_kind))}</text>')
    every = max(1, -(-count // 14))  # at most 14 labels along the axis
    for position, category in enumerate(chart.categories):
        if position % every == 0:
            parts.append(f'<text x="{left + position * step:.1f}" y="{bottom + 20}" font-size="12" fill="{_MUTED}" '
                         f'text-anchor="middle">{escape(_short(category))}</text>')
    for number, (_, values) in enumerate(chart.series):
        colour, width = _colour(chart, number), 3 if number == 0 else 2
        dash = ' stroke-dasharray="6 4"' if chart.key == "nps" and number else ""
        runs: list[list[str]] = [[]]
        for position, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            point = f"{left + position * step:.1f},{y(value):.1f}"
            runs[-1].append(point)
            if number == 0 or not dash:
                parts.append(f'<circle cx="{left + position * step:.1f}" cy="{y(value):.1f}" r="4" fill="{colour}">'
                             f'<title>{escape(chart.categories[position])}: '
                             f'{escape(format_figure(value, chart.value_kind))}</title></circle>')
        parts.extend(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
                     for run in runs if len(run) > 1)
    return _frame(chart, height, "".join(parts))


def chart_svg(chart: Chart) -> str:
    """``chart`` as an inline ``<svg>`` element (no namespace or link: it lives inside an HTML page)."""
    return bar_svg(chart) if chart.kind == "bar" else line_svg(chart)
