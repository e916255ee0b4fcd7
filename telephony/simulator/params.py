"""ARI request parameters: the query string, or a JSON body in its place.

Asterisk accepts every parameter either way, and quietly ignores numbers it cannot parse
(`timeout=abc` still originates; trace 08), so the readers here never raise on bad numbers.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.datastructures import QueryParams

from telephony.simulator.errors import ApiError


class Params:
    def __init__(self, query: QueryParams, body: dict[str, Any], path: dict[str, str]) -> None:
        self._query = query
        self._body = body
        self._path = path

    @classmethod
    def parse(cls, query: QueryParams, raw_body: bytes, path: dict[str, str]) -> Params:
        body: dict[str, Any] = {}
        if raw_body.strip():
            try:
                decoded = orjson.loads(raw_body)
            except orjson.JSONDecodeError as exc:
                raise ApiError(400, "Error parsing request body") from exc
            if not isinstance(decoded, dict):
                raise ApiError(400, "Error parsing request body")
            body = decoded
        return cls(query, body, path)

    def path(self, name: str) -> str:
        return self._path[name]

    def text(self, name: str) -> str | None:
        if name in self._path:
            return self._path[name]
        if name in self._body and self._body[name] is not None:
            value = self._body[name]
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, list):
                return ",".join(str(v) for v in value)
            return str(value)
        return self._query.get(name)

    def text_or(self, name: str, default: str) -> str:
        value = self.text(name)
        return default if value is None or value == "" else value

    def integer(self, name: str, default: int) -> int:
        value = self.text(name)
        try:
            return int(value) if value is not None else default
        except ValueError:
            return default

    def flag(self, name: str, default: bool) -> bool:
        value = self.text(name)
        return default if value is None else value.lower() in ("true", "1", "yes")

    def variables(self) -> dict[str, str]:
        raw = self._body.get("variables")
        if isinstance(raw, dict) and isinstance(raw.get("variables"), dict):
            raw = raw["variables"]  # the Swagger containers nest one level more
        if not isinstance(raw, dict):
            return {}
        return {str(k): "" if v is None else str(v) for k, v in raw.items()}

    def first_media(self) -> list[str]:
        """A media list is one comma-separated value; a repeated `media` plays only the
        first (trace 05)."""
        value = self.text("media")
        return [m for m in value.split(",")] if value else []
