"""review-inbox: the application (queue, storage, SLA, CLI, TUI, exports, reports)."""

__version__ = "0.1.0"
