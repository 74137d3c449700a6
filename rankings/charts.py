"""Charts as inline SVG, made on the server: the same markup shows on the page and in the PDF (WeasyPrint
renders SVG), and no script or CDN is needed on a bureau's intranet. Pure functions: data in, markup out."""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC, sans-serif"
BLUE = "#1f4e8c"
GREY = "#b9c2cf"
PALETTE = ("#1f4e8c", "#c8102e", "#1c7c3a", "#b7791f", "#6b46c1", "#2b6cb0", "#9c4221", "#2c7a7b")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    marked: bool = False  # drawn in the accent colour (e.g. flagged, top three)


def bar_chart(bars: list[Bar], *, maximum: Decimal = Decimal(100), width: int = 560, title: str = "") -> SafeString:
    """Horizontal bars, one row per item, with the value at the end of the bar."""
    row, label_width, top = 22, 170, 24 if title else 6
    height = top + row * len(bars) + 8
    span = width - label_width - 60
    parts = [_open(width, height, title)]
    if title:
        parts.append(_text(8, 16, title, size=12, weight="bold"))
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(_text(label_width - 6, y + 14, _short(bar.label, 14), anchor="end"))
        value = Decimal(bar.value or 0)
        length = 0 if not maximum else float(min(value, maximum) / maximum) * span
        colour = PALETTE[1] if bar.marked else BLUE
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="13" fill="{colour}"/>')
        shown = "—" if bar.value is None else f"{bar.value}"
        parts.append(_text(label_width + length + 4, y + 14, shown))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped in _text


@dataclass(frozen=True)
class Series:
    label: str
    points: list  # [Decimal | None] aligned with the chart's x labels


def line_chart(
    x_labels: list[str],
    series: list[Series],
    *,
    maximum: Decimal = Decimal(100),
    width: int = 560,
    height: int = 200,
    title: str = "",
) -> SafeString:
    """Lines over periods (x) with values from 0 to `maximum` (y); a gap where a value is missing."""
    left, right, top, bottom = 36, 12, 26 if title else 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_open(width, height + 16 * ((len(series) + 3) // 4), title)]
    if title:
        parts.append(_text(8, 16, title, size=12, weight="bold"))
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GREY}" stroke-width="0.5"/>'
        )
        parts.append(_text(left - 4, y + 4, f"{maximum * step / 4:.0f}", anchor="end", size=9))
    count = max(len(x_labels), 1)

    def x_of(index):
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    for index, label in enumerate(x_labels):
        if count <= 8 or index % ((count + 7) // 8) == 0 or index == count - 1:
            parts.append(_text(x_of(index), top + plot_h + 14, label, anchor="middle", size=8))
    for number, line in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        segment = []
        for index, value in enumerate(line.points):
            if value is None:
                parts.append(_polyline(segment, colour))
                segment = []
                continue
            y = top + plot_h - plot_h * float(min(Decimal(value), maximum) / maximum)
            segment.append((x_of(index), y))
            parts.append(f'<circle cx="{x_of(index):.1f}" cy="{y:.1f}" r="2.2" fill="{colour}"/>')
        parts.append(_polyline(segment, colour))
        legend_x = left + (number % 4) * (plot_w / 4)
        legend_y = height + 4 + 16 * (number // 4)
        parts.append(f'<rect x="{legend_x:.1f}" y="{legend_y - 8}" width="10" height="3" fill="{colour}"/>')
        parts.append(_text(legend_x + 14, legend_y - 4, _short(line.label, 12), size=9))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped in _text


def _open(width, height, title):
    label = escape(title) if title else "chart"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}" font-family="{FONT}" class="chart">'
    )


def _text(x, y, text, *, anchor="start", size=10, weight="normal"):
    return (
        f'<text x="{float(x):.1f}" y="{float(y):.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="#1d2430">{escape(str(text))}</text>'
    )


def _polyline(points, colour):
    if len(points) < 2:
        return ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"/>'


def _short(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
