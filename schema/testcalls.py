"""GraphQL types of the console's test-call panel (dev/test only)."""

from __future__ import annotations

import strawberry

from voipbin.testcalls import PlacedTestCall, TestCallStep


@strawberry.input(description="One step of the scripted caller: set exactly one field.")
class TestCallStepInput:
    wait: float | None = strawberry.field(default=None, description="Pause, in seconds.")
    dtmf: str | None = strawberry.field(default=None, description="Press these digits.")
    say: str | None = strawberry.field(default=None, description="Speak this text.")
    hangup: bool | None = strawberry.field(default=None, description="Hang up (true).")

    def to_step(self) -> TestCallStep:
        return TestCallStep(wait=self.wait, dtmf=self.dtmf, say=self.say, hangup=self.hangup)


@strawberry.input
class PlaceTestCallInput:
    to: str = strawberry.field(description="The number dialled: one of yours, E.164.")
    from_: str = strawberry.field(
        name="from", default="+15550001111", description="The caller's number, E.164."
    )
    script: list[TestCallStepInput] = strawberry.field(
        description="What the caller does once the call is answered."
    )


@strawberry.type(description="A simulated inbound call the PBX simulator is placing.")
class TestCall:
    channel_id: str
    node: str
    from_: str = strawberry.field(name="from")
    to: str

    @classmethod
    def from_placed(cls, placed: PlacedTestCall) -> TestCall:
        return cls(channel_id=placed.channel_id, node=placed.node, from_=placed.from_, to=placed.to)
