"""Reports as HTML documents: the council agenda to print on A4, and the charts page.

`document(...)` is a whole, self-contained page (the stylesheet inline, charts as inline
SVG, nothing fetched), which `workerbot report ... --format html` writes to a file; the
console shows the same bodies (`council_body`, `charts_body`) in its own layout, with
`PRINT_CSS` served as a static file. Every piece of text is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from bot.svg_charts import svg
from handlers.reports.charts import Chart, ChartReport
from handlers.reports.common import LabelledReport, Table, category_label, label
from handlers.reports.council import CouncilReport, change_text, units_text

PRINT_CSS = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")


def document(title: str, body: str, lang: str) -> str:
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head>"
        f'<body class="report">{body}</body></html>\n'
    )


def table_html(table: Table, *, caption: bool = True) -> str:
    head = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in table.header)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(cell)}</td>'
            if index in table.numeric
            else f"<td>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    title = f"<caption>{escape(table.title)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def labelled_body(report: LabelledReport) -> str:
    """Any report as headed tables: what `--format html` writes for the plain reports."""
    parts = [f"<h1>{escape(report.title)}</h1>"]
    if report.empty is not None:
        return parts[0] + f"<p>{escape(report.empty)}</p>"
    parts += [f'<p class="note">{escape(note)}</p>' for note in report.notes]
    parts += [table_html(table) for table in report.tables]
    return "".join(parts)


def council_body(report: CouncilReport, labelled: LabelledReport, lang: str, now: str) -> str:
    """The agenda: a summary table, then one section per topic with what workers wrote."""
    parts = [f"<h1>{escape(labelled.title)}</h1>"]
    if labelled.empty is not None:
        return parts[0] + f"<p>{escape(labelled.empty)}</p>"
    parts += [f'<p class="note">{escape(note)}</p>' for note in labelled.notes]
    parts.append(table_html(labelled.tables[0]))
    for number, topic in enumerate(report.topics, start=1):
        categories = label(lang, "council.separator").join(
            category_label(lang, c) for c in topic.categories
        )
        figures = label(
            lang,
            "council.figures",
            grievances=topic.grievances,
            workers=topic.workers,
            previous=topic.previous,
            change=change_text(topic),
            still_open=topic.still_open,
        )
        examples = "".join(f"<li>{escape(example)}</li>" for example in topic.examples)
        parts.append(
            '<section class="topic">'
            f"<h2>{escape(label(lang, 'council.heading', number=number, title=topic.title))}</h2>"
            f'<p class="figures">{escape(figures)}</p>'
            f"<p>{escape(label(lang, 'council.col.categories'))}: {escape(categories)}</p>"
            f"<p>{escape(label(lang, 'council.col.units'))}: "
            f"{escape(units_text(lang, topic))}</p>"
            f'<ul class="examples">{examples}</ul></section>'
        )
    parts.append(f'<p class="printed">{escape(label(lang, "council.printed", now=now))}</p>')
    return "".join(parts)


def chart_figure(chart: Chart, csv_href: str | None = None) -> str:
    """One chart: the drawing, then its numbers in a table (and a CSV link on a page)."""
    table = Table(chart.title, chart.header, chart.rows, frozenset(range(1, len(chart.header))))
    link = f' <a class="csv" href="{escape(csv_href)}">CSV</a>' if csv_href else ""
    return (
        f'<figure class="chart" id="chart-{escape(chart.key)}">'
        f"<figcaption>{escape(chart.title)}{link}</figcaption>{svg(chart)}"
        f"<details><summary>{escape(chart.value_title)}</summary>"
        f"{table_html(table, caption=False)}</details></figure>"
    )


def charts_body(report: ChartReport, csv_href: str | None = None) -> str:
    """Every chart; `csv_href` is a format string with `{key}` for each chart's CSV."""
    parts = [f"<h1>{escape(report.title)}</h1>", f'<p class="note">{escape(report.note)}</p>']
    parts += [
        chart_figure(chart, csv_href.format(key=chart.key) if csv_href else None)
        for chart in report.charts
    ]
    return "".join(parts)
