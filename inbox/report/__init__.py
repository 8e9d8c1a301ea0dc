"""Monthly and weekly reports on reviews and comments: HTML, Markdown and CSV from SQL figures.

`build_report` runs the queries (inbox.report.queries) and the SLA calculator and returns a
`Report`; `write_report` renders it (inbox.report.render). The CLI (inbox.cli_report) only
calls these two.
"""

from inbox.report.build import Options, build_report
from inbox.report.model import Report
from inbox.report.observations import Thresholds
from inbox.report.render import default_folder, render_html, render_markdown, write_report

__all__ = [
    "Options",
    "Report",
    "Thresholds",
    "build_report",
    "default_folder",
    "render_html",
    "render_markdown",
    "write_report",
]
