"""Connecting to Temporal with our data converter (pydantic-aware)."""

from __future__ import annotations

import functools
from typing import Any

import temporalio.api.common.v1
from pydantic import TypeAdapter
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

from voipbin.config import Settings


@functools.lru_cache(maxsize=1024)
def _adapter(type_hint: Any) -> TypeAdapter[Any]:
    return TypeAdapter(type_hint)


class SharedCachePydanticJSONConverter(PydanticJSONPlainPayloadConverter):
    """temporalio's pydantic JSON converter with one process-wide TypeAdapter cache.

    The SDK builds a new payload converter for every workflow run and serialization
    context, and the stock converter's cache lives on the instance: every call workflow
    generated the pydantic schemas of CallInput, AriEventSignal and each activity result
    anew, about a tenth of the worker's CPU per call set-up (bench/calls.py, py-spy).
    Same JSON on the wire: histories written with the stock converter replay unchanged.
    """

    def from_payload(
        self, payload: temporalio.api.common.v1.Payload, type_hint: type | None = None
    ) -> Any:
        hint: Any = type_hint if type_hint is not None else Any
        try:
            hash(hint)
        except TypeError:  # an unhashable hint cannot be cached
            return TypeAdapter(hint).validate_json(payload.data)
        return _adapter(hint).validate_json(payload.data)


class PayloadConverter(CompositePayloadConverter):
    """The default converters, JSON replaced by the pydantic one above."""

    def __init__(self) -> None:
        json_converter = SharedCachePydanticJSONConverter()
        super().__init__(
            *(
                json_converter if isinstance(c, JSONPlainPayloadConverter) else c
                for c in DefaultPayloadConverter.default_encoding_payload_converters
            )
        )


DATA_CONVERTER = DataConverter(payload_converter_class=PayloadConverter)


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
    )
