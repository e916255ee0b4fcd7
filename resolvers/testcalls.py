from __future__ import annotations

import strawberry

from resolvers.context import Info
from schema.testcalls import PlaceTestCallInput, TestCall
from voipbin.testcalls import TestCalls


@strawberry.type
class TestCallMutations:
    @strawberry.mutation(
        description="Dev/test only: a scripted caller dials `to` through the PBX simulator."
    )
    async def place_test_call(self, info: Info, input: PlaceTestCallInput) -> TestCall:
        placed = await TestCalls(info.context.services).place(
            info.context.user,
            info.context.meta,
            to=input.to,
            from_=input.from_,
            steps=[step.to_step() for step in input.script],
        )
        return TestCall.from_placed(placed)
