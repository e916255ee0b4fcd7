"""Implementations of `activities/contracts/calls.py`: inbound routing, status/action rows
with their outbox events, TTS, customer HTTP, recording rows. Media-node operations are
the telephony activities (`activities/telephony.py`)."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from temporalio import activity

from activities.contracts import calls as c
from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.calls.models import Call
from voipbin.calls.public import activeflow_data, call_data, recording_data
from voipbin.calls.rules import STATUS_EVENT, moves_to
from voipbin.calls.service import call_variables, insert_call
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import DomainError
from voipbin.events.outbox import emit
from voipbin.recordings.models import Recording, RecordingStatus
from voipbin.tts import TextToSpeech, TtsError
from voipbin.webhooks.signing import sign
from voipbin.webhooks.ssrf import UrlGuard, UrlRefused

# An action keeps at most this many bytes of the customer's answer (fetch bodies).
MAX_BODY = 1_048_576
EXECUTED_KEPT = 100


class CallActivities:
    def __init__(
        self,
        sessions: SessionFactory,
        tts: TextToSpeech,
        http: httpx.AsyncClient,
        guard: UrlGuard,
        load_flow_actions: Callable[[UUID, UUID], Awaitable[list[dict[str, Any]] | None]],
        route_number: Callable[[str], Awaitable[tuple[UUID, UUID | None] | None]],
        place: Callable[[c.PlaceCallsInput], Awaitable[list[UUID]]],
        on_complete: Callable[[UUID, UUID, dict[str, str]], Awaitable[UUID | None]],
    ) -> None:
        self.place = place
        self.on_complete = on_complete
        self.sessions = sessions
        self.tts = tts
        self.http = http
        self.guard = guard
        self.load_flow_actions = load_flow_actions
        self.route_number = route_number

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.accept_inbound,
            self.set_status,
            self.set_action,
            self.end_activeflow,
            self.write_rows,
            self.synthesize,
            self.http_request,
            self.load_flow,
            self.recording_start,
            self.recording_finish,
            self.place_calls,
        ]

    # -- inbound -------------------------------------------------------------------------

    @activity.defn(name=c.ACCEPT_INBOUND)
    async def accept_inbound(self, input: c.AcceptInboundInput) -> c.AcceptInboundResult:
        routed = await self.route_number(input.dialled)
        if routed is None:
            return c.AcceptInboundResult(False, c.CAUSE_NO_ROUTE)
        customer_id, flow_id = routed
        actions = await self.load_flow_actions(customer_id, flow_id) if flow_id else None
        if actions is None:
            return c.AcceptInboundResult(False, c.CAUSE_NO_ROUTE)  # a number without a flow
        async with transaction(self.sessions) as session:
            call = await session.get(Call, input.call_id)
            if call is None:  # else: a retry after the commit: answer from the rows
                call = Call(
                    id=input.call_id,
                    customer_id=customer_id,
                    flow_id=flow_id,
                    direction="incoming",
                    status="ringing",
                    tm_ringing=utcnow(),
                    source={"type": "tel", "target": input.caller},
                    destination={"type": "tel", "target": input.dialled},
                    channel_id=input.channel_id,
                    node=input.node,
                )
                flow = Activeflow(
                    customer_id=customer_id,
                    flow_id=flow_id,
                    reference_type="call",
                    reference_id=call.id,
                    actions=actions,
                )
                call.activeflow_id = flow.id
                await insert_call(session, call, flow)
            else:
                loaded = await session.get(Activeflow, call.activeflow_id)
                assert loaded is not None
                flow = loaded
        return c.AcceptInboundResult(
            True,
            0,
            customer_id,
            flow.id,
            flow_id,
            list(flow.actions),
            call_variables(call, flow),
            call.source,
            call.destination,
        )

    # -- ARI -----------------------------------------------------------------------------

    # -- rows + events -------------------------------------------------------------------

    @activity.defn(name=c.PLACE_CALLS)
    async def place_calls(self, input: c.PlaceCallsInput) -> c.PlaceCallsResult:
        try:
            return c.PlaceCallsResult(await self.place(input))
        except DomainError as exc:  # a bad destination in the flow: the action fails
            return c.PlaceCallsResult(error=exc.message)

    # The three writes below run several times in every call: each is one UPDATE ...
    # RETURNING (the row comes back as a loaded entity, not built and flushed) plus its
    # event (DESIGN §12). The WHERE clause carries the guard a read-then-check had, and
    # the statements are built once (`_status_update` & co.), so they compile once.
    # `write_rows` runs several of them in one transaction: CallWorkflow batches the
    # writes it needs no answer from until it next waits or talks to a node.

    @activity.defn(name=c.SET_STATUS)
    async def set_status(self, input: c.SetStatusInput) -> c.CallRow:
        async with transaction(self.sessions) as session:
            return await _write_status(session, input)

    @activity.defn(name=c.SET_ACTION)
    async def set_action(self, input: c.SetActionInput) -> None:
        async with transaction(self.sessions) as session:
            await _write_action(session, input)

    @activity.defn(name=c.END_ACTIVEFLOW)
    async def end_activeflow(self, input: c.EndActiveflowInput) -> None:
        async with transaction(self.sessions) as session:
            chain = await _write_end(session, input)
        if chain:
            await self._chain(input)

    @activity.defn(name=c.WRITE_ROWS)
    async def write_rows(self, input: c.WriteRowsInput) -> None:
        """In order, all or none: the events come out as if written one by one."""
        ended: list[c.EndActiveflowInput] = []
        async with transaction(self.sessions) as session:
            for write in input.writes:
                if write.status is not None:
                    await _write_status(session, write.status)
                if write.action is not None:
                    await _write_action(session, write.action)
                if write.end is not None and await _write_end(session, write.end):
                    ended.append(write.end)
        for end in ended:
            await self._chain(end)

    async def _chain(self, end: c.EndActiveflowInput) -> None:
        """After the commit (and on a retry too: it starts each chained flow once)."""
        await self.on_complete(end.customer_id, end.activeflow_id, end.variables)

    # -- slow work -----------------------------------------------------------------------

    @activity.defn(name=c.SYNTHESIZE)
    async def synthesize(self, input: c.SynthesizeInput) -> c.SynthesizeResult:
        try:
            path = await self.tts.synthesize(input.text, input.language, input.voice_id)
        except TtsError as exc:
            return c.SynthesizeResult("", str(exc))
        return c.SynthesizeResult(f"sound:{path.resolve()}")

    @activity.defn(name=c.HTTP_REQUEST)
    async def http_request(self, input: c.HttpRequestInput) -> c.HttpRequestResult:
        try:
            await self.guard.check("uri", input.uri)
        except Exception as exc:  # DomainError from the SSRF guard: recorded, not raised
            return c.HttpRequestResult(error=f"refused: {exc}")
        body = input.body.encode()
        headers = {"Content-Type": input.content_type or "application/json"}
        if input.signed:
            async with self.sessions() as session:
                customer = await session.get(Customer, input.customer_id)
            if customer is not None and customer.webhook_secret:
                stamp = str(int(time.time()))
                headers["X-VoIPBIN-Timestamp"] = stamp
                headers["X-VoIPBIN-Signature"] = (
                    f"sha256={sign(customer.webhook_secret, stamp, body)}"
                )
        method = input.method.upper() or "POST"
        try:
            response = await self.http.request(
                method,
                input.uri,
                content=body if method != "GET" else None,
                headers=headers,
                timeout=input.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            return c.HttpRequestResult(error=f"{type(exc).__name__}: {exc}".strip())
        except UrlRefused as exc:  # the address changed since the check (DNS rebinding)
            return c.HttpRequestResult(error=f"refused: {exc}")
        return c.HttpRequestResult(response.status_code, response.text[:MAX_BODY])

    @activity.defn(name=c.LOAD_FLOW)
    async def load_flow(self, input: c.LoadFlowInput) -> c.LoadFlowResult:
        actions = await self.load_flow_actions(input.customer_id, input.flow_id)
        if actions is None:
            return c.LoadFlowResult(error=f"flow {input.flow_id} not found")
        return c.LoadFlowResult(actions)

    # -- recordings ----------------------------------------------------------------------

    @activity.defn(name=c.RECORDING_START)
    async def recording_start(self, input: c.RecordingStartInput) -> None:
        async with transaction(self.sessions) as session:
            if await session.get(Recording, input.recording_id) is not None:
                return  # a retry after the commit
            now = utcnow()
            row = Recording(
                id=input.recording_id,
                customer_id=input.customer_id,
                reference_type="call",
                reference_id=input.call_id,
                status=RecordingStatus.RECORDING.value,
                format=input.format,
                activeflow_id=input.activeflow_id,
                on_end_flow_id=input.on_end_flow_id,
                recording_name=input.recording_name,
                node=input.node,
                tm_start=now,
            )
            session.add(row)
            call = await session.get(Call, input.call_id, with_for_update=True)
            if call is not None:
                call.recording_id = row.id
                call.recording_ids = [*call.recording_ids, str(row.id)]
                call.tm_update = now
            await session.flush()
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="recording_started",
                resource_type="recording",
                resource_id=row.id,
                data=recording_data(row),
            )

    @activity.defn(name=c.RECORDING_FINISH)
    async def recording_finish(self, input: c.RecordingFinishInput) -> None:
        async with transaction(self.sessions) as session:
            row = await session.get(Recording, input.recording_id, with_for_update=True)
            if row is None or row.status == RecordingStatus.ENDED:
                return
            row.status = RecordingStatus.ENDED.value
            row.tm_end = utcnow()
            row.file_path = input.file_path
            row.file_size = input.file_size
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="recording_finished",
                resource_type="recording",
                resource_id=row.id,
                data=recording_data(row),
            )


async def _write_status(session: AsyncSession, input: c.SetStatusInput) -> c.CallRow:
    """Apply a status transition (the original's rules) + its event."""
    params: dict[str, Any] = {
        "p_id": input.call_id,
        "p_now": utcnow(),
        "p_node": input.node,
        "p_by": input.hangup_by,
        "p_reason": input.hangup_reason,
        "p_cause": input.hangup_cause,
    }
    moved = await _update_returning(session, _status_update(input.status, bool(input.node)), params)
    if moved is None:  # a retried or stale transition: the row as it is
        status = await session.scalar(
            sa.select(col(Call.status)).where(col(Call.id) == input.call_id)
        )
        if status is None:
            raise RuntimeError(f"call {input.call_id} has no row")
        return c.CallRow(status, False)
    await emit(
        session,
        customer_id=moved.customer_id,
        event_type=STATUS_EVENT[moved.status],
        resource_type="call",
        resource_id=moved.id,
        data=call_data(moved),  # a _Returned row
    )
    return c.CallRow(moved.status, True)


async def _write_action(session: AsyncSession, input: c.SetActionInput) -> None:
    """The current action on the activeflow (and call) + `activeflow_updated`."""
    now = utcnow()
    # stamped by the workflow when it ran (a batched write comes later), else now
    action = {"tm_execute": now.isoformat(), **input.action}
    params = {
        "p_id": input.activeflow_id,
        "p_count": input.execute_count,
        "p_action": action,
        "p_now": now,
    }
    flow = await _update_returning(session, _ACTION_UPDATE, params)
    if flow is None:
        return  # a retried step, or an ended activeflow: nothing changes
    await emit(
        session,
        customer_id=flow.customer_id,
        event_type="activeflow_updated",
        resource_type="activeflow",
        resource_id=flow.id,
        data=activeflow_data(flow),
    )
    if input.call_id is not None:
        await session.execute(
            _CALL_ACTION_UPDATE,
            {"p_id": input.call_id, "p_action": action, "p_now": now},
        )


async def _write_end(session: AsyncSession, input: c.EndActiveflowInput) -> bool:
    """The activeflow ended + its event; whether its flow may chain an on_complete flow
    (a row ended before, by a stop, a delete or this write's first try, is checked by
    the chain itself)."""
    params = {
        "p_id": input.activeflow_id,
        "p_reason": input.reason[:32],
        "p_error": input.error[:2048],
        "p_now": utcnow(),
    }
    flow = await _update_returning(session, _END_UPDATE, params)
    if flow is None:
        return True
    await emit(
        session,
        customer_id=flow.customer_id,
        event_type="activeflow_updated",
        resource_type="activeflow",
        resource_id=flow.id,
        data=activeflow_data(flow),
    )
    return bool(flow.flow_id is not None)


_CALLS = Call.__table__  # type: ignore[attr-defined]
_FLOWS = Activeflow.__table__  # type: ignore[attr-defined]
_COLUMN_OF = {
    attr.key: attr.columns[0].name
    for model in (Call, Activeflow)
    for attr in sa.inspect(model).column_attrs
    if attr.key != attr.columns[0].name
}


@functools.cache
def _status_update(status: str, with_node: bool) -> Any:
    """UPDATE of a call to `status`, only from a status allowed to move there."""
    values: dict[str, Any] = {"status": status, "tm_update": sa.bindparam("p_now")}
    if with_node:
        values["node"] = sa.bindparam("p_node")
    if status == "ringing":
        values["tm_ringing"] = sa.bindparam("p_now")
    elif status == "progressing":
        values["tm_progressing"] = sa.bindparam("p_now")
    elif status == "hangup":
        values |= {
            "tm_hangup": sa.bindparam("p_now"),
            "hangup_by": sa.bindparam("p_by"),
            "hangup_reason": sa.bindparam("p_reason"),
            "hangup_cause": sa.bindparam("p_cause"),
        }
    return (
        sa.update(_CALLS)
        .where(_CALLS.c.id == sa.bindparam("p_id"), _CALLS.c.status.in_(moves_to(status)))
        .values(values)
        .returning(*_CALLS.c)
    )


def _action_update() -> Any:
    executed = _FLOWS.c.executed_actions
    action = sa.bindparam("p_action", type_=JSONB)
    # the last EXECUTED_KEPT only: at the cap the oldest goes (`jsonb - 0`)
    kept = sa.case(
        (sa.func.jsonb_array_length(executed) >= EXECUTED_KEPT, executed.op("-")(0)),
        else_=executed,
    )
    return (
        sa.update(_FLOWS)
        .where(
            _FLOWS.c.id == sa.bindparam("p_id"),
            # a retry of a recorded step, or an activeflow stopped or deleted meanwhile
            # (nothing runs on an ended one), changes nothing
            _FLOWS.c.execute_count < sa.bindparam("p_count"),
            _FLOWS.c.status != ActiveflowStatus.ENDED.value,
        )
        .values(
            current_action=action,
            executed_actions=kept.op("||")(sa.func.jsonb_build_array(action)),
            execute_count=sa.bindparam("p_count"),
            tm_update=sa.bindparam("p_now"),
        )
        .returning(*_FLOWS.c)
    )


_ACTION_UPDATE = _action_update()
_CALL_ACTION_UPDATE = (
    sa.update(_CALLS)
    .where(_CALLS.c.id == sa.bindparam("p_id"))
    .values(action=sa.bindparam("p_action", type_=JSONB), tm_update=sa.bindparam("p_now"))
)
_END_UPDATE = (
    sa.update(_FLOWS)
    .where(
        _FLOWS.c.id == sa.bindparam("p_id"),
        _FLOWS.c.status != ActiveflowStatus.ENDED.value,
    )
    .values(
        status=ActiveflowStatus.ENDED.value,
        end_reason=sa.bindparam("p_reason"),
        error=sa.bindparam("p_error"),
        tm_update=sa.bindparam("p_now"),
    )
    .returning(*_FLOWS.c)
)


async def _update_returning(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Any:
    """The row a table `UPDATE ... RETURNING *` changed, read like its model
    (`_Returned`), or None when its WHERE matched nothing. A table statement, not an
    ORM one: the ORM's entity UPDATE path cost more than the write itself."""
    row = (await session.execute(statement, params)).mappings().first()
    return None if row is None else _Returned(row)


class _Returned:
    """A returned row read by field name, as call_data / activeflow_data read a model
    (`Call.call_metadata` is the column `metadata`)."""

    __slots__ = ("_row",)

    def __init__(self, row: sa.RowMapping) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return self._row[_COLUMN_OF.get(name, name)]
