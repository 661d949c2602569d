"""The labelling page and its JSON API (Starlette, served by uvicorn).

Every request, the page and its scripts included, must carry the run's token (``?token=`` in
the URL, or the ``X-Stancekit-Token`` header the page's script sends); anything else gets 403.
"""

from __future__ import annotations

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


def new_token() -> str:
    """A fresh random token (as Jupyter's)."""
    return secrets.token_urlsafe(24)


def _static(name: str) -> str:
    return resources.files("stancekit.annotate").joinpath("static", name).read_text("utf-8")


def create_app(session: AnnotationSession, token: str) -> Starlette:
    """The ASGI app for ``session``, refusing every request without ``token``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from stancekit.errors import StancekitError

    async def check_token(request: Request, call_next: Any) -> Response:
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
        try:
            body = await request.json()
        except ValueError:
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
            else:
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
    config = uvicorn.Config(
        create_app(session, token),
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
