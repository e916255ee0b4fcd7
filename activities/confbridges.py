"""Implementations of `activities/contracts/confbridges.py` over the confbridge service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.contracts import confbridges as cb
from voipbin.confbridges import service
from voipbin.db import SessionFactory


class ConfbridgeActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    def all(self) -> list[Callable[..., Any]]:
        return [self.create, self.member, self.set_status]

    @activity.defn(name=cb.CREATE)
    async def create(self, input: cb.CreateInput) -> None:
        await service.create(
            self.sessions,
            service.NewConfbridge(
                input.confbridge_id,
                input.customer_id,
                input.type,
                input.node,
                input.bridge_id,
                input.reference_type,
                input.reference_id,
                list(input.flags),
            ),
        )

    @activity.defn(name=cb.MEMBER)
    async def member(self, input: cb.MemberInput) -> None:
        await service.member(self.sessions, input.confbridge_id, input.call_id, in_=input.joined)

    @activity.defn(name=cb.SET_STATUS)
    async def set_status(self, input: cb.SetStatusInput) -> None:
        await service.set_status(self.sessions, input.confbridge_id, input.status)
