"""SVG charts drawn with Matplotlib's SVG backend, for pages and PDFs alike."""
from __future__ import annotations

import io
from collections.abc import Sequence

from hiring.analytics.retention import Curve

# Colour-blind-safe (Okabe-Ito); line styles differ too, so colour is never the only signal.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]


def survival_svg(curves: Sequence[Curve], title: str, xlabel: str, ylabel: str) -> str:
    """Kaplan-Meier curves as steps with shaded 95% bands, as an SVG document."""
    from matplotlib import rcParams
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rcParams["svg.fonttype"] = "none"      # text stays text: selectable, and smaller
    rcParams["svg.hashsalt"] = "hiring"    # the same data gives the same file
    figure = Figure(figsize=(7.5, 4.2), dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    for i, curve in enumerate(curves):
        colour, style = COLOURS[i % len(COLOURS)], STYLES[i % len(STYLES)]
        axes.step(curve.timeline, curve.survival, where="post", color=colour, linestyle=style, linewidth=1.8,
                  label=f"{curve.label} (n={curve.n})")
        axes.fill_between(curve.timeline, curve.lower, curve.upper, step="post", color=colour, alpha=0.12,
                          linewidth=0)
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    if curves:
        axes.legend(loc="lower left", fontsize="small")
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
