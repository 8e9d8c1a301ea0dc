"""App Store payloads: App Store Connect customerReviews (JSON:API) and the public RSS feed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from sources._payload import (
    Page,
    Payload,
    Reader,
    RecordError,
    clean,
    count,
    describe,
    each_page,
    entries,
    ident,
    mapping,
    require,
    shown,
    stars,
    text,
)
from sources.base import ParseError, ParseOptions, ParseResult, Platform, PlatformReply, Review

APPLE = Platform.APP_STORE

# ISO 3166 alpha-3 → alpha-2. App Store Connect speaks alpha-3, the RSS feed alpha-2;
# records carry alpha-2 so one territory is one value whichever source it came from.
_ALPHA3 = """
AFG AF ALA AX ALB AL DZA DZ ASM AS AND AD AGO AO AIA AI ATA AQ ATG AG ARG AR ARM AM ABW AW
AUS AU AUT AT AZE AZ BHS BS BHR BH BGD BD BRB BB BLR BY BEL BE BLZ BZ BEN BJ BMU BM BTN BT
BOL BO BES BQ BIH BA BWA BW BVT BV BRA BR IOT IO BRN BN BGR BG BFA BF BDI BI CPV CV KHM KH
CMR CM CAN CA CYM KY CAF CF TCD TD CHL CL CHN CN CXR CX CCK CC COL CO COM KM COG CG COD CD
COK CK CRI CR CIV CI HRV HR CUB CU CUW CW CYP CY CZE CZ DNK DK DJI DJ DMA DM DOM DO ECU EC
EGY EG SLV SV GNQ GQ ERI ER EST EE SWZ SZ ETH ET FLK FK FRO FO FJI FJ FIN FI FRA FR GUF GF
PYF PF ATF TF GAB GA GMB GM GEO GE DEU DE GHA GH GIB GI GRC GR GRL GL GRD GD GLP GP GUM GU
GTM GT GGY GG GIN GN GNB GW GUY GY HTI HT HMD HM VAT VA HND HN HKG HK HUN HU ISL IS IND IN
IDN ID IRN IR IRQ IQ IRL IE IMN IM ISR IL ITA IT JAM JM JPN JP JEY JE JOR JO KAZ KZ KEN KE
KIR KI PRK KP KOR KR KWT KW KGZ KG LAO LA LVA LV LBN LB LSO LS LBR LR LBY LY LIE LI LTU LT
LUX LU MAC MO MDG MG MWI MW MYS MY MDV MV MLI ML MLT MT MHL MH MTQ MQ MRT MR MUS MU MYT YT
MEX MX FSM FM MDA MD MCO MC MNG MN MNE ME MSR MS MAR MA MOZ MZ MMR MM NAM NA NRU NR NPL NP
NLD NL NCL NC NZL NZ NIC NI NER NE NGA NG NIU NU NFK NF MKD MK MNP MP NOR NO OMN OM PAK PK
PLW PW PSE PS PAN PA PNG PG PRY PY PER PE PHL PH PCN PN POL PL PRT PT PRI PR QAT QA REU RE
ROU RO RUS RU RWA RW BLM BL SHN SH KNA KN LCA LC MAF MF SPM PM VCT VC WSM WS SMR SM STP ST
SAU SA SEN SN SRB RS SYC SC SLE SL SGP SG SXM SX SVK SK SVN SI SLB SB SOM SO ZAF ZA SGS GS
SSD SS ESP ES LKA LK SDN SD SUR SR SJM SJ SWE SE CHE CH SYR SY TWN TW TJK TJ TZA TZ THA TH
TLS TL TGO TG TKL TK TON TO TTO TT TUN TN TUR TR TKM TM TCA TC TUV TV UGA UG UKR UA ARE AE
GBR GB USA US UMI UM URY UY UZB UZ VUT VU VEN VE VNM VN VGB VG VIR VI WLF WF ESH EH YEM YE
ZMB ZM ZWE ZW XKS XK
""".split()  # noqa: SIM905 - a table reads better as text
ALPHA3_TO_ALPHA2: dict[str, str] = dict(zip(_ALPHA3[::2], _ALPHA3[1::2], strict=True))


def territory_alpha2(code: str | None) -> str | None:
    """Alpha-2 for an alpha-3 code; unknown codes are kept as written rather than guessed."""
    if code is None or not code.strip():
        return None
    upper = code.strip().upper()
    return ALPHA3_TO_ALPHA2.get(upper, upper if len(upper) == 2 else code)


# --------------------------------------------------------------------------- App Store Connect

_RESPONSE_TYPE = "customerReviewResponses"
_APP_IN_LINK = re.compile(r"/v1/apps/([^/?#]+)/customerReviews")


def parse_asc(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse `GET /v1/apps/{id}/customerReviews?include=response` pages (or one review)."""
    reader = Reader(options)
    each_page(reader, data, partial(_asc_page, reader))
    unseen = sum(1 for r in reader.result.records if "response_id" in r.extra)
    if unseen:
        reader.note(
            f"{unseen} review{'s have a response' if unseen > 1 else ' has a response'} whose "
            "text is not in the file; fetch with include=response to see it"
        )
    return reader.finish()


def _asc_page(reader: Reader, page: Page, obj: Mapping[str, Any]) -> None:
    app_id = _asc_app_id(obj)
    responses = _asc_responses(reader, page, obj)
    for position, item in entries(obj, "data"):
        build = partial(_asc_review, reader, item, responses, app_id)
        reader.record(page.at(position), item, build)


def _asc_app_id(obj: Mapping[str, Any]) -> str | None:
    links = obj.get("links")
    if not isinstance(links, Mapping):
        return None
    for key in ("self", "next"):
        link = links.get(key)
        found = _APP_IN_LINK.search(link) if isinstance(link, str) else None
        if found:
            return found.group(1)
    return None


def _asc_responses(
    reader: Reader, page: Page, obj: Mapping[str, Any]
) -> dict[str, Mapping[str, Any]]:
    """Included responses by their id and by the id of the review they answer."""
    try:
        included = entries(obj, "included")
    except RecordError as exc:
        reader.reject(page.at("included"), str(exc), obj.get("included"))
        return {}
    found: dict[str, Mapping[str, Any]] = {}
    for _, item in included:
        if not isinstance(item, Mapping) or item.get("type") != _RESPONSE_TYPE:
            continue
        own = item.get("id")
        if isinstance(own, str | int) and not isinstance(own, bool):
            found[f"response:{own}"] = item
        review = _relation_id(item, "review")
        if review is not None:
            found[f"review:{review}"] = item
    return found


def _relation_id(item: Mapping[str, Any], name: str) -> str | None:
    """The id in `relationships.<name>.data`, tolerating every missing or odd level."""
    relations = item.get("relationships")
    relation = relations.get(name) if isinstance(relations, Mapping) else None
    target = relation.get("data") if isinstance(relation, Mapping) else None
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if not isinstance(target, Mapping):
        return None
    value = target.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _asc_review(
    reader: Reader,
    item: object,
    responses: dict[str, Mapping[str, Any]],
    app_id: str | None,
) -> Review:
    if not isinstance(item, Mapping):
        raise RecordError(f"the review is {describe(item)}, not an object")
    kind = item.get("type")
    if kind is not None and kind != "customerReviews":
        raise RecordError(f"type {shown(kind)} is not a customer review")
    review_id = require(ident(item, "id"), "no id")
    attributes = mapping(item, "attributes") or {}
    alpha3 = text(attributes, "territory")
    extra: dict[str, Any] = {}
    if alpha3:
        extra["territory_alpha3"] = alpha3
    response_id = _relation_id(item, "response")
    response = responses.get(f"review:{review_id}")
    if response_id is not None:
        response = responses.get(f"response:{response_id}", response)
    reply = _asc_reply(reader, response) if response is not None else None
    if reply is None and response_id is not None:
        extra["response_id"] = response_id
    return Review(
        platform=APPLE,
        external_id=review_id,
        body=text(attributes, "body") or "",
        raw=item,
        created_at=require(
            reader.time(attributes.get("createdDate"), "createdDate"), "no createdDate"
        ),
        author=text(attributes, "reviewerNickname") or None,
        rating=stars(attributes.get("rating"), "rating"),
        title=text(attributes, "title") or None,
        territory=territory_alpha2(alpha3),
        account_hint=app_id,
        reply=reply,
        extra=extra,
    )


def _asc_reply(reader: Reader, response: Mapping[str, Any]) -> PlatformReply | None:
    """The included response; None when it carries no text (fields[] left it out)."""
    attributes = mapping(response, "attributes", "response attributes") or {}
    body = text(attributes, "responseBody", "responseBody")
    if body is None:
        return None
    when = reader.time(attributes.get("lastModifiedDate"), "response lastModifiedDate")
    return PlatformReply(
        text=body,
        replied_at=when,
        external_id=ident(response, "id"),
        state=text(attributes, "state", "response state") or None,
    )


def parse_asc_response(
    data: Mapping[str, Any], options: ParseOptions | None = None
) -> PlatformReply | None:
    """The reply in `GET /v1/customerReviews/{id}/response` or a `POST` 201 body (JSON:API).

    None when the body holds no response text; a malformed body is a ParseError, so a caller
    never mistakes it for "no reply yet".
    """
    item = data.get("data") if "data" in data else data
    if item is None:
        return None
    if not isinstance(item, Mapping):
        raise ParseError(f"the response is {describe(item)}, not an object")
    try:
        return _asc_reply(Reader(options), item)
    except RecordError as exc:
        raise ParseError(str(exc)) from None


# --------------------------------------------------------------------------- iTunes RSS

_FEED_APP = re.compile(r"/id=?(\d+)")
_FEED_STOREFRONT = re.compile(r"apple\.com/([a-zA-Z]{2})/")
_METADATA_KEYS = ("im:name", "im:artist", "im:image", "im:price", "category", "im:releaseDate")


def parse_itunes_rss(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse the public customer-reviews RSS feed in its JSON form (one or several pages)."""
    reader = Reader(options)
    each_page(reader, data, partial(_rss_page, reader))
    return reader.finish()


def _rss_page(reader: Reader, page: Page, obj: Mapping[str, Any]) -> None:
    feed = mapping(obj, "feed") if "feed" in obj else obj
    if feed is None:
        return
    app_id, storefront = _feed_identity(feed)
    for position, entry in entries(feed, "entry"):
        if _is_app_entry(entry):
            continue  # the app's own entry on page 1 of older feeds
        build = partial(_rss_review, reader, entry, app_id, storefront)
        reader.record(page.at(f"feed.{position}"), entry, build)


def _is_app_entry(entry: object) -> bool:
    """The app-metadata entry: no rating, but the app's name, artist or price."""
    if not isinstance(entry, Mapping) or "im:rating" in entry:
        return False
    return any(key in entry for key in _METADATA_KEYS)


def _feed_identity(feed: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """App id and storefront from the feed's own URL and links, when they are there."""
    urls: list[str] = []
    feed_id = feed.get("id")
    if isinstance(feed_id, Mapping) and isinstance(feed_id.get("label"), str):
        urls.append(feed_id["label"])
    links = feed.get("link")
    for link in links if isinstance(links, list) else [links]:
        attributes = link.get("attributes") if isinstance(link, Mapping) else None
        if isinstance(attributes, Mapping) and isinstance(attributes.get("href"), str):
            urls.append(attributes["href"])
    app_id = next((m.group(1) for u in urls if (m := _FEED_APP.search(u))), None)
    store = next((m.group(1) for u in urls if (m := _FEED_STOREFRONT.search(u))), None)
    return app_id, store.upper() if store else None


def label(obj: Mapping[str, Any], key: str) -> str | None:
    """RSS-JSON wraps every value as {"label": …}; a bare string or number is accepted too."""
    value = obj.get(key)
    if isinstance(value, list) and value:
        texts = [v for v in value if _attribute(v, "type") == "text"]
        value = (texts or value)[0]
    if isinstance(value, Mapping):
        value = value.get("label")
    if value is None:
        return None
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{key} is {describe(value)}, not a label")


def _attribute(value: object, name: str) -> object:
    attributes = value.get("attributes") if isinstance(value, Mapping) else None
    return attributes.get(name) if isinstance(attributes, Mapping) else None


def _rss_review(
    reader: Reader, entry: object, app_id: str | None, storefront: str | None
) -> Review:
    if not isinstance(entry, Mapping):
        raise RecordError(f"the entry is {describe(entry)}, not an object")
    if "im:rating" not in entry:
        raise RecordError("the entry has no im:rating, so it is neither a review nor the app")
    author = mapping(entry, "author") or {}
    extra: dict[str, Any] = {}
    uri = label(author, "uri")
    if uri:
        extra["author_uri"] = uri
    for key, name in (("im:voteSum", "vote_sum"), ("im:voteCount", "vote_count")):
        votes = count({key: label(entry, key)}, key)
        if votes is not None:
            extra[name] = votes
    return Review(
        platform=APPLE,
        external_id=require(label(entry, "id") or None, "no id"),
        body=label(entry, "content") or "",
        raw=entry,
        updated_at=require(reader.time(label(entry, "updated"), "updated"), "no updated date"),
        author=label(author, "name") or None,
        rating=stars(label(entry, "im:rating"), "im:rating"),
        title=label(entry, "title") or None,
        app_version=label(entry, "im:version") or None,
        territory=storefront,
        account_hint=app_id,
        extra=extra,
    )
