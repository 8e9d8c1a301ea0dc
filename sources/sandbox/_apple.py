"""Apple: App Store Connect customer reviews and responses, and the public iTunes RSS feed."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import jwt

from sources.sandbox._http import (
    Request,
    Response,
    apple_error,
    json_response,
    plain,
)
from sources.sandbox._util import PACIFIC, apple_time, decode_cursor
from sources.sandbox.data import AppStoreStore, NotFoundError, Refused

if TYPE_CHECKING:
    from sources.sandbox.server import Sandbox

ASC_AUDIENCE = "appstoreconnect-v1"
ASC_MAX_LIFETIME = 1200  # seconds: Apple refuses tokens that live longer than 20 minutes
ASC_MAX_LIMIT = 200
ASC_DEFAULT_LIMIT = 50
SORTS = ("-createdDate", "createdDate", "rating", "-rating")
RSS_PAGE_SIZE = 50
RSS_MAX_PAGE = 10
_AUTH_DETAIL = (
    "Provide a properly configured and signed bearer token, and make sure that it has not "
    "expired. Learn more about Generating Tokens for API Requests "
    "https://developer.apple.com/go/?id=api-generating-tokens"
)
_RSS_PART = re.compile(r"^(page|id|sortby)=(.*)$", re.IGNORECASE)


# --------------------------------------------------------------------------- auth


def jwt_problem(sb: Sandbox, token: str | None) -> str | None:
    """Why an App Store Connect bearer token would be refused, or None when it is fine."""
    if not token:
        return "no bearer token"
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "the bearer token is not a JWT"
    if header.get("alg") != "ES256":
        return f"alg is {header.get('alg')!r}, not ES256"
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return "the header has no kid"
    if claims.get("aud") != ASC_AUDIENCE:
        return f"aud is {claims.get('aud')!r}, not {ASC_AUDIENCE!r}"
    if not isinstance(claims.get("iss"), str) and claims.get("sub") != "user":
        return "no iss (team key) or sub=user (individual key)"
    issued, expires = claims.get("iat"), claims.get("exp")
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        return "iat and exp are required"
    if expires - issued > ASC_MAX_LIFETIME:
        return f"exp - iat is {expires - issued:.0f} s, more than {ASC_MAX_LIFETIME}"
    now = time.time()
    if expires <= now:
        return "the token has expired"
    if issued > now + 60:
        return "iat is in the future"
    if sb.asc_public_keys:
        key = sb.asc_public_keys.get(kid)
        if key is None:
            return f"unknown key id {kid}"
        try:
            jwt.decode(token, key, algorithms=["ES256"], audience=ASC_AUDIENCE)
        except jwt.PyJWTError as exc:
            return f"the signature does not verify ({type(exc).__name__})"
    return None


def auth_error(detail: str | None = None) -> Response:
    text = _AUTH_DETAIL + (f" (sandbox: {detail})" if detail else "")
    return apple_error(401, text)


# --------------------------------------------------------------------------- App Store Connect


def asc(sb: Sandbox, req: Request) -> Response:
    """Every `/v1/…` path, with Apple's rate-limit header."""
    response = _asc(sb, req)
    sb.asc_calls += 1
    left = max(0, 3600 - sb.asc_calls)
    response.headers["X-Rate-Limit"] = f"user-hour-lim:3600;user-hour-rem:{left};"
    return response


def _asc(sb: Sandbox, req: Request) -> Response:
    parts = req.segments
    route = _asc_route(parts)
    if route is None:
        return apple_error(404, "The path provided does not match a defined resource type.")
    problem = jwt_problem(sb, req.bearer())
    if problem:
        return auth_error(problem)
    store = sb.data.app_store
    name, allowed = route
    if req.method not in allowed:
        return apple_error(
            405,
            f"The resource '{req.path}' does not allow '{req.method}'. Allowed operations "
            f"are: {', '.join(allowed)}",
        )
    if name == "list":
        if parts[2] != store.app_id:
            return apple_error(404, f"There is no resource of type 'apps' with id '{parts[2]}'")
        return _list(req, store)
    if name == "review":
        if parts[2] not in store.reviews:
            return _no_review(parts[2])
        include = "response" in (req.param("include") or "").split(",")
        data = review_view(req, store, parts[2], include)
        body: dict[str, Any] = {"data": data}
        response = store.responses.get(parts[2])
        if include and response is not None:
            body["included"] = [response_view(req, parts[2], response)]
        body["links"] = {"self": req.url()}
        return json_response(200, body)
    if name == "review-response":
        if parts[2] not in store.reviews:
            return _no_review(parts[2])
        response = store.responses.get(parts[2])
        if response is None:
            return apple_error(
                404,
                f"There is no resource of type 'customerReviewResponses' for the "
                f"customerReviews with id '{parts[2]}'",
            )
        return json_response(
            200, {"data": response_view(req, parts[2], response), "links": {"self": req.url()}}
        )
    if name == "respond":
        return _respond(sb, req, store)
    # one response, by its own id
    try:
        review_id, response = store.response_by_id(parts[2])
    except NotFoundError:
        return apple_error(
            404, f"There is no resource of type 'customerReviewResponses' with id '{parts[2]}'"
        )
    if req.method == "DELETE":
        store.delete_response(parts[2])
        return Response(204, b"", content_type="application/json")
    return json_response(
        200, {"data": response_view(req, review_id, response), "links": {"self": req.url()}}
    )


def _asc_route(parts: list[str]) -> tuple[str, tuple[str, ...]] | None:
    if len(parts) == 4 and parts[:2] == ["v1", "apps"] and parts[3] == "customerReviews":
        return "list", ("GET",)
    if len(parts) == 3 and parts[:2] == ["v1", "customerReviews"]:
        return "review", ("GET",)
    if len(parts) == 4 and parts[:2] == ["v1", "customerReviews"] and parts[3] == "response":
        return "review-response", ("GET",)
    if parts == ["v1", "customerReviewResponses"]:
        return "respond", ("POST",)
    if len(parts) == 3 and parts[:2] == ["v1", "customerReviewResponses"]:
        return "response", ("GET", "DELETE")
    return None


def _no_review(review_id: str) -> Response:
    return apple_error(404, f"There is no resource of type 'customerReviews' with id '{review_id}'")


def _list(req: Request, store: AppStoreStore) -> Response:
    sort = req.param("sort") or "-createdDate"
    if sort not in SORTS:
        return apple_error(
            400,
            f"'{sort}' is not a valid value for sort; use one of {', '.join(SORTS)}",
            parameter="sort",
        )
    raw_limit = req.param("limit")
    try:
        limit = int(raw_limit) if raw_limit else ASC_DEFAULT_LIMIT
    except ValueError:
        limit = -1
    if not 1 <= limit <= ASC_MAX_LIMIT:
        return apple_error(
            400,
            f"'{raw_limit}' is not a valid value for limit; it must be between 1 and "
            f"{ASC_MAX_LIMIT}",
            parameter="limit",
        )
    includes = [i for i in (req.param("include") or "").split(",") if i]
    for include in includes:
        if include not in ("response", "reviewTerritory"):
            return apple_error(
                400,
                f"'{include}' is not a valid relationship name for include",
                parameter="include",
            )
    ordered = store.ordered(sort)
    cursor = None
    if req.param("cursor"):
        default: tuple[Any, ...] = (0, "") if "createdDate" in sort else (0, 0, "")
        try:
            cursor = decode_cursor("asc" + sort, req.param("cursor") or "", ordered.like(default))
        except ValueError:
            return apple_error(400, "The cursor is not valid for this list", parameter="cursor")
    keep = _filters(req, store)
    start, _ = ordered.after(cursor, 0)
    positions: list[int] = []
    more = False
    for position in range(start, len(ordered.ids)):
        if keep is None or keep(ordered.ids[position]):
            if len(positions) == limit:
                more = True
                break
            positions.append(position)
    total = len(ordered.ids) if keep is None else sum(1 for i in ordered.ids if keep(i))
    page_ids = [ordered.ids[p] for p in positions]
    include_response = "response" in includes
    body: dict[str, Any] = {
        "data": [review_view(req, store, i, include_response) for i in page_ids]
    }
    if include_response:
        included = [
            response_view(req, i, store.responses[i]) for i in page_ids if i in store.responses
        ]
        if included:
            body["included"] = included
    links = {"self": req.url()}
    paging: dict[str, Any] = {"total": total, "limit": limit}
    if more:
        token = ordered.cursor(positions[-1])
        links["next"] = req.url(cursor=token)
        paging["nextCursor"] = token
    body["links"] = links
    body["meta"] = {"paging": paging}
    return json_response(200, body)


def _filters(req: Request, store: AppStoreStore) -> Callable[[str], bool] | None:
    territories = {t.upper() for t in (req.param("filter[territory]") or "").split(",") if t}
    ratings = {r for r in (req.param("filter[rating]") or "").split(",") if r}
    published = req.param("exists[publishedResponse]")
    if not territories and not ratings and published is None:
        return None

    def keep(review_id: str) -> bool:
        attributes = store.reviews[review_id]["attributes"]
        if territories and str(attributes.get("territory", "")).upper() not in territories:
            return False
        if ratings and str(attributes.get("rating")) not in ratings:
            return False
        if published is not None:
            response = store.responses.get(review_id)
            has = response is not None and response["attributes"].get("state") == "PUBLISHED"
            if has != (published.lower() == "true"):
                return False
        return True

    return keep


def review_view(
    req: Request, store: AppStoreStore, review_id: str, include: bool
) -> dict[str, Any]:
    base = f"{req.base_url}/v1/customerReviews/{review_id}"
    relation: dict[str, Any] = {
        "links": {"self": f"{base}/relationships/response", "related": f"{base}/response"}
    }
    if include:
        response = store.responses.get(review_id)
        relation["data"] = (
            {"type": "customerReviewResponses", "id": response["id"]} if response else None
        )
    review = store.reviews[review_id]
    return {
        "type": "customerReviews",
        "id": review_id,
        "attributes": review["attributes"],
        "relationships": {"response": relation},
        "links": {"self": base},
    }


def response_view(req: Request, review_id: str, response: dict[str, Any]) -> dict[str, Any]:
    base = f"{req.base_url}/v1/customerReviewResponses/{response['id']}"
    return {
        "type": "customerReviewResponses",
        "id": response["id"],
        "attributes": response["attributes"],
        "relationships": {
            "review": {
                "links": {"self": f"{base}/relationships/review", "related": f"{base}/review"}
            }
        },
        "links": {"self": base},
    }


def _respond(sb: Sandbox, req: Request, store: AppStoreStore) -> Response:
    body = req.json()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("type") != "customerReviewResponses":
        return apple_error(
            409,
            "The request entity must be of type 'customerReviewResponses'",
            code="ENTITY_ERROR.INCLUDED.INVALID" if data else "ENTITY_ERROR.ATTRIBUTE.REQUIRED",
        )
    attributes = data.get("attributes") if isinstance(data.get("attributes"), dict) else {}
    text = attributes.get("responseBody") if isinstance(attributes, dict) else None
    relation = (data.get("relationships") or {}).get("review") or {}
    target = relation.get("data") if isinstance(relation, dict) else None
    review_id = target.get("id") if isinstance(target, dict) else None
    if not isinstance(review_id, str) or not review_id:
        return apple_error(
            409,
            "You must provide a value for the relationship 'review' with this request",
            code="ENTITY_ERROR.RELATIONSHIP.REQUIRED",
        )
    try:
        response = store.respond(review_id, text, sb.now(), sb.data.new_uuid())
    except NotFoundError:
        return apple_error(
            409,
            f"There is no resource of type 'customerReviews' with id '{review_id}'",
            code="ENTITY_ERROR.RELATIONSHIP.INVALID",
        )
    except Refused:
        return apple_error(
            409,
            "You must provide a value for the attribute 'responseBody' with this request",
            code="ENTITY_ERROR.ATTRIBUTE.REQUIRED",
        )
    return json_response(
        201,
        {
            "data": response_view(req, review_id, response),
            "links": {"self": f"{req.base_url}/v1/customerReviewResponses/{response['id']}"},
        },
    )


# --------------------------------------------------------------------------- iTunes RSS


def rss(sb: Sandbox, req: Request) -> Response:
    """`/{cc}/rss/customerreviews/page={n}/id={appId}/sortby=mostrecent/json`."""
    parts = req.segments
    if len(parts) < 4 or parts[2].lower() != "customerreviews" or req.method != "GET":
        return plain(404, "Not Found")
    cc = parts[0].lower()
    found: dict[str, str] = {}
    for part in parts[3:-1]:
        match = _RSS_PART.match(part)
        if not match:
            return plain(404, "Not Found")
        found[match.group(1).lower()] = match.group(2)
    if parts[-1].lower() != "json":
        return plain(404, "The sandbox serves the JSON feed only")
    app_id = found.get("id", "")
    try:
        page = int(found.get("page", "1"))
    except ValueError:
        return plain(400, "Invalid page")
    if not 1 <= page <= RSS_MAX_PAGE:
        return plain(400, "CustomerReviews RSS page depth is limited to 10")
    store = sb.data.app_store
    known = app_id == store.app_id
    ordered = store.storefront(cc) if known else None
    total = len(ordered.ids) if ordered else 0
    ids = ordered.ids[(page - 1) * RSS_PAGE_SIZE : page * RSS_PAGE_SIZE] if ordered else []
    entries = [_rss_entry(store, cc, review_id) for review_id in ids]
    if known and page == 1:
        entries.insert(0, _app_entry(store, cc))
    last = max(1, min(RSS_MAX_PAGE, -(-total // RSS_PAGE_SIZE)))
    feed: dict[str, Any] = {
        "author": {
            "name": {"label": "iTunes Store"},
            "uri": {"label": "http://www.apple.com/itunes/"},
        }
    }
    if len(entries) == 1:
        feed["entry"] = entries[0]
    elif entries:
        feed["entry"] = entries
    feed.update(
        {
            "updated": {"label": apple_time(sb.now())},
            "rights": {"label": "Copyright 2008 Apple Inc."},
            "title": {"label": "iTunes Store: Customer Reviews"},
            "icon": {"label": "http://itunes.apple.com/favicon.ico"},
            "link": [
                {
                    "attributes": {
                        "rel": "alternate",
                        "type": "text/html",
                        "href": f"https://apps.apple.com/WebObjects/MZStore.woa/wa/"
                        f"viewGrouping?cc={cc}&id=38",
                    }
                },
                {"attributes": {"rel": "self", "href": _feed_url(cc, page, app_id)}},
                {"attributes": {"rel": "first", "href": _feed_url(cc, 1, app_id)}},
                {"attributes": {"rel": "last", "href": _feed_url(cc, last, app_id)}},
                {
                    "attributes": {
                        "rel": "previous",
                        "href": _feed_url(cc, max(1, page - 1), app_id),
                    }
                },
                {"attributes": {"rel": "next", "href": _feed_url(cc, min(last, page + 1), app_id)}},
            ],
            "id": {"label": _feed_url(cc, page, app_id)},
        }
    )
    return json_response(200, {"feed": feed})


def _feed_url(cc: str, page: int, app_id: str) -> str:
    # The feed names itself on Apple's host: parsers read the storefront from it.
    return f"https://itunes.apple.com/{cc}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"


def rss_id(review_id: str) -> str:
    """The feed's numeric review id (it differs from App Store Connect's)."""
    digest = hashlib.sha256(review_id.encode("utf-8")).hexdigest()
    return str(10_000_000_000 + int(digest[:12], 16) % 9_000_000_000)


def _rss_entry(store: AppStoreStore, cc: str, review_id: str) -> dict[str, Any]:
    attributes = store.reviews[review_id]["attributes"]
    nickname = str(attributes.get("reviewerNickname") or "")
    author_id = str(int(hashlib.sha256(nickname.encode()).hexdigest()[:8], 16))
    numeric = rss_id(review_id)
    return {
        "author": {
            "uri": {"label": f"https://itunes.apple.com/{cc}/reviews/id{author_id}"},
            "name": {"label": nickname},
            "label": "",
        },
        "updated": {"label": store.updated(review_id)},
        "im:rating": {"label": str(attributes.get("rating"))},
        "id": {"label": numeric},
        "title": {"label": str(attributes.get("title") or "")},
        "content": {"label": str(attributes.get("body") or ""), "attributes": {"type": "text"}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/{cc}/review?id={store.app_id}&type=Purple%20Software",
            }
        },
        "im:voteSum": {"label": "0"},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "im:voteCount": {"label": "0"},
    }


def _app_entry(store: AppStoreStore, cc: str) -> dict[str, Any]:
    name = store.app_name
    url = f"https://apps.apple.com/{cc}/app/{name.lower()}/id{store.app_id}?uo=2"
    return {
        "im:name": {"label": name},
        "rights": {"label": f"© {datetime.now(PACIFIC).year} {name}"},
        "im:price": {"label": "Get", "attributes": {"amount": "0.00000", "currency": "INR"}},
        "im:image": [
            {
                "label": f"https://is1-ssl.mzstatic.com/image/{store.app_id}/53x53bb.png",
                "attributes": {"height": "53"},
            },
        ],
        "im:artist": {"label": name, "attributes": {"href": url}},
        "title": {"label": f"{name} - {name}"},
        "link": {"attributes": {"rel": "alternate", "type": "text/html", "href": url}},
        "id": {
            "label": url,
            "attributes": {"im:id": store.app_id, "im:bundleId": store.bundle_id},
        },
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "category": {"attributes": {"im:id": "6024", "term": "Shopping", "label": "Shopping"}},
        "im:releaseDate": {
            "label": "2021-09-01T00:00:00-07:00",
            "attributes": {"label": "September 1, 2021"},
        },
    }
