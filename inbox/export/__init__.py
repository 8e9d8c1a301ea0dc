"""Escalation exports for the CX team: files, a webhook, a shared Google Sheet; exactly once."""

from inbox.export.exporter import CHANNELS, Exporter, ExportResult, author_key
from inbox.export.files import FORMATS, neutralise

__all__ = ["CHANNELS", "FORMATS", "ExportResult", "Exporter", "author_key", "neutralise"]
