"""A loopback HTTP server speaking the platforms' APIs, for the demo, e2e tests and trials.

    data = SandboxData.from_documents(play_pages=..., asc_pages=..., gbp_pages=...,
                                      instagram_pages=...)   # or SandboxData.synthetic(...)
    with Sandbox(data) as sandbox:          # sandbox.base_url == "http://127.0.0.1:PORT"
        ...point the real clients at sandbox.base_url (Google token_uri: sandbox.token_uri)
        sandbox.faults.add(Fault(429, count=2, path_contains="/reviews"))
        sandbox.add_review("google_play", text="...", rating=1)
        sandbox.reply_of("google_play", review_id)

Paths and auth follow docs/sources-contract.md. Control endpoints (never faulted, not in
`sandbox.requests`): `GET /_sandbox/state`; `GET|POST|DELETE /_sandbox/faults` (a Fault as
JSON, or a list); `POST /_sandbox/reviews` {platform, text, rating?, …} (add_review);
`POST /_sandbox/edits` {platform, external_id, text?, rating?}; `GET /_sandbox/replies?
platform=&external_id=`; `POST /_sandbox/publish` (App Store responses go PUBLISHED).
"""

from sources.sandbox.data import NotFoundError, Refused, SandboxData
from sources.sandbox.faults import Fault, Faults
from sources.sandbox.server import RequestRecord, Sandbox

__all__ = [
    "Fault",
    "Faults",
    "NotFoundError",
    "Refused",
    "RequestRecord",
    "Sandbox",
    "SandboxData",
]
