"""The platform's page: `create_app(settings)` is a Starlette app rendering Jinja2 templates on the
server (autoescaped: every name from an API is text, never markup), with these addresses:

    /                        a search box (results as you type) and the changes of the week
    /search?q=               producers and artists whose names contain q (accents, case ignored)
    /producers/{id}          a producer's page (?page= for more of their artists)
    /artists/{spotify_id}    an artist's releases, tracks and producers
    /seed                    the seed form (POST queues the discovery)
    /seed/{msg_id}           that discovery filling in, live
    /seed/{msg_id}/events    its server-sent events

Every read goes through the reader role's pool (web/reader). An error is a page of one sentence:
404 for what the catalog does not hold, 400 for an address that cannot be answered, 503 when
the database cannot be reached, 500 (and a log line with the traceback) for anything else.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

import jinja2
import psycopg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from discovery.catalog.graph import producer_graph
from discovery.settings import Settings
from discovery.web import graph_svg, live, reader, reads
from discovery.web.summaries import Summaries

logger = logging.getLogger(__name__)

CHANGES_WINDOW = timedelta(days=7)
ERROR_SENTENCES = {
    404: "There is nothing at this address.",
    405: "This address does not take that kind of request.",
}


def create_app(settings: Settings, *, check_role: bool = True) -> Starlette:
    database_url = reader.reader_url(settings)
    if check_role:
        reader.check(database_url)
    connections = reader.pool(database_url)
    summaries = Summaries()
    graph_svg.layout(producer_graph({"id": 0, "name": ""}, [], []))  # networkx loads its layout code once, here
    web_dir = files("discovery.web")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(web_dir / "templates")),
        autoescape=True,  # every template, whatever its name: names from the APIs are text
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["web_link"] = _web_link
    environment.globals["query"] = ""  # the header's search box, filled on the search page
    templates = Jinja2Templates(env=environment)

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def one_sentence(request: Request, status: int, sentence: str) -> Response:
        return page(request, "error.html", status, sentence=sentence, status_code=status)

    def home(request: Request) -> Response:
        with connections.connection() as conn:
            changes = reads.changes(conn, datetime.now(UTC) - CHANGES_WINDOW)
        return page(request, "index.html", changes=changes)

    def search(request: Request) -> Response:
        query = request.query_params.get("q", "")
        with connections.connection() as conn:
            found = reads.search(conn, query)
        template = "search_results.html" if request.query_params.get("partial") else "search.html"
        return page(request, template, found=found, query=query)

    def producer(request: Request) -> Response:
        producer_id = _int(request.path_params["producer_id"], "A producer's id is a number.")
        page_number = _int(request.query_params.get("page", "1"), "A page is a number.")
        with connections.connection() as conn:
            found = reads.producer(conn, producer_id, page_number, summaries)
        return page(request, "producer.html", page=found, graph=graph_svg.layout(found["graph"]))

    def artist(request: Request) -> Response:
        with connections.connection() as conn:
            found = reads.artist(conn, request.path_params["spotify_id"])
        return page(request, "artist.html", page=found)

    async def seed(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "seed.html", refused="", typed="")
        origin = request.headers.get("origin")
        if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
            # Another site's form posted here (a browser says where from): seeding is this page's own.
            return one_sentence(request, 403, "Discoveries are only started from this site's own form.")
        typed = str((await request.form()).get("artist", ""))
        try:
            wanted = live.parse(typed)
            msg_id = live.start(database_url, wanted)
        except live.SeedRefused as refused:
            return page(request, "seed.html", 400, refused=str(refused), typed=typed)
        logger.info("seeded from the page", extra={"action": "web_seeded", "msg_id": msg_id})
        return RedirectResponse(f"/seed/{msg_id}?{_wanted_query(wanted)}", status_code=303)

    def following(request: Request) -> Response:
        msg_id = _int(request.path_params["msg_id"], "A discovery's number is a number.")
        wanted = _wanted(request)
        events = f"/seed/{msg_id}/events?{_wanted_query(wanted)}"
        return page(request, "follow.html", msg_id=msg_id, wanted=wanted, events=events)

    async def follow_events(request: Request) -> Response:
        msg_id = _int(request.path_params["msg_id"], "A discovery's number is a number.")
        wanted = _wanted(request)
        stream = live.events(
            lambda: live.look(database_url, settings.redis_url, msg_id, wanted), request.is_disconnected
        )
        return StreamingResponse(stream, media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        sentence = error.detail if error.detail and error.detail[-1:] == "." else ERROR_SENTENCES.get(
            error.status_code, "This request cannot be answered.")
        return one_sentence(request, error.status_code, sentence)

    async def not_found(request: Request, error: Exception) -> Response:
        return one_sentence(request, 404, str(error))

    async def bad_request(request: Request, error: Exception) -> Response:
        return one_sentence(request, 400, str(error))

    async def database_down(request: Request, error: Exception) -> Response:
        logger.warning("database unreachable", extra={"action": "web_database_unreachable", "error": str(error)})
        return one_sentence(request, 503, "The catalog's database cannot be reached right now; try again soon.")

    async def failed(request: Request, error: Exception) -> Response:
        logger.error("page failed", exc_info=error, extra={"action": "web_page_failed", "path": request.url.path})
        return one_sentence(request, 500, "Something went wrong on our side; it has been logged.")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        connections.open()
        try:
            yield
        finally:
            connections.close()

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/producers/{producer_id}", producer),
        Route("/artists/{spotify_id}", artist),
        Route("/seed", seed, methods=["GET", "POST"]),
        Route("/seed/{msg_id}", following),
        Route("/seed/{msg_id}/events", follow_events),
        Mount("/static", StaticFiles(directory=str(web_dir / "static")), name="static"),
    ]
    handlers: dict[Any, Any] = {
        HTTPException: http_error,
        reads.NotFound: not_found,
        reads.BadRequest: bad_request,
        psycopg.OperationalError: database_down,
        Exception: failed,
    }
    return Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)


def _int(text: str, sentence: str) -> int:
    """A positive number that fits the database's bigint ids, or a 400 page saying so."""
    try:
        number = int(text)
    except ValueError:
        raise reads.BadRequest(sentence) from None
    if not 0 < number < 2**63:
        raise reads.BadRequest(sentence)
    return number


def _web_link(url: str | None) -> bool:
    """Whether a URL from an API may be a link (http or https only: never javascript: and the like)."""
    return bool(url) and str(url).lower().startswith(("https://", "http://"))


def _wanted(request: Request) -> live.Wanted:
    return live.Wanted(request.query_params.get("name") or None, request.query_params.get("spotify_id") or None)


def _wanted_query(wanted: live.Wanted) -> str:
    return urlencode({key: value for key, value in (("name", wanted.name), ("spotify_id", wanted.spotify_id)) if value})
