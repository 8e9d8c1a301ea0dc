"""Google: the OAuth token endpoint, the Play Developer API reviews and Business Profile v4."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import jwt

from sources.sandbox._http import BadRequest, Request, Response, google_error, json_response
from sources.sandbox._util import decode_cursor
from sources.sandbox.data import GbpStore, NotFoundError, Refused

if TYPE_CHECKING:
    from sources.sandbox.server import Sandbox

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PLAY_MAX_RESULTS = 100
PLAY_DEFAULT_RESULTS = 10
GBP_MAX_PAGE = 50


def _int_param(req: Request, name: str, default: int) -> int:
    value = req.param(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"Invalid value at '{name}' (TYPE_INT32), \"{value}\"") from None


# --------------------------------------------------------------------------- OAuth


def token(sb: Sandbox, req: Request) -> Response:
    """`POST /token`: a service-account JWT grant or a refresh-token grant."""
    if req.method != "POST":
        return _oauth(405, "invalid_request", "The token endpoint only accepts POST.")
    form = _token_form(req)
    grant = form.get("grant_type", "")
    if grant == JWT_GRANT:
        problem = _assertion_problem(form.get("assertion", ""))
        if problem:
            return _oauth(400, "invalid_grant", problem)
    elif grant == "refresh_token":
        if not form.get("refresh_token"):
            return _oauth(400, "invalid_request", "Missing required parameter: refresh_token")
    else:
        return _oauth(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
    access = sb.issue_google_token()
    return json_response(
        200,
        {"access_token": access, "expires_in": sb.google_token_lifetime, "token_type": "Bearer"},
    )


def _token_form(req: Request) -> dict[str, str]:
    if "json" in (req.header("Content-Type") or ""):
        value = req.json()
        if not isinstance(value, dict):
            raise BadRequest("the token request must be a form or a JSON object")
        return {str(k): str(v) for k, v in value.items()}
    return {k: v[0] for k, v in req.form().items() if v}


def _assertion_problem(assertion: str) -> str | None:
    """Why a service-account assertion is unusable (the signature is not checked)."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "Invalid JWT: the assertion is not a JWT."
    if not isinstance(claims.get("iss"), str):
        return "Invalid JWT: no issuer (iss) claim."
    expires = claims.get("exp")
    issued = claims.get("iat")
    now = time.time()
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        return "Invalid JWT: iat and exp are required."
    if expires < now - 30 or issued > now + 300 or expires - issued > 3600:
        return (
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
            "timeframe. Check your iat and exp values in the JWT claim."
        )
    return None


def _oauth(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def check_bearer(sb: Sandbox, req: Request) -> Response | None:
    """None when the request carries a live issued access token, else Google's 401."""
    given = req.bearer()
    expires = sb.google_tokens.get(given or "")
    if given is None or expires is None or expires < time.time():
        return google_error(401, "Request had invalid authentication credentials.")
    return None


# --------------------------------------------------------------------------- Play


def play(sb: Sandbox, req: Request) -> Response:
    """`/androidpublisher/v3/applications/{pkg}/reviews[/{id}[:reply]]`."""
    parts = req.segments
    if len(parts) < 5 or parts[:3] != ["androidpublisher", "v3", "applications"]:
        return google_error(404)
    if parts[4] != "reviews" or len(parts) > 6:
        return google_error(404)
    denied = check_bearer(sb, req)
    if denied:
        return denied
    store = sb.data.play
    if parts[3] != store.package:
        return google_error(404, f"Package not found: {parts[3]}.")
    if len(parts) == 5:
        return _play_list(sb, req) if req.method == "GET" else google_error(405)
    review_id = parts[5]
    if review_id.endswith(":reply"):
        if req.method != "POST":
            return google_error(405)
        return _play_reply(sb, req, review_id.removesuffix(":reply"))
    if req.method != "GET":
        return google_error(405)
    try:
        return json_response(200, store.get(review_id))
    except NotFoundError:
        return google_error(404, "No review found for the given review id.")


def _play_list(sb: Sandbox, req: Request) -> Response:
    store = sb.data.play
    size = _int_param(req, "maxResults", PLAY_DEFAULT_RESULTS)
    size = min(max(size, 1), PLAY_MAX_RESULTS)
    ordered = store.ordered()
    cursor = None
    page_token = req.param("token")
    if page_token:
        try:
            cursor = decode_cursor("play", page_token, ordered.like((0, "")))
        except ValueError:
            return google_error(400, "Invalid pagination token.")
    cutoff = None
    if sb.play_window_days is not None:
        cutoff = sb.now() - timedelta(days=sb.play_window_days)
    end = store.visible_end(ordered, cutoff)
    start, stop = ordered.after(cursor, size, end)
    body: dict[str, Any] = {}
    if stop > start:
        body["reviews"] = [store.reviews[i] for i in ordered.ids[start:stop]]
    if stop < end:
        body["tokenPagination"] = {"nextPageToken": ordered.cursor(stop - 1)}
    return json_response(200, body)


def _play_reply(sb: Sandbox, req: Request, review_id: str) -> Response:
    body = req.json()
    text = body.get("replyText") if isinstance(body, dict) else None
    try:
        developer = sb.data.play.reply(review_id, text, sb.now())
    except NotFoundError:
        return google_error(404, "No review found for the given review id.")
    except Refused as exc:
        return google_error(400, str(exc))
    return json_response(
        200, {"result": {"replyText": developer["text"], "lastEdited": developer["lastModified"]}}
    )


# --------------------------------------------------------------------------- Business Profile


def gbp(sb: Sandbox, req: Request) -> Response:
    """`/v4/accounts/{a}/locations/{l}/reviews[/{r}[/reply]]`."""
    parts = req.segments
    if (
        len(parts) < 6
        or parts[0] != "v4"
        or parts[1] != "accounts"
        or parts[3] != "locations"
        or parts[5] != "reviews"
        or len(parts) > 8
        or (len(parts) == 8 and parts[7] != "reply")
    ):
        return google_error(404)
    denied = check_bearer(sb, req)
    if denied:
        return denied
    store = sb.data.gbp
    location = f"accounts/{parts[2]}/locations/{parts[4]}"
    if location not in store.locations:
        return google_error(404, "Requested entity was not found.")
    if len(parts) == 6:
        return _gbp_list(req, store, location) if req.method == "GET" else google_error(405)
    review_id = parts[6]
    try:
        if len(parts) == 7:
            if req.method != "GET":
                return google_error(405)
            return json_response(200, store.get(location, review_id))
        if req.method == "PUT":
            body = req.json()
            comment = body.get("comment") if isinstance(body, dict) else None
            return json_response(200, store.reply(location, review_id, comment, sb.now()))
        if req.method == "DELETE":
            store.delete_reply(location, review_id)
            return json_response(200, {})
        return google_error(405)
    except NotFoundError:
        return google_error(404, "Requested entity was not found.")
    except Refused as exc:
        return google_error(400, str(exc))


def _gbp_list(req: Request, store: GbpStore, location: str) -> Response:
    size = _int_param(req, "pageSize", GBP_MAX_PAGE)
    size = GBP_MAX_PAGE if size <= 0 else min(size, GBP_MAX_PAGE)
    order = " ".join((req.param("orderBy") or "updateTime desc").split())
    order = {
        "updatetime desc": "updateTime desc",
        "rating": "rating",
        "rating desc": "rating desc",
    }.get(order.lower(), "")
    if not order:
        return google_error(400, f"Invalid orderBy: {req.param('orderBy')}")
    ordered = store.ordered(location, order)
    cursor = None
    page_token = req.param("pageToken")
    if page_token:
        default = (0, "") if order == "updateTime desc" else (0, 0, "")
        try:
            cursor = decode_cursor("gbp" + order, page_token, ordered.like(default))
        except ValueError:
            return google_error(400, "Invalid pageToken.")
    start, stop = ordered.after(cursor, size)
    body: dict[str, Any] = {}
    if stop > start:
        body["reviews"] = [store.locations[location][i] for i in ordered.ids[start:stop]]
    body.update(store.summary(location))
    if stop < len(ordered.ids):
        body["nextPageToken"] = ordered.cursor(stop - 1)
    return json_response(200, body)


# --------------------------------------------------------------------------- Sheets


def sheets(sb: Sandbox, req: Request) -> Response:
    """`/v4/spreadsheets/{id}/values/{range}[:append]`: append rows to a tab, or read them."""
    parts = req.segments
    if len(parts) != 5 or parts[1] != "spreadsheets" or parts[3] != "values":
        return google_error(404)
    denied = check_bearer(sb, req)
    if denied:
        return denied
    spreadsheet, target = parts[2], parts[4]
    append = target.endswith(":append")
    tab = target.removesuffix(":append").split("!", 1)[0].strip("'")
    if not tab:
        return google_error(400, "Unable to parse range")
    rows = sb.sheets.setdefault((spreadsheet, tab), [])
    if req.method == "GET" and not append:
        return json_response(
            200,
            {"range": f"{tab}!A1:Z{max(1, len(rows))}", "majorDimension": "ROWS", "values": rows},
        )
    if req.method != "POST" or not append:
        return google_error(405)
    body = req.json()
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, list) for v in values):
        return google_error(400, "Invalid values: expected a list of rows")
    first = len(rows) + 1
    rows.extend([list(v) for v in values])
    cells = sum(len(v) for v in values)
    return json_response(
        200,
        {
            "spreadsheetId": spreadsheet,
            "tableRange": f"{tab}!A1:Z{max(1, first - 1)}",
            "updates": {
                "spreadsheetId": spreadsheet,
                "updatedRange": f"{tab}!A{first}:Z{len(rows)}",
                "updatedRows": len(values),
                "updatedCells": cells,
            },
        },
    )
