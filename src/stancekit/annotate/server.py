"""The labelling page and its JSON API (Starlette, served by uvicorn).

Every request, the page and its scripts included, must carry the run's token (``?token=`` in
the URL, or the ``X-Stancekit-Token`` header the page's script sends); anything else gets 403.
A server on this machine only also refuses a ``Host`` other than a loopback name, and a POST
whose ``Origin`` is another site (a DNS-rebinding page that learnt the token gets nowhere).
Request bodies are capped at :data:`MAX_BODY` bytes.
"""

from __future__ import annotations

import json
import secrets
import threading
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from stancekit.annotate.session import AnnotationSession

TOKEN_HEADER = "X-Stancekit-Token"
LOCALHOST = ("127.0.0.1", "localhost", "::1")
_STATIC = {"app.js": "text/javascript", "style.css": "text/css"}
ACTIONS = ("answer", "skip", "undo")
#: The largest request body taken (an answer is a few hundred bytes).
MAX_BODY = 64 * 1024


def new_token() -> str:
    """A fresh random token (as Jupyter's)."""
    return secrets.token_urlsafe(24)


def _static(name: str) -> str:
    return resources.files("stancekit.annotate").joinpath("static", name).read_text("utf-8")


def create_app(
    session: AnnotationSession, token: str, allowed_hosts: tuple[str, ...] | None = None
) -> Starlette:
    """The ASGI app for ``session``, refusing every request without ``token`` and, when
    ``allowed_hosts`` is given, every request whose ``Host`` names another host and every POST
    whose ``Origin`` is not this page's."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from stancekit.errors import StancekitError

    async def check_token(request: Request, call_next: Any) -> Response:
        if allowed_hosts is not None:
            refused = _foreign(request, allowed_hosts)
            if refused:
                return PlainTextResponse(f"403: {refused}", status_code=403)
        given = request.headers.get(TOKEN_HEADER) or request.query_params.get("token") or ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            return PlainTextResponse(
                "403: this page needs the token printed by stancekit annotate (open the URL it "
                "printed).",
                status_code=403,
            )
        response = await call_next(request)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def page(request: Request) -> Response:
        html = _static("index.html").replace("{{token}}", token)
        return HTMLResponse(html)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return PlainTextResponse("not found", status_code=404)
        return Response(_static(name), media_type=_STATIC[name])

    def state() -> dict[str, Any]:
        return {"item": session.current(), "progress": session.progress()}

    async def get_state(request: Request) -> Response:
        return JSONResponse(await _in_thread(state))

    async def post(request: Request) -> Response:
        action = request.path_params["action"]
        if action not in ACTIONS:
            return JSONResponse({"error": f"no action {action[:40]!r}"}, status_code=404)
        raw = await _read_body(request)
        if raw is None:
            return JSONResponse({"error": f"request body over {MAX_BODY} bytes"}, status_code=413)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "send a JSON object"}, status_code=400)
        key = body.get("key")
        if key is not None and not isinstance(key, str):
            return JSONResponse({"error": "key must be a string"}, status_code=400)

        def run() -> dict[str, Any]:
            if action == "answer":
                taken = session.answer(key or "", str(body.get("label")))
                result: dict[str, Any] = {"status": "saved" if taken else "already answered"}
            elif action == "skip":
                taken = session.skip(key or "")
                result = {"status": "skipped" if taken else "already answered"}
            else:  # undo
                undone = session.undo(key)
                result = {"status": "undone" if undone else "nothing to undo", "key": undone}
            return {**result, **state()}

        try:
            return JSONResponse(await _in_thread(run))
        except StancekitError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/state", get_state),
        Route("/api/{action:str}", post, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=check_token)]
    )
    return app


async def _read_body(request: Request) -> bytes | None:
    """The request's body, or ``None`` if it is (or says it is) over :data:`MAX_BODY`."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def _foreign(request: Request, allowed_hosts: tuple[str, ...]) -> str | None:
    """Why a request comes from elsewhere (a ``Host`` not this machine's, a POST from another
    page's ``Origin``), or ``None``."""
    from urllib.parse import urlsplit

    host = request.headers.get("host", "")
    name = urlsplit(f"//{host}").hostname or ""
    if name not in allowed_hosts:
        return f"Host {host[:60]!r} is not this machine; open the URL stancekit annotate printed."
    origin = (request.headers.get("origin") or "").lower()
    own = (f"http://{host}".lower(), f"https://{host}".lower())
    if request.method == "POST" and origin and origin not in own:
        return f"Origin {origin[:60]!r} is another site."
    return None


async def _in_thread(function: Any) -> Any:
    """Run blocking work (fsync, the model) off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function)


def serve(
    session: AnnotationSession,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    on_ready: Any = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the page until Ctrl-C or SIGTERM (a graceful stop: requests under way finish).

    Parameters
    ----------
    session : AnnotationSession
        What the page shows and where answers go.
    host, port : str, int
        Where to listen (port 0: any free port).
    token : str, optional
        The token every request must carry (default: a new one).
    on_ready : callable, optional
        Called with the page's URL (token included) once the port is bound.
    stop : threading.Event, optional
        Setting it stops the server as a signal would (for a server run in a thread).
    """
    import socket

    import uvicorn

    token = token or new_token()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from stancekit.errors import UsageError

        raise UsageError(f"--port {port}: cannot listen on {host} ({exc.strerror}).") from None
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/?token={token}"
    loopback = host in LOCALHOST
    allowed = tuple(name.strip("[]") for name in LOCALHOST) if loopback else None
    config = uvicorn.Config(
        create_app(session, token, allowed),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    watcher = None
    if stop is not None:

        def watch() -> None:
            stop.wait()
            server.should_exit = True

        watcher = threading.Thread(target=watch, name="annotate-stop", daemon=True)
        watcher.start()
    if on_ready is not None:
        on_ready(url)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn stopped gracefully, then re-raised the signal
    finally:
        sock.close()
        if watcher is not None:
            stop.set()
            watcher.join()
