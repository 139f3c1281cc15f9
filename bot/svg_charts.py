"""Charts drawn on the server as SVG: no script, no library, nothing fetched.

`svg(chart)` turns a `handlers.reports.charts.Chart` into one self-contained <svg> element
that scales to its container (a phone's width as well as a printed page). Colours are
presentation attributes, not styles, so a page whose Content-Security-Policy forbids
inline styles still shows them. Every drawn mark carries its figure in a <title> (shown on
hover or long-press) and in data-label / data-series / data-value attributes, so a test
can check what was drawn. All text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from handlers.reports.charts import Chart, Style

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 56
LEGEND_ROW = 18
# Colour-blind-safe (Okabe-Ito), readable in greyscale print by lightness steps.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_top(value: float) -> tuple[float, float]:
    """An axis top at or above `value` and a tick step of 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0, 1.0 if value == 0 else 0.2
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def svg(chart: Chart) -> str:
    series = chart.series
    labels = chart.labels
    legend_rows = math.ceil(len(series) / 3)
    height = HEIGHT + legend_rows * LEGEND_ROW
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    values = [list(s.values) for s in series]
    if chart.style == Style.STACKED:
        highest = max(
            (sum(row[i] or 0 for row in values) for i in range(len(labels))), default=0.0
        )
    else:
        highest = max((v or 0 for row in values for v in row), default=0.0)
    top, step = _nice_top(float(highest))
    if chart.decimals == 0 and step < 1:
        # Counts: no tick at half a ticket.
        top, step = max(1.0, math.ceil(top)), 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-label="{escape(chart.title)}" '
        f'data-chart="{escape(chart.key)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(chart.title)}</title>",
    ]

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * (value / top if top else 0)

    tick = 0.0
    while tick <= top + step / 2:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#444">'
            f"{_number(tick, 0 if step >= 1 else 1)}</text>"
        )
        tick += step
    slot = plot_w / max(len(labels), 1)
    every = max(1, math.ceil(len(labels) * 48 / plot_w))
    for index, name in enumerate(labels):
        if index % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 14}" text-anchor="end" fill="#444" '
            f'transform="rotate(-30 {x:.1f} {TOP + plot_h + 14})">{escape(name[:16])}</text>'
        )
    parts += _marks(chart, values, slot, y)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        'stroke="#666" stroke-width="1"/>'
    )
    for index, s in enumerate(series):
        lx = LEFT + (index % 3) * (plot_w / 3)
        ly = HEIGHT + (index // 3) * LEGEND_ROW
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colour(index)}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}" fill="#222">{escape(s.name[:28])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _mark_title(chart: Chart, label: str, series: str, value: float | None) -> str:
    shown = chart.figure(value) or "-"
    return (
        f'data-label="{escape(label)}" data-series="{escape(series)}" '
        f'data-value="{escape(chart.figure(value))}"><title>{escape(label)} · '
        f"{escape(series)}: {escape(shown)}</title>"
    )


def _marks(
    chart: Chart,
    values: list[list[float | None]],
    slot: float,
    y: Callable[[float], float],
) -> list[str]:
    parts: list[str] = []
    labels = chart.labels
    if chart.style == Style.LINES:
        for index, s in enumerate(chart.series):
            points: list[str] = []
            for at, value in enumerate(values[index]):
                x = LEFT + slot * (at + 0.5)
                if value is None:
                    parts.extend(_polyline(points, colour(index)))
                    points = []
                    continue
                points.append(f"{x:.1f},{y(value):.1f}")
                parts.append(
                    f'<circle class="mark" cx="{x:.1f}" cy="{y(value):.1f}" r="3" '
                    f'fill="{colour(index)}" '
                    + _mark_title(chart, labels[at], s.name, value)
                    + "</circle>"
                )
            parts.extend(_polyline(points, colour(index)))
        return parts
    count = len(chart.series)
    for at, label in enumerate(labels):
        left = LEFT + slot * at + slot * 0.15
        inner = slot * 0.7
        base = 0.0
        for index, s in enumerate(chart.series):
            value = values[index][at]
            if not value:
                continue
            if chart.style == Style.STACKED:
                x, width = left, inner
                top, bottom = y(base + value), y(base)
                base += value
            else:
                width = inner / count
                x = left + width * index
                top, bottom = y(value), y(0)
            parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{top:.1f}" width="{max(width - 1, 1):.1f}" '
                f'height="{max(bottom - top, 0.5):.1f}" fill="{colour(index)}" '
                + _mark_title(chart, label, s.name, value)
                + "</rect>"
            )
    return parts


def _polyline(points: list[str], stroke: str) -> list[str]:
    if len(points) < 2:
        return []
    return [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{stroke}" stroke-width="2"/>'
    ]
