"""Faults on demand: the next N matching requests fail the way real platforms fail."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = frozenset({"429", "500", "503", "401", "malformed", "timeout", "reset"})


@dataclass(frozen=True)
class Fault:
    """One fault for the next `count` requests whose path contains `path_contains`.

    kind: "429" (with `Retry-After: retry_after`), "500", "503", "401" (expired credentials
    in the platform's own error shape), "malformed" (200 with the real answer cut in half),
    "timeout" (sleep `seconds`, then answer) or "reset" (close the connection unanswered).
    `path_contains` is matched against the percent-decoded path (no query); `method` limits
    it to one HTTP method. Control paths (`/_sandbox/…`) are never faulted.
    """

    kind: str | int
    count: int = 1
    path_contains: str | None = None
    method: str | None = None
    retry_after: int = 1
    seconds: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", str(self.kind).lower())
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(KINDS)}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.method is not None:
            object.__setattr__(self, "method", self.method.upper())

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Fault:
        """Build from `POST /_sandbox/faults` JSON; ValueError/TypeError on a bad field."""
        known = {"kind", "count", "path_contains", "method", "retry_after", "seconds"}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown fault fields {sorted(unknown)}")
        if "kind" not in value:
            raise ValueError("a fault needs a kind")
        fault = cls(**value)
        for name, kinds in (("count", int), ("retry_after", int), ("seconds", int | float)):
            got = getattr(fault, name)
            if not isinstance(got, kinds) or isinstance(got, bool):
                raise TypeError(f"{name} must be a number")
        return fault

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.path_contains is None or self.path_contains in path


@dataclass
class Faults:
    """The pending faults, first added first served; safe to use from any thread."""

    _pending: list[list[Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append([fault, fault.count])

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that applies to this request, if any (and one use of it is spent)."""
        with self._lock:
            for entry in self._pending:
                fault: Fault = entry[0]
                if fault.matches(method, path):
                    entry[1] -= 1
                    if entry[1] <= 0:
                        self._pending.remove(entry)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        """What is left: each fault with its remaining count."""
        with self._lock:
            return [{**asdict(f), "remaining": left} for f, left in self._pending]

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)
