"""Open a local file in Debian's headless Chromium and watch it through the DevTools protocol.

A small client over `--remote-debugging-pipe` (JSON messages ending in NUL on fds 3 and 4):
no extra Python package, no browser download, nothing listening on a port. It records every
network request the page makes, console messages, uncaught exceptions, log entries and
JavaScript dialogs, and takes a full-page screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# From RECIPES.md: without the background-networking flags Chromium keeps calling home.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--mute-audio",
    "--remote-debugging-pipe",
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What happened while the page loaded."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (level, source, text)
    dialogs: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    evaluated: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error-level log entries."""
        return (
            [f"console.{t}: {text}" for t, text in self.console if t in ("error", "assert")]
            + [f"exception: {e}" for e in self.exceptions]
            + [f"log {src}: {text}" for level, src, text in self.log if level == "error"]
        )


class CdpError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process, driven over the DevTools pipe."""

    def __init__(self, executable: str, timeout: float = 45.0) -> None:
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="inbox-chromium-"))
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Copies at fd >= 10 so that moving them to 3 and 4 in the child cannot clobber them.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def wire_fds() -> None:  # in the child, before exec: fd 3 reads, fd 4 writes
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # fds 3 and 4 must survive; Python's own fds are not inheritable
            preexec_fn=wire_fds,  # single-threaded test code: no fork-with-threads hazard
            start_new_session=True,
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    # ----- protocol ---------------------------------------------------------------------
    def _send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("timed out waiting for Chromium")
            ready, _w, _x = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise CdpError(f"Chromium closed the pipe (exit code {self.process.poll()})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its answer; events meanwhile are kept for `events`."""
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self._events.append(message)

    def wait_for(self, method: str, seconds: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + seconds
        for event in self._events:
            if event["method"] == method:
                return event
        while True:
            try:
                message = self._read(deadline)
            except CdpError:
                return None
            if "method" in message:
                self._events.append(message)
                if message["method"] == "Page.javascriptDialogOpening":
                    # An alert() blocks the page until answered: record it (above), dismiss it.
                    self._send(
                        "Page.handleJavaScriptDialog", {"accept": False}, message.get("sessionId")
                    )
                if message["method"] == method:
                    return message

    # ----- the one thing the tests need ----------------------------------------------------
    def open(
        self,
        url: str,
        evaluate: dict[str, str] | None = None,
        settle: float = 0.5,
        width: int = 1200,
    ) -> PageReport:
        """Load `url` in a new tab, wait for `load` and `settle` seconds more, evaluate the
        expressions (from DevTools: the page's CSP does not apply), take a full-page
        screenshot, and report everything the page did."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", {}, session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self._events.clear()
        self.call("Page.navigate", {"url": url}, session)
        if self.wait_for("Page.loadEventFired", self.timeout) is None:
            raise CdpError(f"{url} did not finish loading")
        self.wait_for("(nothing: let late requests and messages arrive)", settle)
        report = PageReport()
        for name, expression in (evaluate or {}).items():
            result = self.call(
                "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session
            )
            report.evaluated[name] = result.get("result", {}).get("value")
        metrics = self.call("Page.getLayoutMetrics", {}, session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
            session,
        )
        report.screenshot = base64.b64decode(shot["data"])
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            params = event.get("params", {})
            method = event["method"]
            if method == "Network.requestWillBeSent":
                report.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
                report.console.append((params.get("type", ""), text))
            elif method == "Runtime.exceptionThrown":
                report.exceptions.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                report.log.append(
                    (entry.get("level", ""), entry.get("source", ""), entry.get("text", ""))
                )
            elif method == "Page.javascriptDialogOpening":
                report.dialogs.append(params.get("message", ""))
        return report

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self._send("Browser.close")
                self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            for fd in (self._to_browser, self._from_browser):
                with contextlib.suppress(OSError):
                    os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
