"""The detail pane's text: everything about one item, built as plain `Text` (never markup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text

from inbox.service import ItemDetail
from inbox.tui.format import (
    PLATFORM_NAME,
    STATUS_NAME,
    Palette,
    short_span,
    sla_sentence,
    stars,
)
from inbox.tui.safe import clean, plain

MAX_EVENTS = 40


@dataclass(frozen=True)
class DetailContext:
    now: datetime
    zone: ZoneInfo
    palette: Palette
    agent: str | None


def when(moment: datetime | None, ctx: DetailContext, *, ago: bool = True) -> str:
    if moment is None:
        return "unknown time"
    local = moment.astimezone(ctx.zone)
    text = f"{local:%d %b %Y %H:%M}"
    if ago:
        delta = ctx.now - moment
        text += f" ({short_span(delta)} ago)" if delta >= timedelta(0) else ""
    return text


def _section(text: Text, title: str, ctx: DetailContext) -> None:
    text.append("\n\n")
    text.append(title, style=ctx.palette.muted + ctx.palette.bold)
    text.append("\n")


def _event_summary(kind: str, data: dict[str, Any] | None) -> str:
    data = data or {}
    if kind == "status":
        return f"{data.get('from')} → {data.get('to')}" + (
            f" ({data['note']})" if data.get("note") else ""
        )
    if kind == "retagged":
        return f"{data.get('action')} {data.get('theme')}"
    if kind == "tagged":
        themes = data.get("themes") or {}
        return ", ".join(str(t) for t in themes) if isinstance(themes, dict) else ""
    if kind == "escalated":
        return "; ".join(str(r) for r in data.get("reasons") or [])
    if kind == "snoozed":
        return f"until {data.get('until')}" if data.get("until") else "woken"
    if kind == "assigned":
        if data.get("released"):
            return "released"
        return f"to {data.get('assignee') or 'nobody'}" + (" (claim)" if data.get("claim") else "")
    if kind in ("reply_queued", "reply_cancelled", "reply_failed", "replied", "reply_edited"):
        parts = []
        if data.get("reply_id"):
            parts.append(f"reply #{data['reply_id']}")
        if data.get("origin"):
            parts.append(f"by {data['origin']}")
        if data.get("error"):
            parts.append(str(data["error"]))
        if data.get("edited"):
            parts.append("edited")
        return " ".join(parts)
    if kind == "received":
        return f"({data.get('origin')})" if data.get("origin") else ""
    if kind == "edited":
        return "new text or stars; the previous version is kept"
    return ""


def render_detail(
    detail: ItemDetail,
    ctx: DetailContext,
    why: dict[str, list[tuple[str, float]]] | str | None = None,
) -> Text:
    """The whole detail pane for one item. `why` is the classifier's explanation, or a
    message while it loads."""
    item, p = detail.item, ctx.palette
    text = Text(end="")
    platform = PLATFORM_NAME.get(item.platform, item.platform)
    text.append(platform, style=p.bold)
    text.append(" · ")
    text.append_text(plain(detail.account.display_name or detail.account.name))
    if item.rating is not None:
        text.append(" · ")
        style = p.error if item.rating <= 2 else p.warning if item.rating == 3 else p.success
        text.append(stars(item.rating), style=style)
    text.append(" · ")
    text.append(STATUS_NAME.get(item.status, item.status), style=p.bold)
    if detail.due_at is not None:
        sentence = sla_sentence(detail.due_at, ctx.now, when(detail.due_at, ctx, ago=False))
        text.append(" · ")
        text.append(sentence, style=p.error if detail.due_at <= ctx.now else p.warning)
    text.append(f"  #{item.id}", style=p.muted)

    text.append("\n")
    text.append_text(plain(item.author or "(anonymous)", style="bold"))
    text.append(" · " + when(item.created_at or item.updated_at or item.first_seen_at, ctx))
    extras = [
        f"app {item.app_version}" if item.app_version else "",
        item.device or "",
        item.territory or "",
        item.language or "",
    ]
    for extra in filter(None, extras):
        text.append(" · ")
        text.append_text(plain(extra))
    if item.updated_at and item.created_at and item.updated_at > item.created_at:
        text.append(f" · edited {when(item.updated_at, ctx)}", style=p.muted)
    if item.assignee:
        text.append("\n")
        mine = item.assignee == ctx.agent
        text.append("Assigned to ", style=p.muted)
        text.append_text(plain("you" if mine else item.assignee, style="bold"))
        if item.claimed_until and item.claimed_until > ctx.now:
            text.append(f" (working on it until {when(item.claimed_until, ctx, ago=False)})")
    if item.snoozed_until and item.snoozed_until > ctx.now:
        text.append("\n")
        text.append(f"Snoozed until {when(item.snoozed_until, ctx, ago=False)}", style=p.warning)
    if item.location:
        text.append("\n")
        text.append("Store: ", style=p.muted)
        text.append_text(plain(item.location))

    text.append("\n\n")
    if item.title:
        text.append_text(plain(item.title, style="bold"))
        text.append("\n")
    text.append_text(plain(item.body) if item.body else Text("(no text)", style=p.muted))

    if item.parent_text:
        _section(text, "On the post", ctx)
        text.append_text(plain(item.parent_text, style="italic"))

    replies = [r for r in detail.replies if r.state not in ("cancelled", "draft")]
    if replies:
        _section(text, "Replies", ctx)
        for reply in replies:
            who = "on the platform" if reply.origin == "platform" else f"ours #{reply.id}"
            state = reply.state
            if state == "queued" and reply.send_after is not None:
                left = (reply.send_after - ctx.now).total_seconds()
                state = f"queued, sends in {max(0, int(left))} s" if left > 0 else "queued"
            style = p.error if reply.state == "failed" else p.muted
            text.append(f"{who} · {state}", style=style)
            if reply.sent_at:
                text.append(f" · {when(reply.sent_at, ctx)}", style=p.muted)
            if reply.state == "failed" and reply.last_error:
                text.append("\n  ")
                text.append_text(plain(reply.last_error, style=p.error))
            text.append("\n")
            text.append_text(plain(reply.body))
            text.append("\n")
        text.rstrip()

    if detail.tags:
        _section(text, "Themes", ctx)
        human = {t.theme: t for t in detail.tags if t.origin == "human"}
        first = True
        for tag in detail.tags:
            if tag.origin != "human" and tag.theme in human:
                continue  # a person's word on this theme replaces the model's
            if not first:
                text.append(" · ", style=p.muted)
            first = False
            if not tag.active:
                text.append_text(plain(tag.theme, style="strike"))
                text.append(" removed", style=p.muted)
            else:
                text.append_text(plain(tag.theme, style=p.accent))
                if tag.origin == "human":
                    text.append(f" (by {clean(tag.created_by) or 'a person'})", style=p.muted)
                elif tag.score is not None:
                    text.append(f" {tag.score:.2f} {tag.origin}", style=p.muted)
    if why is not None:
        _section(text, "Why (classifier)", ctx)
        if isinstance(why, str):
            text.append(why, style=p.muted)
        elif not why:
            text.append("the model predicts no theme for this text", style=p.muted)
        else:
            for index, (label, terms) in enumerate(why.items()):
                if index:
                    text.append("\n")
                text.append_text(plain(label, style=p.accent))
                text.append(" ← ")
                text.append_text(
                    plain(", ".join(f'"{term}" {weight:+.2f}' for term, weight in terms))
                )

    if detail.escalations:
        _section(text, "Escalation", ctx)
        for esc in detail.escalations:
            text.append(f"{esc.severity} · ", style=p.error)
            text.append_text(plain("; ".join(esc.reasons)))
            by = clean(esc.created_by) or "someone"
            exported = (
                f"exported {when(esc.exported_at, ctx)}" if esc.exported_at else "not exported yet"
            )
            text.append(f"\n  by {by} · {when(esc.created_at, ctx)} · {exported}", style=p.muted)
            if esc.note:
                text.append("\n  note: ", style=p.muted)
                text.append_text(plain(esc.note))
            text.append("\n")
        text.rstrip()

    if detail.events:
        _section(text, "History", ctx)
        events = detail.events[-MAX_EVENTS:]
        if len(detail.events) > len(events):
            text.append(f"({len(detail.events) - len(events)} older events)\n", style=p.muted)
        for index, event in enumerate(events):
            if index:
                text.append("\n")
            local = event.at.astimezone(ctx.zone)
            text.append(f"{local:%d %b %H:%M}  ", style=p.muted)
            text.append(event.kind.replace("_", " "), style="bold")
            if event.actor:
                text.append_text(plain(f" by {event.actor}", style=p.muted))
            summary = _event_summary(event.kind, event.data)
            if summary:
                text.append("  ")
                text.append_text(plain(summary))
    return text
