"""Server-rendered SVG charts for følgeevaluering: bars for levels, lines for trends. No script: the
SVG is part of the page, named by its title (role="img"), and a data table stands beside each chart
for screen readers and for anyone who would rather read numbers. A value that is not shown (under 5,
hidden) is drawn as a gap, never as 0."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

W, H, PAD, BOTTOM = 560, 220, 40, 36


def _frame(chart_id: str, title: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="{chart_id}-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-t">{escape(title)}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, kind: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" class="{kind}">{escape(text)}</text>'


def _top(values: Sequence[float | None]) -> float:
    shown = [v for v in values if v is not None]
    return max([*shown, 1.0]) * 1.15


def bars(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None], notes: Sequence[str]
) -> Markup:
    """One bar per label; a value not shown is a dashed outline with its note ("under 5")."""
    top, inner = _top(values), H - BOTTOM - 12
    step = (W - 2 * PAD) / max(len(labels), 1)
    parts = [f'<line x1="{PAD}" y1="{H - BOTTOM}" x2="{W - PAD}" y2="{H - BOTTOM}" class="axis"/>']
    for i, (label, value, note) in enumerate(zip(labels, values, notes, strict=True)):
        x = PAD + i * step + step * 0.15
        width = step * 0.7
        if value is None:
            y: float = H - BOTTOM - 24
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="24" class="bar-hidden"/>')
            caption = note
        else:
            height = inner * value / top
            y = H - BOTTOM - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" class="bar"/>'
            )
            caption = f"{value:g}"
        cx = x + width / 2
        parts.append(_text(cx, y - 6, caption, "value"))
        parts.append(_text(cx, H - BOTTOM + 20, label, "label"))
    return _frame(chart_id, title, "".join(parts))


def line(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str
) -> Markup:
    """A line through the values shown, broken where one is not; a dot and its number at each point."""
    top = 100.0 if unit == "%" else _top(values)
    inner = H - BOTTOM - 16
    step = (W - 2 * PAD) / max(len(labels) - 1, 1)
    parts = [f'<line x1="{PAD}" y1="{H - BOTTOM}" x2="{W - PAD}" y2="{H - BOTTOM}" class="axis"/>']
    runs: list[list[tuple[float, float]]] = [[]]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD + i * step
        parts.append(_text(x, H - BOTTOM + 20, label, "label"))
        if value is None:
            runs.append([])
            continue
        y = H - BOTTOM - inner * value / top
        runs[-1].append((x, y))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot"/>')
        parts.append(_text(x, y - 8, f"{value:g}", "value"))
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.insert(1, f'<polyline points="{points}" class="trend"/>')
    return _frame(chart_id, title, "".join(parts))
