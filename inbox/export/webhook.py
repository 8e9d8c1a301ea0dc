"""Posting escalations to the CX team's webhook (Slack-compatible, or a generic JSON schema).

Each post carries the batch id (`X-Inbox-Delivery`), so a receiver can drop a repeat, and an
HMAC-SHA256 signature of timestamp + body when a secret is configured (`X-Inbox-Signature:
sha256=…`, `X-Inbox-Timestamp`), so it can check the post came from us. A post that times out
is not retried at once (it may have arrived); the batch stays pending for the next export.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from inbox.export.rows import EscalationRow
from sources.errors import SourceError
from sources.http import Http, RetryPolicy, make_client

MAX_TEXT = 600


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(batch: str, tickets: Sequence[Sequence[EscalationRow]]) -> dict[str, Any]:
    """One attachment per ticket (one author's escalations together)."""
    attachments = []
    for rows in tickets:
        first = rows[0]
        where = ", ".join(sorted({f"{r.platform} ({r.account})" for r in rows}))
        reasons = ", ".join(sorted({reason for r in rows for reason in r.reasons}))
        attachments.append(
            {
                "fallback": f"Escalation: {reasons} — {first.author or 'unknown author'}",
                "color": "danger" if any(r.severity == "high" for r in rows) else "warning",
                "title": f"{first.author or 'Unknown author'} — {reasons}",
                "title_link": first.permalink,
                "text": "\n\n".join(_short(r.text) for r in rows),
                "fields": [
                    {"title": "Where", "value": where, "short": True},
                    {
                        "title": "Rating",
                        "value": ", ".join(str(r.rating) for r in rows if r.rating) or "–",
                        "short": True,
                    },
                    {"title": "SLA", "value": first.sla, "short": True},
                    {
                        "title": "Ids",
                        "value": ", ".join(str(r.escalation_id) for r in rows),
                        "short": True,
                    },
                    *(
                        [{"title": "Note", "value": first.note, "short": False}]
                        if first.note
                        else []
                    ),
                ],
            }
        )
    count = sum(len(t) for t in tickets)
    return {
        "text": f"{count} escalation{'s' if count != 1 else ''} from review-inbox (batch {batch})",
        "attachments": attachments,
    }


def generic_payload(batch: str, tickets: Sequence[Sequence[EscalationRow]]) -> dict[str, Any]:
    return {
        "batch": batch,
        "tickets": [{"escalations": [r.as_dict() for r in rows]} for rows in tickets],
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post(
    url: str,
    payload: dict[str, Any],
    batch: str,
    *,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    timeout: float = 20.0,
) -> None:
    """POST the payload; raises a SourceError subclass (as sentences) when it fails."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    headers = {"Content-Type": "application/json", "X-Inbox-Delivery": batch}
    if secret:
        stamp = str(int(time.time()))
        headers["X-Inbox-Timestamp"] = stamp
        headers["X-Inbox-Signature"] = signature(secret, stamp, body)
    path = httpx.URL(url).path
    with make_client("", timeout=timeout) as client:
        http = Http(client, "the CX webhook", policy or RetryPolicy(attempts=4))
        try:
            http.request("POST", url, content=body, headers=headers, idempotent=False)
        except SourceError as exc:
            # Webhook URLs carry their secret in the path (Slack): never in a message.
            message = str(exc).replace(path, "(the webhook URL)") if len(path) > 1 else str(exc)
            raise type(exc)(message) from None
