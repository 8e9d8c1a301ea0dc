"""The sandbox server: a loopback HTTP server that speaks the four platforms' APIs."""

from __future__ import annotations

import contextlib
import secrets
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from sources.base import Platform
from sources.sandbox import _apple, _google, _meta
from sources.sandbox._http import (
    BadRequest,
    Request,
    Response,
    Shape,
    error_in_shape,
    google_error,
    json_response,
    oauth_error,
    plain,
    shape_for,
)
from sources.sandbox._util import utc_now
from sources.sandbox.data import NotFoundError, Refused, SandboxData
from sources.sandbox.faults import Fault, Faults

MAX_BODY = 10 * 1024 * 1024


class RequestRecord(NamedTuple):
    """One answered request: method, path without its query, HTTP status (0: reset)."""

    method: str
    path: str
    status: int


class Sandbox:
    """Local stand-in for Google Play, App Store Connect + iTunes RSS, GBP v4 and Instagram.

    Start it (or use it as a context manager), point the real clients at `base_url`, and
    inspect or steer it from the test: `faults`, `requests`, `edit_review`, `add_review`,
    `reply_of`. All state is behind one lock; the server runs in daemon threads.
    Auth checks (Google tokens, App Store JWTs) use the wall clock; review times use `clock`.
    """

    def __init__(
        self,
        data: SandboxData,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        play_window_days: int | None = 7,
        clock: Callable[[], datetime] = utc_now,
        instagram_token: str = "sandbox-ig-token",  # noqa: S107 (a fake, local token)
        instagram_auth_status: int = 400,
        google_token_lifetime: int = 3600,
        verbose: bool = False,
    ) -> None:
        self.data = data
        self.host = host
        self.port = port
        self.play_window_days = play_window_days
        self.clock = clock
        self.instagram_token = instagram_token
        self.instagram_auth_status = instagram_auth_status
        self.google_token_lifetime = google_token_lifetime
        self.verbose = verbose
        self.faults = Faults()
        self.asc_public_keys: dict[str, str | bytes] = {}
        self.google_tokens: dict[str, float] = {}  # access token → expiry (epoch seconds)
        # Google Sheets: (spreadsheet id, tab) → rows, for escalation exports.
        self.sheets: dict[tuple[str, str], list[list[object]]] = {}
        self.asc_calls = 0
        self.errors: list[str] = []  # tracebacks of sandbox bugs answered with a 500
        self._log: list[RequestRecord] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Listen (port 0: a free port) and serve in a daemon thread; returns the base URL."""
        if self._server is not None:
            return self.base_url
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        server.sandbox = self
        self._server = server
        port = server.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self._base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"sandbox-{port}",
        )
        self._thread.start()
        return self._base_url

    def stop(self) -> None:
        """Stop serving, drop open connections and close the socket (safe to call twice)."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.join_handlers(timeout=2)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the sandbox is not started")
        return self._base_url

    @property
    def token_uri(self) -> str:
        """What a Google credentials file's `token_uri` should say."""
        return f"{self.base_url}/token"

    def now(self) -> datetime:
        return self.clock()

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[RequestRecord]:
        """Every platform request answered so far (control paths excluded), oldest first."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def state(self) -> dict[str, Any]:
        """Counts per platform, requests by status, pending faults (as `GET /_sandbox/state`)."""
        with self._lock:
            statuses: dict[str, int] = {}
            for record in self._log:
                statuses[str(record.status)] = statuses.get(str(record.status), 0) + 1
            return {
                "platforms": self.data.counts(),
                "requests": len(self._log),
                "statuses": statuses,
                "faults": self.faults.pending(),
                "google_tokens": len(self.google_tokens),
                "errors": len(self.errors),
            }

    def reply_of(self, platform: Platform | str, external_id: str) -> str | None:
        """The reply text the platform holds now (Instagram: our newest reply), or None."""
        with self._lock:
            kind = Platform(platform)
            if kind is Platform.GOOGLE_PLAY:
                return self.data.play.reply_of(external_id)
            if kind is Platform.APP_STORE:
                return self.data.app_store.reply_of(external_id)
            if kind is Platform.GBP:
                return self.data.gbp.reply_of(external_id)
            return self.data.instagram.reply_of(external_id)

    # ------------------------------------------------------------------ steering

    def edit_review(
        self,
        platform: Platform | str,
        external_id: str,
        *,
        text: str | None = None,
        rating: int | None = None,
    ) -> None:
        """The reviewer edits: Play text/rating + lastModified, GBP comment/starRating +
        updateTime, App Store body/rating. Instagram comments cannot be edited (ValueError)."""
        with self._lock:
            kind = Platform(platform)
            now = self.now()
            if kind is Platform.GOOGLE_PLAY:
                self.data.play.edit(external_id, now, text, rating)
            elif kind is Platform.APP_STORE:
                self.data.app_store.edit(external_id, now, text, rating)
            elif kind is Platform.GBP:
                self.data.gbp.edit(external_id, now, text, rating)
            else:
                raise ValueError("Instagram comments cannot be edited")

    def add_review(
        self,
        platform: Platform | str,
        *,
        text: str,
        rating: int | None = None,
        author: str | None = None,
        title: str | None = None,
        location: str | None = None,
        territory: str = "IND",
        media_id: str | None = None,
        parent_id: str | None = None,
        external_id: str | None = None,
    ) -> str:
        """A new review (IG: a comment, or a reply by someone else with `parent_id`) arrives
        now; returns its external id. GBP goes to `location` (default: the first one)."""
        with self._lock:
            kind = Platform(platform)
            now = self.now()
            data = self.data
            if kind is Platform.GOOGLE_PLAY:
                new_id = external_id or "gp:AOqpTO" + data.new_token(90)
                data.play.add(new_id, text, rating or 5, now, author, title)
            elif kind is Platform.APP_STORE:
                new_id = external_id or data.new_uuid()
                data.app_store.add(new_id, text, rating or 5, now, author, title, territory)
            elif kind is Platform.GBP:
                new_id = external_id or "AbFvOq" + data.new_token(64)
                where = location or next(iter(data.gbp.locations), None)
                if where is None:
                    raise NotFoundError("no Business Profile location")
                data.gbp.add(where, new_id, text, rating or 5, now, author)
            else:
                new_id = external_id or data.new_numeric_id()
                data.instagram.add(new_id, text, now, media_id, author, parent_id)
            return new_id

    def publish_app_store_responses(self) -> int:
        """PENDING_PUBLISH responses go live (PUBLISHED); returns how many did."""
        with self._lock:
            count = self.data.app_store.publish()
            self.data.app_store.touch()
            return count

    def issue_google_token(self) -> str:
        """An access token as `POST /token` would give, for tests that skip the grant."""
        access = "ya29.sandbox-" + secrets.token_urlsafe(32)
        with self._lock:
            self.google_tokens[access] = time.time() + self.google_token_lifetime
        return access

    def revoke_google_tokens(self) -> None:
        """Every issued access token stops working (clients must go back to `/token`)."""
        with self._lock:
            self.google_tokens.clear()

    # ------------------------------------------------------------------ serving

    def _serve(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        path = split.path or "/"
        shown = unquote(path)  # what the request log and fault matching see
        method = handler.command
        shape = shape_for(path)
        try:
            body = _read_body(handler)
        except BadRequest as exc:
            handler.close_connection = True
            self._answer(handler, error_in_shape(shape, 400, str(exc)), method, shown)
            return
        request = Request(
            method,
            path,
            parse_qs(split.query, keep_blank_values=True),
            handler.headers,  # type: ignore[arg-type]
            body,
            self.base_url,
        )
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            self._write(handler, self._control(request))
            return
        fault = self.faults.take(method, shown)
        if fault is not None and fault.kind == "reset":
            _reset(handler)
            self._record(method, shown, 0)
            return
        if fault is not None and fault.kind == "timeout":
            self._stopping.wait(fault.seconds)
            if self._stopping.is_set():
                _reset(handler)
                return
        if fault is not None and fault.kind in ("429", "500", "503", "401"):
            response = self._fault_response(fault, shape)
        else:
            response = self._route(request, shape)
            if fault is not None and fault.kind == "malformed":
                cut = response.body[: len(response.body) // 2] or b"{"
                response = Response(200, cut, content_type="application/json; charset=UTF-8")
        self._answer(handler, response, method, shown)

    def _answer(self, handler: _Handler, response: Response, method: str, path: str) -> None:
        self._record(method, path, response.status)
        self._write(handler, response)

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._log.append(RequestRecord(method, path, status))

    def _write(self, handler: _Handler, response: Response) -> None:
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.content_type)
        handler.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            handler.send_header(name, value)
        if handler.close_connection:
            handler.send_header("Connection", "close")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(response.body)

    def _route(self, request: Request, shape: Shape) -> Response:
        with self._lock:
            try:
                if shape is Shape.OAUTH:
                    return _google.token(self, request)
                if shape is Shape.GOOGLE:
                    if request.path.startswith("/v4/spreadsheets/"):
                        return _google.sheets(self, request)
                    if request.path.startswith("/v4/"):
                        return _google.gbp(self, request)
                    return _google.play(self, request)
                if shape is Shape.APPLE:
                    return _apple.asc(self, request)
                if shape is Shape.ITUNES:
                    return _apple.rss(self, request)
                if shape is Shape.META:
                    return _meta.graph(self, request)
                return error_in_shape(shape, 404, f"Not found: {request.path}")
            except BadRequest as exc:
                return error_in_shape(shape, 400, str(exc))
            except Exception:
                trace = traceback.format_exc()
                self.errors.append(trace)
                if self.verbose:
                    print(trace, file=sys.stderr)
                return error_in_shape(shape, 500)

    def _fault_response(self, fault: Fault, shape: Shape) -> Response:
        if fault.kind == "401":
            if shape is Shape.GOOGLE:
                return google_error(401, "Request had invalid authentication credentials.")
            if shape is Shape.APPLE:
                return _apple.auth_error("the token has expired")
            if shape is Shape.META:
                return _meta.auth_error(self)
            if shape is Shape.OAUTH:
                return oauth_error(401, "invalid_client", "The OAuth client was not found.")
            if shape is Shape.ITUNES:
                return plain(401, "Unauthorized")
            return error_in_shape(shape, 401)
        response = error_in_shape(shape, int(fault.kind))
        if fault.kind == "429":
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    # ------------------------------------------------------------------ control API

    def _control(self, request: Request) -> Response:
        try:
            return self._control_route(request)
        except (BadRequest, ValueError, TypeError, LookupError, Refused) as exc:
            return json_response(400, {"error": str(exc) or type(exc).__name__})

    def _control_route(self, request: Request) -> Response:
        path, method = request.path.rstrip("/"), request.method
        if path == "/_sandbox/state" and method == "GET":
            return json_response(200, self.state())
        if path == "/_sandbox/faults":
            if method == "GET":
                return json_response(200, {"faults": self.faults.pending()})
            if method == "DELETE":
                self.faults.clear()
                return json_response(200, {"faults": []})
            if method == "POST":
                value = request.json()
                items = value if isinstance(value, list) else [value]
                faults = []
                for item in items:
                    if not isinstance(item, dict):
                        raise BadRequest("a fault is a JSON object")
                    faults.append(Fault.from_json(item))
                for fault in faults:
                    self.faults.add(fault)
                return json_response(201, {"faults": self.faults.pending()})
        if path == "/_sandbox/reviews" and method == "POST":
            value = request.json()
            if not isinstance(value, dict) or "platform" not in value:
                raise BadRequest("send {platform, text, ...}")
            platform = value.pop("platform")
            new_id = self.add_review(platform, **value)
            return json_response(201, {"external_id": new_id})
        if path == "/_sandbox/edits" and method == "POST":
            value = request.json()
            if not isinstance(value, dict):
                raise BadRequest("send {platform, external_id, text?, rating?}")
            self.edit_review(
                value["platform"],
                value["external_id"],
                text=value.get("text"),
                rating=value.get("rating"),
            )
            return json_response(200, {"ok": True})
        if path == "/_sandbox/replies" and method == "GET":
            platform = request.param("platform") or ""
            external_id = request.param("external_id") or ""
            return json_response(200, {"reply": self.reply_of(platform, external_id)})
        if path == "/_sandbox/publish" and method == "POST":
            return json_response(200, {"published": self.publish_app_store_responses()})
        return json_response(404, {"error": f"no control endpoint {method} {request.path}"})


# --------------------------------------------------------------------------- socket plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: Sandbox

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._open: set[socket.socket] = set()
        self._handlers: list[threading.Thread] = []
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self._open_lock:
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        with self._open_lock:
            threads = list(self._handlers)
        for thread in threads:
            thread.join(timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (or a reset we caused) is not news; sandbox bugs are.
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        if self.sandbox.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall
    server: _Server

    def do_GET(self) -> None:
        sandbox = self.server.sandbox
        try:
            sandbox._serve(self)
        except OSError:
            self.close_connection = True  # the client went away (or we reset it)
        except Exception:
            sandbox.errors.append(traceback.format_exc())
            if sandbox.verbose:
                traceback.print_exc()
            self.close_connection = True

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.verbose:
            super().log_message(format, *args)


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        return _read_chunked(handler)
    length = handler.headers.get("Content-Length")
    if not length:
        return b""
    try:
        size = int(length)
    except ValueError:
        raise BadRequest("Content-Length is not a number") from None
    if size < 0 or size > MAX_BODY:
        raise BadRequest("the request body is too large")
    return handler.rfile.read(size)


def _read_chunked(handler: BaseHTTPRequestHandler) -> bytes:
    body = bytearray()
    while True:
        line = handler.rfile.readline(1024).split(b";")[0].strip()
        try:
            size = int(line, 16)
        except ValueError:
            raise BadRequest("bad chunked encoding") from None
        if size == 0:
            while handler.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(body)
        body += handler.rfile.read(size)
        handler.rfile.readline(1024)
        if len(body) > MAX_BODY:
            raise BadRequest("the request body is too large")


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection with a TCP RST and no answer."""
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
