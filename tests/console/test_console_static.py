"""Serving of the built console: SPA fallback, content types, cache headers, 503 unbuilt."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from resolvers.console import _resolve, console_handler


def _app(dist: Path) -> Starlette:
    handler = console_handler(dist)
    return Starlette(routes=[Route("/console", handler), Route("/console/{path:path}", handler)])


def _client(dist: Path) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(dist)), base_url="http://t")


def _build(dist: Path) -> None:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>console</title>")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / "assets" / "index-abc123.css").write_text("body{}")


async def test_not_built_is_a_503_page_that_says_how_to_build(tmp_path: Path) -> None:
    async with _client(tmp_path / "dist") as client:
        resp = await client.get("/console/")
    assert resp.status_code == 503
    assert "npm run build" in resp.text
    assert resp.headers["content-type"].startswith("text/html")


async def test_index_assets_and_spa_fallback(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _build(dist)
    async with _client(dist) as client:
        bare = await client.get("/console")
        assert bare.status_code == 308 and bare.headers["location"] == "/console/"
        index = await client.get("/console/")
        assert index.status_code == 200 and "<title>console</title>" in index.text
        assert index.headers["cache-control"] == "no-cache"
        assert index.headers["content-type"].startswith("text/html")
        deep = await client.get("/console/webhooks")  # a client-side route
        assert deep.status_code == 200 and deep.text == index.text
        js = await client.get("/console/assets/index-abc123.js")
        assert js.headers["content-type"].startswith("text/javascript")
        assert "immutable" in js.headers["cache-control"]
        css = await client.get("/console/assets/index-abc123.css")
        assert css.headers["content-type"].startswith("text/css")
        gone = await client.get("/console/assets/index-old.js")  # an old tab after a rebuild
        assert gone.status_code == 404


def test_paths_outside_dist_are_never_served(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _build(dist)
    (tmp_path / "secret.txt").write_text("no")
    assert _resolve(dist, "../secret.txt") is None
    assert _resolve(dist, "assets/../../secret.txt") is None
    assert (
        _resolve(dist, "assets/index-abc123.js") == (dist / "assets" / "index-abc123.js").resolve()
    )
