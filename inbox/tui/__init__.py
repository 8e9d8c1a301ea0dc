"""The Textual inbox (issue #6): queue, detail, reply composer, escalation and views.

Importing this package loads Textual; the CLI imports it only to open the inbox, so headless
commands (`inbox poll`, `inbox send`, cron jobs) never pay for it.
"""

from __future__ import annotations

from inbox.tui.app import InboxApp, InboxScreen, make_app
from inbox.tui.context import InboxContext, background_sender

__all__ = ["InboxApp", "InboxContext", "InboxScreen", "background_sender", "make_app"]
