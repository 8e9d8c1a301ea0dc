"""Appending escalations to the CX team's shared Google Sheet (Sheets API v4).

google-api-python-client with its bundled discovery document (no network for discovery) and a
service account that has edit access to the spreadsheet. Appending is not idempotent, so
before a pending batch is appended again, the sheet is read: when the batch id is already in
its first column, the batch went through last time and is only marked delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from googleapiclient.discovery import build  # type: ignore[import-untyped]
from googleapiclient.errors import HttpError  # type: ignore[import-untyped]

from inbox.export.files import neutralise
from inbox.export.rows import COLUMNS, EscalationRow
from sources.errors import Unavailable
from sources.google_auth import load_credentials

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
HEADER = ("batch", *COLUMNS)

logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)


def sheet_rows(batch: str, rows: Sequence[EscalationRow]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in rows:
        values = row.as_dict()
        cells: list[Any] = [batch]
        for column in COLUMNS:
            value = values[column]
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            cells.append(neutralise(value) if isinstance(value, str) else value)
        out.append(cells)
    return out


class SheetWriter:
    def __init__(
        self,
        credentials_file: Path,
        spreadsheet_id: str,
        tab: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.tab = tab
        credentials = load_credentials(Path(credentials_file), [SHEETS_SCOPE])
        self._http = httplib2.Http(timeout=timeout)
        authed = google_auth_httplib2.AuthorizedHttp(
            credentials, http=self._http, max_refresh_attempts=1
        )
        options = {"api_endpoint": base_url.rstrip("/") + "/"} if base_url else None
        service = build(
            "sheets",
            "v4",
            http=authed,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        self._values = service.spreadsheets().values()

    def close(self) -> None:
        self._http.close()

    def _range(self, cells: str) -> str:
        return f"'{self.tab}'!{cells}"

    def batch_ids(self) -> set[str]:
        """The batch ids already in the sheet (its first column)."""
        found = self._call(
            self._values.get(spreadsheetId=self.spreadsheet_id, range=self._range("A:A"))
        )
        return {str(row[0]) for row in found.get("values", []) if row}

    def append(self, rows: list[list[Any]], *, with_header: bool) -> int:
        values = ([list(HEADER)] if with_header else []) + rows
        answer = self._call(
            self._values.append(
                spreadsheetId=self.spreadsheet_id,
                range=self._range("A1"),
                valueInputOption="RAW",
                insertDataOption="INSERT_ROWS",
                body={"values": values},
            )
        )
        return int(answer.get("updates", {}).get("updatedRows", len(values)))

    def _call(self, request: Any) -> dict[str, Any]:
        try:
            answer = request.execute(num_retries=2)
        except HttpError as exc:
            status = getattr(exc.resp, "status", "?")
            raise Unavailable(
                f"Google Sheets refused the request (HTTP {status}): {exc.reason}"
            ) from None
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise Unavailable(f"cannot reach Google Sheets: {type(exc).__name__}") from None
        return answer if isinstance(answer, dict) else {}
