"""Chart geometry for server-side SVG: pure functions from figures to shapes (no Flask, no database).

Templates draw the shapes (templates/insights/_charts.html); every chart is shown beside a
table holding the same figures, so the SVG is decorative for screen readers apart from its title.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
ROW = 32
LABEL_WIDTH = 230
PLOT_HEIGHT = 220
MARGIN = 36


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    y: float
    width: float
    height: float
    value_text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    axis_x: float
    ticks: list[tuple[float, str]] = field(default_factory=list)


def percent_bars(items: list[tuple[str, float | None]]) -> BarChart:
    """Horizontal bars from 0 to 100 percent, one per (label, percent); None draws no bar."""
    plot = WIDTH - LABEL_WIDTH - 64
    bars = []
    for index, (label, value) in enumerate(items):
        y = 8 + index * ROW
        width = plot * max(0.0, min(100.0, value)) / 100 if value is not None else 0
        bars.append(Bar(_short(label, 24), LABEL_WIDTH, y, width, ROW - 8,
                        f"{value:.0f}%" if value is not None else "–", LABEL_WIDTH + width + 6, y + ROW / 2))
    height = 8 + len(items) * ROW + 24
    ticks = [(LABEL_WIDTH + plot * p / 100, f"{p}%") for p in (0, 25, 50, 75, 100)]
    return BarChart(WIDTH, height, bars, LABEL_WIDTH, ticks)


def column_bars(items: list[tuple[str, int]]) -> BarChart:
    """Vertical columns of counts, one per (label, count), scaled to the largest."""
    top = max([v for _, v in items] + [1])
    slot = (WIDTH - 2 * MARGIN) / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        height = PLOT_HEIGHT * value / top
        x = MARGIN + index * slot + slot * 0.15
        y = 10 + PLOT_HEIGHT - height
        bars.append(Bar(label, x, y, slot * 0.7, height, str(value), x + slot * 0.35, y - 4))
    return BarChart(WIDTH, PLOT_HEIGHT + 40, bars, 10 + PLOT_HEIGHT)


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # "x,y x,y ..." for a polyline
    dash: str  # stroke-dasharray, so that series differ by more than colour
    colour: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    target_y: float | None
    target_label: str
    plot_left: float
    plot_right: float
    plot_bottom: float


SERIES_STYLES = (("0", "#0a58ca"), ("6 4", "#146c43"), ("2 4", "#6c757d"))


def line_chart(x_labels: list[str], series: list[tuple[str, list[int | None]]], target: int | None,
               target_label: str = "Everyone") -> LineChart:
    """Cumulative lines over equally spaced x labels, with an optional horizontal target line."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = max(values + ([target] if target else []) + [1])
    left, right, bottom, height = 52.0, WIDTH - 16.0, 10.0 + PLOT_HEIGHT, PLOT_HEIGHT
    step = (right - left) / max(len(x_labels) - 1, 1)

    def y(value: float) -> float:
        return bottom - height * value / top

    drawn = []
    for (name, vs), (dash, colour) in zip(series, SERIES_STYLES):
        points = " ".join(f"{left + i * step:.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None)
        drawn.append(Series(name, points, dash, colour))
    every = max(1, len(x_labels) // 8)
    labels = [(left + i * step, label) for i, label in enumerate(x_labels) if i % every == 0]
    ticks = [(y(top * f), f"{round(top * f)}") for f in (0, 0.25, 0.5, 0.75, 1)]
    return LineChart(WIDTH, PLOT_HEIGHT + 44, drawn, labels, ticks, y(target) if target else None, target_label,
                     left, right, bottom)


def _short(label: str, length: int) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"
