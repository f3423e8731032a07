"""The house style of every chart: one palette, readable type, percentage axes and labels on the lines.

Pure Matplotlib and Babel: the words come in already translated (the caller works in the reader's language)
and numbers are formatted here for the reader's locale, so that a Dutch chart reads "80%" and "2,5" as the
tables beside it do.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

# Colour-blind-safe (Okabe-Ito, without its yellow, too pale on white); line styles differ too, so colour is
# never the only signal.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
INK = "#1d2433"       # the reports' text colour (templates/reports/base.html)
MUTED = "#586174"
GRID = "#d7dbe3"
FONT = ["DejaVu Sans", "sans-serif"]  # the reports' font, so that a chart reads as part of the page
FONT_SIZE = 10
# A chart's size in inches: the width of an A4 page inside its margins, and short enough for two a page.
SIZE = (7.0, 3.6)


def percent_text(fraction: float, locale: str, digits: int = 0) -> str:
    """A fraction as a percentage in the locale: 0.8 is "80%" in English and "80%" in Dutch, 0.125 with one
    digit "12.5%" or "12,5%" (Babel's CLDR patterns)."""
    from babel.numbers import format_percent

    return format_percent(fraction, format="#,##0" + ("." + "0" * digits if digits else "") + "%", locale=locale)


def number_text(value: float, locale: str, digits: int = 0) -> str:
    """A number in the locale: 1,000 or 1.000; 2.5 or 2,5."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=locale)


def new_figure(size: tuple[float, float] = SIZE):
    """A figure and its axes in the house style, drawn by the SVG backend with its text kept as text."""
    from matplotlib import rcParams
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rcParams["svg.fonttype"] = "none"      # text stays text: selectable, searchable, and smaller
    rcParams["svg.hashsalt"] = "hiring"    # the same data gives the same file
    figure = Figure(figsize=size, dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)
    axes.tick_params(colors=MUTED, labelcolor=INK, labelsize=FONT_SIZE - 1)
    axes.grid(True, axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def text_style(size: float = FONT_SIZE, **more) -> dict:
    """Keyword arguments for a piece of text in the house style."""
    return {"fontfamily": FONT, "fontsize": size, "color": INK, **more}


def percent_axis(axes, locale: str, axis: str = "y") -> None:
    """Show an axis of fractions (0 to 1) as percentages in the locale, from 0% to 100%."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_locator(MultipleLocator(0.2))
    target.set_major_formatter(FuncFormatter(lambda value, _pos: percent_text(value, locale)))
    (axes.set_ylim if axis == "y" else axes.set_xlim)(0, 1.02)


def number_axis(axes, locale: str, axis: str = "x") -> None:
    """Show an axis of plain numbers in the locale (thousands separated as the locale does)."""
    from matplotlib.ticker import FuncFormatter

    target = axes.xaxis if axis == "x" else axes.yaxis
    target.set_major_formatter(FuncFormatter(lambda value, _pos: number_text(value, locale)))


def label_lines(axes, ends: Sequence[tuple[float, float, str, str]], min_gap: float = 0.07) -> None:
    """Write each line's name just right of its last point, in its colour, instead of a legend: (x, y, text,
    colour) of every line's end, y on the axes' scale. Names whose ends are close are moved apart (a thin
    leader joins a moved name to its line), so that none overlaps another."""
    if not ends:
        return
    low, high = axes.get_xlim()
    dx = (high - low) * 0.015
    placed: list[float] = []
    for x, y, text, line_colour in sorted(ends, key=lambda e: e[1]):
        at = max(y, placed[-1] + min_gap) if placed else y
        placed.append(at)
        moved = abs(at - y) > 1e-9
        axes.annotate(text, xy=(x, y), xytext=(x + dx, at), textcoords="data", va="center", ha="left",
                      annotation_clip=False,
                      arrowprops={"arrowstyle": "-", "color": line_colour, "linewidth": 0.6,
                                  "shrinkA": 0, "shrinkB": 0} if moved else None,
                      **text_style(FONT_SIZE - 1, color=line_colour)).set_in_layout(False)  # finish() keeps room


def finish(figure, axes, title: str, xlabel: str, ylabel: str, right_room: float = 0.0) -> str:
    """Title and axis names in the house style, the layout tightened (with `right_room` of the width kept
    free for the lines' names), and the figure as an SVG document."""
    import io

    axes.set_title(title, loc="left", **text_style(FONT_SIZE + 1, fontweight="bold"))
    axes.set_xlabel(xlabel, **text_style())
    axes.set_ylabel(ylabel, **text_style())
    figure.tight_layout(rect=(0, 0, 1 - right_room, 1))
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def colour(i: int) -> str:
    """The i-th line's colour."""
    return COLOURS[i % len(COLOURS)]


def style(i: int):
    """The i-th line's dash pattern."""
    return STYLES[i % len(STYLES)]


Label = Callable[[str], str]
