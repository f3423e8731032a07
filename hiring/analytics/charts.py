"""SVG charts drawn with Matplotlib's SVG backend, for pages and PDFs alike, in the house style
(hiring/analytics/chart_style.py)."""
from __future__ import annotations

from collections.abc import Sequence

from hiring.analytics import chart_style
from hiring.analytics.retention import Curve


def _same(label: str) -> str:
    return label


def survival_svg(curves: Sequence[Curve], title: str, xlabel: str, ylabel: str, *, locale: str = "en",
                 label: chart_style.Label = _same, n_label: str = "n = %(n)s") -> str:
    """Kaplan-Meier curves as steps with shaded 95% bands, as an SVG document: the share still employed as a
    percentage, each line named at its end (`label` gives a group's name in the reader's language and
    `n_label` how many people it holds), numbers formatted for `locale`."""
    figure, axes = chart_style.new_figure()
    ends = []
    for i, curve in enumerate(curves):
        colour, style = chart_style.colour(i), chart_style.style(i)
        axes.step(curve.timeline, curve.survival, where="post", color=colour, linestyle=style, linewidth=1.8)
        axes.fill_between(curve.timeline, curve.lower, curve.upper, step="post", color=colour, alpha=0.12,
                          linewidth=0)
        if len(curve.timeline):
            name = f"{label(curve.label)} ({n_label % {'n': chart_style.number_text(curve.n, locale)}})"
            ends.append((float(curve.timeline[-1]), float(curve.survival[-1]), name, colour))
    chart_style.percent_axis(axes, locale)
    chart_style.number_axis(axes, locale)
    axes.set_xlim(left=0)
    chart_style.label_lines(axes, ends)
    return chart_style.finish(figure, axes, title, xlabel, ylabel, right_room=0.27 if ends else 0.0)
