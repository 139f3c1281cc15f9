"""Reports for union admins, one module per report, each declaring its `REPORT`.

Each report is built in two steps: a query step that reads the database into plain data
(read-only, no commit) and a labelling step that turns that data into titled tables in one
language, which the CLI prints as aligned text or CSV. Whoever offers reports (the CLI, a
console) loops over `REPORTS`; adding a report is one module and one line here.
"""

from __future__ import annotations

from collections.abc import Mapping

from handlers.reports import charts, council, questions, tickets
from handlers.reports.common import Report

REPORTS: Mapping[str, Report] = {
    report.name: report
    for report in (tickets.REPORT, charts.REPORT, council.REPORT, questions.REPORT)
}
