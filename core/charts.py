"""Charts as SVG, drawn on the server: one approach for pages and PDFs alike.

Why a small module and not matplotlib: the charts we need are bars, shares and short
trends; drawing them as a few ``<rect>``, ``<line>`` and ``<text>`` elements costs
microseconds, needs no fonts or backends, stays crisp at any size, renders the same in
Chromium and WeasyPrint, and can carry a proper accessible name. Colours are
presentation attributes (not ``style=``), so the strict Content Security Policy holds.

Every chart has a title, a one-sentence summary (the text alternative, also shown under
the chart) and rows for a data table (``includes/chart.html`` renders all three). A value
of ``None`` means "not shown" (suppressed or no data): no bar is drawn and the label
says why, so a hidden figure is never drawn by accident.

The figures come from query functions; this module only draws what it is given.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito palette: distinguishable with the common colour-vision differences.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TRACK = "#e9ecef"
INK = "#212529"
MUTED = "#595c5f"  # 7:1 on white

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    display: str = ""  # the text shown beside the bar, e.g. "82%" or "Suppressed (n < 5)"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass
class Chart:
    title: str
    summary: str
    svg: SafeString
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _open_svg(width: int, height: int, title: str, summary: str) -> tuple[str, str]:
    uid = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="sans-serif" font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(summary)}</desc>'
    )
    return head, "</svg>"


def bar_chart(
    *,
    title: str,
    summary: str,
    bars: Sequence[Bar],
    max_value: float | None = None,
    unit_label: str = "Value",
    width: int = 560,
) -> Chart:
    """Horizontal bars, one per row; ``max_value`` fixes the scale (e.g. 1 for shares)."""
    label_w, value_w, row_h, bar_h = 180, 130, 26, 14
    height = max(row_h * len(bars) + 8, 30)
    known = [b.value for b in bars if b.value is not None]
    top = max_value if max_value is not None else max([v for v in known if v > 0], default=1)
    plot_w = width - label_w - value_w
    head, tail = _open_svg(width, height, title, summary)
    parts = [head]
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        mid = y + row_h / 2 + 4
        parts.append(
            f'<text x="{label_w - 8}" y="{mid}" text-anchor="end" fill="{INK}">'
            f"{escape(_clip(bar.label, 28))}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + (row_h - bar_h) / 2}" width="{plot_w}" '
            f'height="{bar_h}" fill="{TRACK}" rx="3"/>'
        )
        if bar.value is not None and bar.value > 0 and top > 0:
            w = plot_w * min(bar.value / top, 1)
            parts.append(
                f'<rect x="{label_w}" y="{y + (row_h - bar_h) / 2}" width="{w:.1f}" '
                f'height="{bar_h}" fill="{PALETTE[0]}" rx="3"/>'
            )
        shown = bar.display or (_fmt(bar.value) if bar.value is not None else "Not shown")
        colour = INK if bar.value is not None else MUTED
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{mid}" fill="{colour}">{escape(shown)}</text>'
        )
    parts.append(tail)
    return Chart(
        title=title,
        summary=summary,
        svg=mark_safe("".join(parts)),  # noqa: S308 — every text above is escaped
        columns=["", unit_label],
        rows=[[b.label, b.display or ("" if b.value is None else _fmt(b.value))] for b in bars],
    )


def share_bar(*, title: str, summary: str, parts: Sequence[Bar], width: int = 560) -> Chart:
    """One bar split into parts of a whole (e.g. improved / no change / deteriorated)."""
    height, bar_y, bar_h = 64, 6, 22
    total = sum(p.value for p in parts if p.value)
    head, tail = _open_svg(width, height, title, summary)
    out = [head, f'<rect x="0" y="{bar_y}" width="{width}" height="{bar_h}" fill="{TRACK}"/>']
    x = 0.0
    legend_x = 0.0
    for i, part in enumerate(parts):
        colour = PALETTE[i % len(PALETTE)]
        if total and part.value:
            w = width * part.value / total
            out.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            )
            x += w
        shown = part.display or ("Not shown" if part.value is None else _fmt(part.value))
        out.append(
            f'<rect x="{legend_x:.0f}" y="42" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14:.0f}" y="51" fill="{INK}">'
            f"{escape(_clip(part.label, 22))}: {escape(shown)}</text>"
        )
        legend_x += width / max(len(parts), 1)
    out.append(tail)
    return Chart(
        title=title,
        summary=summary,
        svg=mark_safe("".join(out)),  # noqa: S308 — every text above is escaped
        columns=["", "Value"],
        rows=[[p.label, p.display or ("" if p.value is None else _fmt(p.value))] for p in parts],
    )


def line_chart(
    *,
    title: str,
    summary: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_min: float | None = None,
    y_max: float | None = None,
    width: int = 560,
    height: int = 220,
) -> Chart:
    """A short trend: one line per series over the same periods; gaps where ``None``."""
    left, right, top_pad, bottom = 44, 12, 12, 48
    values = [v for s in series for v in s.values if v is not None]
    lo = y_min if y_min is not None else min(values, default=0)
    hi = y_max if y_max is not None else max(values, default=1)
    if hi == lo:
        hi = lo + 1
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(len(x_labels), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v: float) -> float:
        return top_pad + plot_h * (1 - (v - lo) / (hi - lo))

    head, tail = _open_svg(width, height, title, summary)
    out = [head]
    for tick in (lo, (lo + hi) / 2, hi):
        y = y_at(tick)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{TRACK}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(_fmt(tick))}</text>"
        )
    for i, label in enumerate(x_labels):
        out.append(
            f'<text x="{x_at(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(_clip(label, 12))}</text>'
        )
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate(s.values):
            if v is None:
                if len(run) > 1:
                    out.append(_polyline(run, colour))
                run = []
                continue
            run.append(f"{x_at(i):.1f},{y_at(v):.1f}")
            out.append(f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3" fill="{colour}"/>')
        if len(run) > 1:
            out.append(_polyline(run, colour))
        lx = left + k * (plot_w / max(len(series), 1))
        out.append(
            f'<rect x="{lx:.0f}" y="{height - 16}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14:.0f}" y="{height - 7}" fill="{INK}">{escape(_clip(s.name, 30))}'
            "</text>"
        )
    out.append(tail)
    rows = [
        [label] + ["" if s.values[i] is None else _fmt(s.values[i]) for s in series]  # type: ignore[arg-type]
        for i, label in enumerate(x_labels)
    ]
    return Chart(
        title=title,
        summary=summary,
        svg=mark_safe("".join(out)),  # noqa: S308 — every text above is escaped
        columns=[""] + [s.name for s in series],
        rows=rows,
    )


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
