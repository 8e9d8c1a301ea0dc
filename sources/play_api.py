"""Google Play Developer API (androidpublisher v3): read reviews, post and read replies.

google-api-python-client with the bundled discovery document (no network for discovery) and
google-auth credentials from a file. The client's own transport (httplib2) is wrapped so that
retries, Retry-After and error sentences are those of `sources.http`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import google.auth.exceptions
import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
import httpx
from googleapiclient.discovery import build  # type: ignore[import-untyped]
from googleapiclient.errors import HttpError  # type: ignore[import-untyped]
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from sources._payload import Reader, RecordError
from sources.base import Platform, PlatformReply, Rejected
from sources.errors import Unavailable
from sources.google_auth import (
    PLAY_SCOPE,
    GoogleCredentials,
    decode_page,
    load_credentials,
    refresh_error,
    relabel,
    shown_content,
    transport_error,
)
from sources.google_play import parse_play_api
from sources.http import RETRY_STATUSES, Http, RetryPolicy, _RetryableResponse, _wait, url_path
from sources.source import Batch, Cursor, ReplyReceipt, close_poll

PLATFORM_NAME = "Google Play"
MAX_PAGE_SIZE = 100

# "file_cache is only supported with oauth2client<4.0.0" and similar: not for marketers' eyes.
logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)


class _CountingHttp(google_auth_httplib2.AuthorizedHttp):  # type: ignore[misc]
    """AuthorizedHttp that counts API requests (a retry after a token refresh counts too;
    token requests go through the inner http and are not counted)."""

    requests = 0

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        self.requests += 1
        return super().request(uri, method, *args, **kwargs)


def _raw(_response: object, content: bytes) -> bytes:
    return content


class PlayApiSource:
    """One app's reviews through the Play Developer API (last 7 days only, text reviews only)."""

    platform = Platform.GOOGLE_PLAY
    can_reply = True
    window_days = 7  # the API only returns reviews created or edited in the last week

    def __init__(
        self,
        package_name: str,
        credentials_file: Path,
        *,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
        http: Any | None = None,
        timeout: float = 30.0,
    ) -> None:
        """`http` replaces the inner httplib2.Http (the auth layer still wraps it)."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, not {page_size}")
        self.package_name = package_name
        self.credentials: GoogleCredentials = load_credentials(Path(credentials_file), [PLAY_SCOPE])
        self.base_url = base_url
        self.policy = policy or RetryPolicy()
        self.page_size = page_size
        self._inner = http
        self._timeout = timeout
        self._authed: _CountingHttp | None = None
        self._service: Any = None
        # `Http.error_for` reads only the platform name and the policy: it gives the sentences.
        self._errors = Http(cast(httpx.Client, None), PLATFORM_NAME, self.policy)

    # ------------------------------------------------------------------ plumbing

    @property
    def requests(self) -> int:
        """API requests made so far by this source."""
        return self._authed.requests if self._authed is not None else 0

    def _reviews(self) -> Any:
        if self._service is None:
            inner = self._inner if self._inner is not None else httplib2.Http(timeout=self._timeout)
            self._authed = _CountingHttp(self.credentials, http=inner, max_refresh_attempts=1)
            options = {"api_endpoint": self.base_url.rstrip("/") + "/"} if self.base_url else None
            self._service = build(
                "androidpublisher",
                "v3",
                http=self._authed,
                static_discovery=True,
                cache_discovery=False,
                client_options=options,
            )
        return self._service.reviews()

    def _execute(self, request: Any) -> bytes:
        """Run one API call with the retry policy; the body of a 2xx answer, as bytes."""
        request.postproc = _raw
        where = url_path(request.uri)

        def attempt() -> bytes:
            try:
                return cast(bytes, request.execute(num_retries=0))
            except HttpError as exc:
                response = _as_httpx(exc, request.method)
                if response.status_code in RETRY_STATUSES:
                    raise _RetryableResponse(response) from None
                raise self._errors.error_for(response) from None

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=_wait(self.policy),
            retry=retry_if_exception(_transient),
            sleep=self.policy.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableResponse as exc:
            raise self._errors.error_for(exc.response) from None
        except google.auth.exceptions.RefreshError as exc:
            raise refresh_error(exc) from None
        except google.auth.exceptions.TransportError as exc:
            raise transport_error(self.credentials, exc) from None
        except TimeoutError:
            raise Unavailable(
                f"{PLATFORM_NAME} did not answer {where} in time ({self.policy.attempts} attempts)"
            ) from None
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise Unavailable(
                f"cannot reach {PLATFORM_NAME} ({where}): {type(exc).__name__} "
                f"after {self.policy.attempts} attempts"
            ) from None

    # ------------------------------------------------------------------ Source

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Newest `lastModified` first, page after page, until a review older than the cursor.

        Reviews in the cursor's own second are read again (ingest is idempotent). A page that
        cannot be read is reported as rejected and keeps the old cursor, so it is read again.
        """
        since, known_ids, notes = _read_cursor(cursor)
        newest = since
        newest_ids: set[str] = set(known_ids)
        held = False
        token: str | None = None
        page = 0
        while True:
            page += 1
            label = f"page {page}"
            before = self.requests
            request = self._reviews().list(
                packageName=self.package_name, maxResults=self.page_size, token=token
            )
            where = url_path(request.uri)
            content = self._execute(request)
            batch = Batch(requests=self.requests - before, notes=notes)
            notes = []
            obj, problem = decode_page(content)
            next_token: str | None = None
            reached = False
            if obj is None:
                reason = f"{label} from {where} cannot be read: {problem}"
                batch.rejected.append(Rejected(label, reason, shown_content(content)))
                held = True
            else:
                result = relabel(parse_play_api(obj), label)
                batch.rejected.extend(result.rejected)
                batch.notes.extend(result.notes)
                held = held or any(r.position == label for r in result.rejected)
                next_token = _next_token(obj)
                for record in result.records:
                    second = _second(record.updated_at)
                    if since is not None and second is not None and second < since:
                        reached = True
                        continue
                    batch.records.append(record)
                    if second is not None and (newest is None or second > newest):
                        newest, newest_ids = second, set()
                    if second is not None and second == newest:
                        newest_ids.add(record.external_id)
            if next_token is not None and next_token == token:
                batch.notes.append(f"{PLATFORM_NAME} gave the same page token twice; stopped")
                next_token, held = None, True
            if reached or next_token is None:
                yield close_poll(batch, cursor, _new_cursor(cursor, newest, newest_ids), held=held)
                return
            yield batch
            token = next_token

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        """Post or overwrite the developer reply; a 400 (too long, unknown review) is Rejected."""
        request = self._reviews().reply(
            packageName=self.package_name, reviewId=external_id, body={"replyText": text}
        )
        obj, _ = decode_page(self._execute(request))
        result = obj.get("result") if obj is not None else None
        if not isinstance(result, Mapping):
            # Accepted (2xx) but the answer is unreadable: the reply is posted all the same.
            return ReplyReceipt(external_id=external_id, text=text)
        shown = result.get("replyText")
        return ReplyReceipt(
            external_id=external_id,
            text=shown if isinstance(shown, str) else text,
            replied_at=_timestamp(result.get("lastEdited")),
        )

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """The developer reply shown now (`reviews.get` → developerComment), or None."""
        request = self._reviews().get(packageName=self.package_name, reviewId=external_id)
        where = url_path(request.uri)
        obj, problem = decode_page(self._execute(request))
        if obj is None:
            raise Unavailable(f"{PLATFORM_NAME} answered {where} with {problem}")
        result = parse_play_api(obj)
        if not result.records:
            reason = result.rejected[0].reason if result.rejected else "no review in the answer"
            raise Unavailable(
                f"{PLATFORM_NAME} answered {where} with a review that cannot be read: {reason}"
            )
        return result.records[0].reply

    def close(self) -> None:
        if self._authed is not None:
            self._authed.close()
        self._service = None


# ---------------------------------------------------------------------- helpers


def _transient(error: BaseException) -> bool:
    return isinstance(
        error,
        _RetryableResponse
        | OSError
        | httplib2.HttpLib2Error
        | google.auth.exceptions.TransportError,
    )


def _as_httpx(exc: HttpError, method: str) -> httpx.Response:
    """The failed answer as an httpx.Response, so `Http.error_for` and Retry-After apply."""
    resp = exc.resp
    headers = {name: str(resp[name]) for name in ("retry-after", "content-type") if resp.get(name)}
    content = exc.content if isinstance(exc.content, bytes) else b""
    return httpx.Response(
        int(resp.status),
        headers=headers,
        content=content,
        request=httpx.Request(method or "GET", str(exc.uri or "/")),
    )


def _next_token(obj: Mapping[str, Any]) -> str | None:
    paging = obj.get("tokenPagination")
    if not isinstance(paging, Mapping):
        return None
    token = paging.get("nextPageToken")
    return token if isinstance(token, str) and token else None


def _second(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return Reader(None).epoch(value.get("seconds"), "lastEdited", nanos=value.get("nanos"))
    except RecordError:
        return None


def _read_cursor(cursor: Cursor | None) -> tuple[int | None, set[str], list[str]]:
    """(last_modified second, review ids at that second, notes) from a stored cursor."""
    if not cursor or cursor.get("last_modified") is None:
        return None, set(), []
    value = cursor.get("last_modified")
    if isinstance(value, int) and not isinstance(value, bool):
        second: int | None = value
    elif isinstance(value, str) and value.strip().isdigit():
        second = int(value)
    else:
        return (
            None,
            set(),
            [
                "the stored Google Play poll position cannot be read; all reviews the API still "
                "shows (last 7 days) were read again"
            ],
        )
    ids = cursor.get("review_ids")
    known = {i for i in ids if isinstance(i, str)} if isinstance(ids, list) else set()
    return second, known, []


def _new_cursor(old: Cursor | None, newest: int | None, ids: set[str]) -> dict[str, Any] | None:
    if newest is None:
        return dict(old) if old else None
    cursor = dict(old or {})
    cursor["last_modified"] = newest
    cursor["review_ids"] = sorted(ids)
    return cursor
