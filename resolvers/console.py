"""Serves the built web console (`web-console/dist`) at `/console` and `/console/*`.

A single-page app: any path that is not a built file gets index.html, so deep links and
reloads work. Hashed assets are cached for a year; index.html never, so a new build is
picked up at once. Without a build, a 503 page says how to make one.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

DIST = Path(__file__).resolve().parent.parent / "web-console" / "dist"
_IMMUTABLE = "public, max-age=31536000, immutable"
_NO_CACHE = "no-cache"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
}

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>voipbin console not built</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The web console has not been built</h1>
<p>The API serves the console from <code>web-console/dist</code>, which does not exist yet.
Build it once with:</p>
<pre>(cd web-console &amp;&amp; npm ci &amp;&amp; npm run build)</pre>
<p>then reload this page. The GraphQL API itself is up at <a href="/graphql">/graphql</a>.</p>
</body></html>"""


def _resolve(dist: Path, rel: str) -> Path | None:
    """The built file named by `rel`, or None (also for anything outside dist)."""
    if not rel:
        return None
    candidate = (dist / rel).resolve()
    if not candidate.is_relative_to(dist.resolve()) or not candidate.is_file():
        return None
    return candidate


def console_handler(dist: Path = DIST) -> Callable[[Request], Awaitable[Response]]:
    async def console(request: Request) -> Response:
        if request.url.path == "/console":
            return RedirectResponse("/console/", status_code=308)
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": _NO_CACHE})
        rel = request.path_params.get("path", "")
        found = _resolve(dist, rel)
        if found is None:
            if rel.startswith("assets/"):
                # a missing hashed asset is an old tab after a rebuild: 404, not HTML
                return Response("Not found", status_code=404, media_type="text/plain")
            return FileResponse(
                index, media_type=_TYPES[".html"], headers={"Cache-Control": _NO_CACHE}
            )
        media = _TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0]
        cache = _IMMUTABLE if rel.startswith("assets/") else _NO_CACHE
        return FileResponse(found, media_type=media, headers={"Cache-Control": cache})

    return console
