"""A scoring report on disk: estimates as JSON and CSV, plots as PNG, and a Markdown and an HTML page that show them."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arenax.evaluation.estimate import Estimate
from arenax.evaluation.export import atomic_write_bytes, atomic_write_text, estimate_rows, write_csv, write_json

ESTIMATES_JSON = "estimates.json"
ESTIMATES_CSV = "estimates.csv"
REPORT_MARKDOWN = "report.md"
REPORT_HTML = "report.html"


@dataclass
class Report:
    """Everything one scoring run computed, plus the settings that produced it."""

    data_hash: str
    settings: dict[str, Any]
    aggregates: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    profiles: dict[str, Estimate] = field(default_factory=dict)
    improvements: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    curves: dict[str, Estimate] = field(default_factory=dict)

    @property
    def algorithms(self) -> list[str]:
        names = list(self.aggregates) + list(self.profiles) + list(self.curves)
        names += [name for pair in self.improvements for name in pair]
        return list(dict.fromkeys(names))

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for kind, results in (
            ("aggregate", self.aggregates),
            ("profile", self.profiles),
            ("probability_of_improvement", self.improvements),
            ("curve", self.curves),
        ):
            rows.extend(estimate_rows(results, kind=kind))
        return rows


def _format(estimate: Estimate) -> str:
    return f"{float(estimate.point):.3f} [{float(estimate.low):.3f}, {float(estimate.high):.3f}]"


def _tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the tables that both pages show."""
    tables = []
    if report.aggregates:
        metrics = list(next(iter(report.aggregates.values())))
        rows = [[name] + [_format(report.aggregates[name][m]) for m in metrics] for name in report.aggregates]
        tables.append(("Aggregate metrics", ["algorithm", *metrics], rows))
    if report.improvements:
        rows = [[f"P({x} > {y})", _format(estimate)] for (x, y), estimate in report.improvements.items()]
        tables.append(("Probability of improvement", ["comparison", "estimate"], rows))
    return tables


def _settings_lines(report: Report) -> list[str]:
    return [f"{key}: {value}" for key, value in report.settings.items()] + [f"data hash: {report.data_hash}"]


Table = tuple[str, list[str], list[list[str]]]
"""(title, header, rows) of a table shown on both pages."""


def _markdown_table(title: str, header: list[str], rows: list[list[str]], level: int) -> list[str]:
    lines = [f"{'#' * level} {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def _html_table(title: str, header: list[str], rows: list[list[str]], level: int) -> list[str]:
    parts = [f"<h{level}>{html.escape(title)}</h{level}><table><tr>"]
    parts += [f"<th>{html.escape(cell)}</th>" for cell in header]
    parts.append("</tr>")
    parts += ["<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    return parts + ["</table>"]


def _markdown_body(report: Report, images: Mapping[str, str], level: int) -> list[str]:
    lines = [*[f"- {line}" for line in _settings_lines(report)], ""]
    for table in _tables(report):
        lines += _markdown_table(*table, level)
    lines += ["Intervals are point estimate [low, high] at the stated confidence.", ""]
    for title, file_name in images.items():
        lines += [f"{'#' * level} {title}", "", f"![{title}]({file_name})", ""]
    return lines


def _html_body(report: Report, images: Mapping[str, bytes], level: int) -> list[str]:
    parts = ["<ul>", *[f"<li>{html.escape(line)}</li>" for line in _settings_lines(report)], "</ul>"]
    for table in _tables(report):
        parts += _html_table(*table, level)
    parts.append("<p>Intervals are point estimate [low, high] at the stated confidence.</p>")
    for title, png in images.items():
        encoded = base64.b64encode(png).decode("ascii")
        name = html.escape(title)
        parts.append(f'<h{level}>{name}</h{level}><img alt="{name}" src="data:image/png;base64,{encoded}">')
    return parts


def _html_page(title: str, body: list[str]) -> str:
    head = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    return "\n".join([*head, *body, "</body></html>"]) + "\n"


def _markdown(report: Report, images: Mapping[str, str]) -> str:
    return "\n".join(["# arenax score report", "", *_markdown_body(report, images, 2)])


def _html(report: Report, images: Mapping[str, bytes]) -> str:
    return _html_page("arenax score report", _html_body(report, images, 2))


def _figures(report: Report) -> dict[str, tuple[str, bytes]]:
    """Plot title -> (file name, PNG bytes); matplotlib is imported only here."""
    try:
        from arenax.evaluation import plots
    except ModuleNotFoundError as error:
        raise ValueError(f"plots need matplotlib ({error}): pip install 'arenax[plot]', or write no plots") from error

    colors = plots.algorithm_colors(report.algorithms)
    score = "Score" if report.settings.get("normalization", "none") == "none" else "Normalized score"
    figures = {}
    if report.aggregates:
        figure = plots.plot_interval_estimates(report.aggregates, colors, xlabel=score)
        figures["Interval estimates"] = ("interval_estimates.png", figure)
    if report.profiles:
        figure = plots.plot_performance_profiles(report.profiles, colors, xlabel=score + r" ($\tau$)")
        figures["Performance profiles"] = ("performance_profiles.png", figure)
    if report.improvements:
        figures["Probability of improvement"] = (
            "probability_of_improvement.png",
            plots.plot_probability_of_improvement(report.improvements, colors),
        )
    if report.curves:
        figures["Sample efficiency"] = ("sample_efficiency.png", plots.plot_sample_efficiency(report.curves, colors))
    return {title: (file_name, plots.figure_png(figure)) for title, (file_name, figure) in figures.items()}


def write_report(out_dir: str | Path, report: Report, *, with_plots: bool = True) -> dict[str, Path]:
    """Writes estimates.json, estimates.csv, the PNG plots, report.md and report.html; returns their paths."""
    out_dir = Path(out_dir)
    rows = report.rows()
    payload = {"data_hash": report.data_hash, "settings": report.settings, "estimates": rows}
    written = {"json": write_json(out_dir / ESTIMATES_JSON, payload), "csv": write_csv(out_dir / ESTIMATES_CSV, rows)}
    figures = _figures(report) if with_plots else {}
    for title, (file_name, png) in figures.items():
        written[file_name] = atomic_write_bytes(out_dir / file_name, png)
    written["markdown"] = atomic_write_text(
        out_dir / REPORT_MARKDOWN, _markdown(report, {title: name for title, (name, _) in figures.items()})
    )
    pngs = {title: png for title, (_, png) in figures.items()}
    written["html"] = atomic_write_text(out_dir / REPORT_HTML, _html(report, pngs))
    return written


def write_sectioned_report(
    out_dir: str | Path,
    title: str,
    sections: Mapping[str, Report],
    tables: list[Table] = (),
    *,
    with_plots: bool = True,
) -> dict[str, Path]:
    """One report of several scorings, each comparing its own algorithms on its own tasks (e.g. one per family).

    `tables` come first (e.g. normalized scores per task); then every section
    with its settings, estimates and plots (PNG files in `<out_dir>/<section>/`).
    Writes estimates.json and estimates.csv (rows labelled by section), report.md
    and report.html; returns their paths.
    """
    out_dir = Path(out_dir)
    rows = [{"section": name, **row} for name, report in sections.items() for row in report.rows()]
    payload = {
        "sections": {name: {"data_hash": r.data_hash, "settings": r.settings} for name, r in sections.items()},
        "estimates": rows,
    }
    written = {"json": write_json(out_dir / ESTIMATES_JSON, payload), "csv": write_csv(out_dir / ESTIMATES_CSV, rows)}
    markdown, page = [f"# {title}", ""], []
    for table in tables:
        markdown += _markdown_table(*table, 2)
        page += _html_table(*table, 2)
    for name, report in sections.items():
        figures = _figures(report) if with_plots else {}
        for file_name, png in figures.values():
            written[f"{name}/{file_name}"] = atomic_write_bytes(out_dir / name / file_name, png)
        markdown += [f"## {name}", "", *_markdown_body(report, {t: f"{name}/{f}" for t, (f, _) in figures.items()}, 3)]
        page += [f"<h2>{html.escape(name)}</h2>", *_html_body(report, {t: png for t, (_, png) in figures.items()}, 3)]
    written["markdown"] = atomic_write_text(out_dir / REPORT_MARKDOWN, "\n".join(markdown))
    written["html"] = atomic_write_text(out_dir / REPORT_HTML, _html_page(title, page))
    return written
