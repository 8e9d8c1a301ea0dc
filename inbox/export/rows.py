"""What an escalation export says about each escalation: everything CX needs to act."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from inbox.models import NEEDS_REPLY, Escalation, Item, SourceAccount
from inbox.service import InboxService, _themes_for

COLUMNS = (
    "escalation_id",
    "item_key",
    "permalink",
    "platform",
    "account",
    "author",
    "rating",
    "created",
    "text",
    "themes",
    "reasons",
    "severity",
    "status",
    "note",
    "sla",
    "escalated_by",
    "escalated_at",
)


@dataclass(frozen=True)
class EscalationRow:
    escalation_id: int
    item_key: str  # platform:account:external id, stable across exports and re-imports
    permalink: str | None
    platform: str
    account: str
    author: str | None
    rating: int | None
    created: datetime | None
    text: str
    themes: tuple[str, ...]
    reasons: tuple[str, ...]
    severity: str
    status: str
    note: str | None
    sla: str
    escalated_by: str | None
    escalated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["created"] = self.created.isoformat() if self.created else None
        out["escalated_at"] = self.escalated_at.isoformat()
        out["themes"] = list(self.themes)
        out["reasons"] = list(self.reasons)
        return out


def escalation_rows(service: InboxService, ids: Sequence[int]) -> list[EscalationRow]:
    """The rows for these escalations, oldest first."""
    if not ids:
        return []
    now = service.clock()
    out: list[EscalationRow] = []
    with Session(service.engine) as session:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = session.execute(
                sa.select(Escalation, Item, SourceAccount)
                .join(Item, col(Item.id) == col(Escalation.item_id))
                .join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
                .where(col(Escalation.id).in_(chunk))
            ).all()
            themes = _themes_for(session, [item.id for _e, item, _a in rows if item.id])
            for esc, item, account in rows:
                out.append(
                    EscalationRow(
                        escalation_id=esc.id or 0,
                        item_key=f"{item.platform}:{account.name}:{item.external_id}",
                        permalink=item.permalink,
                        platform=item.platform,
                        account=account.display_name or account.name,
                        author=item.author,
                        rating=item.rating,
                        created=item.created_at or item.updated_at,
                        text=f"{item.title}\n{item.body}" if item.title else item.body,
                        themes=themes.get(item.id or 0, ()),
                        reasons=tuple(esc.reasons or ()),
                        severity=esc.severity,
                        status=item.status,
                        note=esc.note,
                        sla=_sla_state(service, item, now),
                        escalated_by=esc.created_by,
                        escalated_at=esc.created_at,
                    )
                )
    out.sort(key=lambda r: (r.escalated_at, r.escalation_id))
    return out


def _sla_state(service: InboxService, item: Item, now: datetime) -> str:
    if item.status not in NEEDS_REPLY:
        return item.status.replace("_", " ")
    due = service.due_at(item.clock_started_at)
    if due is None:
        return "no clock"
    hours = abs((due - now).total_seconds()) / 3600
    return f"breached {hours:.0f} h ago" if due <= now else f"due in {hours:.0f} h"
