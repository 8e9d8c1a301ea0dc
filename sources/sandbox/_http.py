"""Requests, responses and each platform's error bodies, independent of the socket server."""

from __future__ import annotations

import enum
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

GRAPH_VERSION = re.compile(r"^v\d+\.\d+$")
_RSS = re.compile(r"^/[A-Za-z]{2}/rss/", re.IGNORECASE)


class BadRequest(Exception):
    """The request itself is unusable (body not JSON, bad parameter)."""


@dataclass
class Request:
    method: str
    path: str  # without the query, still percent-encoded
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""
    base_url: str = ""

    @property
    def segments(self) -> list[str]:
        return [unquote(s) for s in self.path.strip("/").split("/")] if self.path != "/" else []

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value if isinstance(value, str) else None

    def bearer(self) -> str | None:
        value = self.header("Authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None

    def form(self) -> dict[str, list[str]]:
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the form body is not UTF-8") from None
        return parse_qs(text, keep_blank_values=True)

    def json(self) -> Any:
        if not self.body.strip():
            raise BadRequest("the request has no body")
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequest(f"the body is not valid JSON ({exc})") from None

    def url(self, path: str | None = None, **params: str) -> str:
        """Absolute URL on the sandbox: this path (or `path`), query replaced by `params`."""
        query = {k: v[0] for k, v in self.query.items() if v}
        query.update(params)
        text = urlencode(query, safe=",{}()")
        return f"{self.base_url}{path or self.path}" + (f"?{text}" if text else "")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"


def json_response(status: int, value: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, dict(headers or {}))


class Shape(enum.Enum):
    """Whose error format a path answers in."""

    OAUTH = "oauth"
    GOOGLE = "google"
    APPLE = "apple"
    ITUNES = "itunes"
    META = "meta"
    SANDBOX = "sandbox"


def shape_for(path: str) -> Shape:
    if path == "/token":
        return Shape.OAUTH
    if path.startswith(("/androidpublisher/", "/v4/")):
        return Shape.GOOGLE
    if path.startswith("/v1/"):
        return Shape.APPLE
    if _RSS.match(path):
        return Shape.ITUNES
    first = path.strip("/").split("/", 1)[0]
    if GRAPH_VERSION.match(first):
        return Shape.META
    return Shape.SANDBOX


_GOOGLE_STATUS = {
    400: ("INVALID_ARGUMENT", "badRequest"),
    401: ("UNAUTHENTICATED", "authError"),
    403: ("PERMISSION_DENIED", "forbidden"),
    404: ("NOT_FOUND", "notFound"),
    405: ("INVALID_ARGUMENT", "badRequest"),
    429: ("RESOURCE_EXHAUSTED", "rateLimitExceeded"),
    500: ("INTERNAL", "backendError"),
    503: ("UNAVAILABLE", "backendError"),
}
_APPLE_CODE = {
    400: ("PARAMETER_ERROR.INVALID", "A parameter has an invalid value"),
    401: ("NOT_AUTHORIZED", "Authentication credentials are missing or invalid."),
    403: ("FORBIDDEN_ERROR", "The given operation is not allowed"),
    404: ("NOT_FOUND", "The specified resource does not exist"),
    405: ("METHOD_NOT_ALLOWED", "The request method is not valid for the resource path."),
    409: ("ENTITY_ERROR", "The provided entity is invalid"),
    429: ("RATE_LIMIT_EXCEEDED", "The API rate limit has been exceeded."),
    500: ("UNEXPECTED_ERROR", "An unexpected error occurred."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
}
_DEFAULT_MESSAGE = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    404: "Requested entity was not found.",
    405: "Method not allowed.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


def google_error(status: int, message: str | None = None) -> Response:
    name, reason = _GOOGLE_STATUS.get(status, ("UNKNOWN", "unknown"))
    text = message or _DEFAULT_MESSAGE.get(status, "Error.")
    body = {
        "error": {
            "code": status,
            "message": text,
            "errors": [{"message": text, "domain": "global", "reason": reason}],
            "status": name,
        }
    }
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
    return json_response(status, body, headers)


def apple_error(
    status: int, detail: str, *, code: str | None = None, parameter: str | None = None
) -> Response:
    default_code, title = _APPLE_CODE.get(status, ("UNEXPECTED_ERROR", "An error occurred."))
    error: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": str(status),
        "code": code or default_code,
        "title": title,
        "detail": detail,
    }
    if parameter:
        error["source"] = {"parameter": parameter}
    return json_response(status, {"errors": [error]})


def meta_error(
    status: int,
    message: str,
    code: int,
    *,
    kind: str = "OAuthException",
    subcode: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return json_response(status, {"error": error}, headers)


def oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def plain(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8"), content_type="text/plain; charset=utf-8")


def error_in_shape(shape: Shape, status: int, message: str | None = None) -> Response:
    """A generic error (404, 405, 429, 5xx, bad JSON) in the shape of the path's platform."""
    text = message or _DEFAULT_MESSAGE.get(status, "Error.")
    if shape is Shape.GOOGLE:
        return google_error(status, message)
    if shape is Shape.APPLE:
        return apple_error(status, text)
    if shape is Shape.META:
        code = {429: 4, 500: 2, 503: 2, 404: 803}.get(status, 100)
        if status == 429:
            text = "(#4) Application request limit reached"
        elif status >= 500:
            text = "An unexpected error has occurred. Please retry your request later."
        return meta_error(status, text, code)
    if shape is Shape.OAUTH:
        name = {400: "invalid_request", 401: "invalid_client", 404: "not_found"}.get(
            status, "temporarily_unavailable" if status >= 500 else "invalid_request"
        )
        return oauth_error(status, name, text)
    if shape is Shape.ITUNES:
        return plain(status, text)
    return json_response(status, {"error": {"code": status, "message": text}})
