"""Charts as inline SVG, drawn in Python: the report stays one file that opens anywhere, with
no JavaScript and no request to a chart library.

Every piece of text goes through markupsafe.escape; colours come from CSS classes (`s0`, `s1`,
… and `star1`…`star5`) defined in the report's stylesheet, so charts follow the page's theme
and print well. Each chart has a `<title>` and `aria-label` for screen readers, and each bar a
`<title>` tooltip with its exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

LABEL_WIDTH = 230
LABEL_CHARS = 30  # longer labels are cut (the bar's tooltip keeps the full text)
ROW = 22
BAR = 9


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 (all parts escaped above)


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "start") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, cls: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
        f'class="{cls}"><title>{escape(tip)}</title></rect>'
    )


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text + unit


def grouped_bars(
    label: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str = "",
    width: int = 640,
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars, one group per category and one bar per series (e.g. this month and
    the previous one), with a legend on top."""
    legend_h = 22 if len(series) > 1 else 4
    group_h = BAR * len(series) + 8
    height = legend_h + group_h * max(len(categories), 1) + 6
    top = maximum if maximum is not None else max((v for _n, vs in series for v in vs), default=0)
    top = top or 1
    plot = width - LABEL_WIDTH - 60
    body: list[str] = []
    if len(series) > 1:
        x = float(LABEL_WIDTH)
        for n, (name, _values) in enumerate(series):
            body.append(_rect(x, 6, 10, 10, f"s{n}", name))
            body.append(_text(x + 14, 15, name, "legend"))
            x += 24 + 7 * len(name)
    for row, category in enumerate(categories):
        y0 = legend_h + row * group_h
        body.append(_text(LABEL_WIDTH - 8, y0 + group_h / 2 + 1, _short(category), "label", "end"))
        for n, (name, values) in enumerate(series):
            value = float(values[row])
            w = plot * value / top
            y = y0 + n * BAR + 2
            body.append(
                _rect(
                    LABEL_WIDTH, y, w, BAR - 1, f"s{n}", f"{category}, {name}: {_fmt(value, unit)}"
                )
            )
            body.append(_text(LABEL_WIDTH + w + 4, y + BAR - 1.5, _fmt(value, unit), "value"))
    return _svg(width, height, label, body)


def star_bars(label: str, rows: Sequence[tuple[str, Sequence[int]]], *, width: int = 640) -> Markup:
    """One 100% bar per group, split into 1★ … 5★ shares."""
    height = 24 + ROW * max(len(rows), 1)
    plot = width - LABEL_WIDTH - 20
    body: list[str] = []
    x = float(LABEL_WIDTH)
    for star in range(1, 6):
        body.append(_rect(x, 6, 10, 10, f"star{star}", f"{star}★"))
        body.append(_text(x + 14, 15, f"{star}★", "legend"))
        x += 44
    for row, (group, stars) in enumerate(rows):
        y = 24 + row * ROW
        body.append(_text(LABEL_WIDTH - 8, y + 12, _short(group), "label", "end"))
        total = sum(stars)
        x = float(LABEL_WIDTH)
        for star, n in enumerate(stars, start=1):
            if not total or not n:
                continue
            w = plot * n / total
            share = 100 * n / total
            body.append(
                _rect(x, y, w, ROW - 6, f"star{star}", f"{group}: {star}★ {n} ({share:.0f}%)")
            )
            if w > 30:
                body.append(_text(x + w / 2, y + 12, f"{share:.0f}%", "inbar", "middle"))
            x += w
    return _svg(width, height, label, body)


def daily_columns(
    label: str,
    days: Sequence[tuple[date, int]],
    marked: set[date] | frozenset[date] = frozenset(),
    *,
    width: int = 640,
    height: int = 150,
) -> Markup:
    """Items per day as columns; days with a spike drawn in the alert colour."""
    left, bottom, top_pad = 36, 22, 8
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max((n for _d, n in days), default=0) or 1
    step = plot_w / max(len(days), 1)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" '
        f'y2="{height - bottom}" class="axis"/>',
        _text(left - 4, top_pad + 8, _fmt(top, ""), "value", "end"),
        _text(left - 4, height - bottom, "0", "value", "end"),
    ]
    for n, (day, count) in enumerate(days):
        h = plot_h * count / top
        cls = "spike" if day in marked else "s0"
        tip = f"{day:%a %d %b}: {count}" + (" (spike)" if day in marked else "")
        body.append(_rect(left + n * step + 1, height - bottom - h, max(step - 2, 1), h, cls, tip))
        if len(days) <= 10 or day.day in (1, 8, 15, 22, 29):
            body.append(
                _text(left + n * step + step / 2, height - 6, f"{day:%d %b}", "tick", "middle")
            )
    return _svg(width, height, label, body)
