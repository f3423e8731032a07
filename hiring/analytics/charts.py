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


def forest_svg(rows: Sequence[tuple[str, float, float, float, float | None]], title: str, xlabel: str, *,
               locale: str = "en", observed_label: str = "observed", corrected_label: str = "corrected") -> str:
    """Correlations as a forest plot, one line per item from the top: (name, r, low, high, corrected r). The
    observed r is a dot on its 95% interval, the r corrected for range restriction a hollow diamond; a line at
    zero, where an interval that crosses it says "no evidence of prediction"."""
    import textwrap

    # Long names (a requirement with its job) on two lines, so that the plot keeps most of the width.
    names = ["\n".join(textwrap.wrap(row[0], 36, max_lines=2, placeholder="…")) for row in rows]
    height = max(1.6, 0.9 + 0.36 * len(rows))
    figure, axes = chart_style.new_figure((chart_style.SIZE[0], height))
    axes.grid(False, axis="y")
    axes.grid(True, axis="x", color=chart_style.GRID, linewidth=0.6)
    axes.axvline(0, color=chart_style.MUTED, linewidth=0.9)
    ys = list(range(len(rows)))[::-1]
    for y, (_name, r, low, high, corrected) in zip(ys, rows):
        axes.plot([low, high], [y, y], color=chart_style.colour(0), linewidth=1.6, solid_capstyle="butt")
        axes.plot([r], [y], marker="o", color=chart_style.colour(0), markersize=5)
        if corrected is not None:
            axes.plot([corrected], [y], marker="D", markerfacecolor="white", markeredgecolor=chart_style.colour(1),
                      markersize=5, linestyle="none")
    axes.set_yticks(ys, names)
    axes.tick_params(axis="y", labelsize=chart_style.FONT_SIZE - 2)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_xlim(-1, 1)
    axes.set_xticks([-1, -0.5, 0, 0.5, 1])
    chart_style.number_axis(axes, locale)
    from matplotlib.ticker import FuncFormatter

    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: chart_style.number_text(value, locale, 1)))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=chart_style.colour(0), marker="o", markersize=5, linewidth=1.6),
               Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor=chart_style.colour(1),
                      markersize=5, linestyle="none")]
    axes.legend(handles, [observed_label, corrected_label], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2,
                frameon=False, borderaxespad=0.2,
                prop={"family": chart_style.FONT, "size": chart_style.FONT_SIZE - 1})
    return chart_style.finish(figure, axes, title, xlabel, "")
