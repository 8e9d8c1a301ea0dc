"""The one place background failures go: a worker that raised becomes a notification.

`InboxError`s carry a title and a sentence a person can act on; anything else is shown with
its type, so a bug is visible without ending the session.
"""

from __future__ import annotations

from textual.app import App
from textual.worker import Worker, WorkerState


def report_failure(app: App[object], error: BaseException | None) -> None:
    from inbox.errors import InboxError

    if isinstance(error, InboxError):
        app.notify(str(error), title=error.title, severity="error", markup=False, timeout=8)
    elif error is not None:
        app.notify(
            f"{type(error).__name__}: {error}",
            title="Unexpected error",
            severity="error",
            markup=False,
            timeout=10,
        )


class ReportsWorkerErrors:
    """Mixin for screens that run workers (their state messages do not bubble)."""

    app: App[object]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report_failure(self.app, event.worker.error)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[object]) -> None:
        """Hook: undo a 'busy' state after a failure."""
