"""Google credentials from a file: a service-account key or an authorized-user (refresh token)
file. The token endpoint is the file's own `token_uri`, so tests and the sandbox point it at a
local server. Messages name the file and what is wrong with it, never its contents."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.credentials
import requests
from google.oauth2 import service_account

from sources.base import ParseResult
from sources.errors import AuthError, Unavailable

PLAY_SCOPE = "https://www.googleapis.com/auth/androidpublisher"
GBP_SCOPE = "https://www.googleapis.com/auth/business.manage"

GoogleCredentials = service_account.Credentials | google.oauth2.credentials.Credentials

_SERVICE_ACCOUNT_FIELDS = ("client_email", "private_key", "token_uri")
_AUTHORIZED_USER_FIELDS = ("refresh_token", "client_id", "client_secret")
# Anything shaped like a JWT or a Google access token is cut out of messages from servers.
_SECRETS = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]*|ya29\.[\w.-]+|1//[\w-]{10,}")


def load_credentials(path: Path, scopes: Sequence[str]) -> GoogleCredentials:
    """Credentials from a service-account JSON key or an authorized-user JSON file.

    Raises AuthError with a sentence naming the file when it is missing, unreadable, not JSON,
    of another credentials type or incomplete.
    """
    path = Path(path).expanduser()
    info = _read(path)
    kind = info.get("type")
    if kind == "service_account":
        _require(path, info, _SERVICE_ACCOUNT_FIELDS, "service-account key")
        try:
            key: service_account.Credentials = (
                service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                    info, scopes=list(scopes)
                )
            )
        except (ValueError, TypeError, IndexError):
            # The underlying message may quote the key; say only which field is broken.
            raise AuthError(
                f"the service-account key {path} has a private_key that cannot be read; "
                "download a new JSON key for the service account"
            ) from None
        return key
    if kind == "authorized_user":
        _require(path, info, _AUTHORIZED_USER_FIELDS, "authorized-user file")
        try:
            user: google.oauth2.credentials.Credentials = (
                google.oauth2.credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                    info, scopes=list(scopes)
                )
            )
        except (ValueError, TypeError):
            raise AuthError(
                f"the authorized-user file {path} cannot be used; create it again with "
                "`gcloud auth application-default login` or the OAuth consent flow"
            ) from None
        # from_authorized_user_info always uses Google's token endpoint; the file's own
        # token_uri (a test or sandbox server) wins when it has one.
        token_uri = info.get("token_uri")
        if isinstance(token_uri, str) and token_uri:
            user = user.with_token_uri(token_uri)
        return user
    shown = f"of type '{kind}'" if isinstance(kind, str) and len(kind) < 60 else "without a type"
    raise AuthError(
        f"the credentials file {path} is {shown}; use a service-account JSON key "
        "(type service_account) or an authorized-user file (type authorized_user)"
    )


_GET_KEY = (
    "download the JSON key (Google Cloud console → IAM → Service accounts → Keys) "
    "and point credentials_file at it"
)


def _read(path: Path) -> dict[str, Any]:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise AuthError(f"the credentials file {path} does not exist; {_GET_KEY}") from None
    except IsADirectoryError:
        raise AuthError(
            f"the credentials file {path} is a directory, not a file; {_GET_KEY}"
        ) from None
    except PermissionError:
        raise AuthError(
            f"the credentials file {path} cannot be read (permission denied for this user); "
            "make it readable by this user only: chmod 600"
        ) from None
    except OSError as exc:
        raise AuthError(
            f"the credentials file {path} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        info = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AuthError(
            f"the credentials file {path} is not JSON; Google credentials are JSON files"
        ) from None
    if not isinstance(info, dict):
        raise AuthError(f"the credentials file {path} is not a JSON object")
    return info


def _require(path: Path, info: dict[str, Any], fields: Sequence[str], what: str) -> None:
    missing = [name for name in fields if not isinstance(info.get(name), str) or not info[name]]
    if missing:
        raise AuthError(f"the {what} {path} has no {', '.join(missing)}")


def access_token(
    credentials: GoogleCredentials,
    request: google.auth.transport.requests.Request | None = None,
) -> str:
    """A valid access token, refreshed from the token endpoint when missing or expired."""
    if not credentials.valid:
        force_refresh(credentials, request)
    token = credentials.token
    if not isinstance(token, str) or not token:
        raise AuthError("the Google token endpoint answered without an access token")
    return token


def force_refresh(
    credentials: GoogleCredentials,
    request: google.auth.transport.requests.Request | None = None,
) -> None:
    """Fetch a new access token now (after a 401), whatever the current one's expiry says."""
    try:
        credentials.refresh(request or google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
    except google.auth.exceptions.RefreshError as exc:
        raise refresh_error(exc) from None
    except google.auth.exceptions.TransportError as exc:
        raise transport_error(credentials, exc) from None


def refresh_error(exc: google.auth.exceptions.RefreshError) -> AuthError | Unavailable:
    """The token endpoint said no: its reason, with anything token-like cut out. A 429 or
    5xx there (google-auth marks those `retryable`) is an outage, not bad credentials: a
    reply that meets one waits and retries instead of failing for good."""
    reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
    reason = _SECRETS.sub("[redacted]", reason).strip()[:200]
    said = f": {reason}" if reason else ""
    if getattr(exc, "retryable", False):
        return Unavailable(f"the Google token endpoint is busy or failing, try again later{said}")
    return AuthError(f"Google refused the credentials (revoked, disabled or wrong key){said}")


def transport_error(
    credentials: GoogleCredentials, exc: google.auth.exceptions.TransportError
) -> Unavailable:
    """The token endpoint could not be reached."""
    uri = getattr(credentials, "_token_uri", None)
    where = f" ({urlsplit(uri).path})" if isinstance(uri, str) else ""
    cause = exc.__cause__ or exc.__context__
    kind = type(cause).__name__ if cause is not None else type(exc).__name__
    return Unavailable(f"cannot reach the Google token endpoint{where}: {kind}")


class GoogleAuth:
    """Bearer-token headers for httpx calls, for `sources.http.Http(auth=..., refresh_auth=...)`."""

    def __init__(self, path: Path, scopes: Sequence[str]) -> None:
        self.path = Path(path)
        self.credentials = load_credentials(self.path, scopes)
        self._session = requests.Session()
        self._request = google.auth.transport.requests.Request(self._session)

    def token(self) -> str:
        return access_token(self.credentials, self._request)

    def refresh(self) -> None:
        force_refresh(self.credentials, self._request)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def close(self) -> None:
        self._session.close()


# ---------------------------------------------------------------------- pages
# Shared by the Google API sources: a fetched page decoded, and its rejections located.


def decode_page(content: bytes) -> tuple[dict[str, Any] | None, str]:
    """A JSON object from a page body, or None and why it is not one."""
    try:
        value = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, f"a body that is not UTF-8 text ({len(content)} bytes)"
    except json.JSONDecodeError as exc:
        return None, f"something that is not JSON ({len(content)} bytes; {exc.msg})"
    except RecursionError:
        return None, "JSON nested too deeply to read"
    except ValueError:  # Python refuses integers this long (CVE-2020-10735)
        return None, "JSON holding a number with more than 4300 digits"
    if not isinstance(value, dict):
        return None, f"JSON that is not an object ({type(value).__name__})"
    return value, ""


def shown_content(content: bytes, limit: int = 20_000) -> str:
    """A page body kept as the raw value of a rejected page (cut at `limit` bytes)."""
    return content[:limit].decode("utf-8", "replace")


def relabel(result: ParseResult, label: str) -> ParseResult:
    """Positions of a parsed page prefixed with the page ("page 2, reviews[3]")."""
    fixed = []
    for rejected in result.rejected:
        if rejected.position == "the file":
            reason = rejected.reason.replace("the file", label, 1)
            fixed.append(replace(rejected, position=label, reason=reason))
        else:
            fixed.append(replace(rejected, position=f"{label}, {rejected.position}"))
    result.rejected = fixed
    return result
