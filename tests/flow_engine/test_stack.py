"""Next-action resolution and push/pop over the stack map (spec flow-actions.md §2)."""

from __future__ import annotations

from uuid import UUID

import pytest

from workflows.flow_engine import stack
from workflows.flow_engine.errors import LoopGuardError
from workflows.flow_engine.limits import EngineLimits
from workflows.flow_engine.model import ACTION_ID_FINISH, STACK_ID_MAIN, Action


def a(n: int, type_: str = "answer", next_id: int | None = None) -> Action:
    return Action(
        id=UUID(int=1000 + n),
        type=type_,
        next_id=UUID(int=1000 + next_id) if next_id else UUID(int=0),
    )


def ids(n: int) -> UUID:
    return UUID(int=1000 + n)


S1 = UUID(int=501)
S2 = UUID(int=502)


def test_next_element_then_finish_at_end_of_main() -> None:
    m = stack.new_stack_map([a(1), a(2)])
    sid, act = stack.next_action(m, STACK_ID_MAIN, a(1))
    assert (sid, act.id) == (STACK_ID_MAIN, ids(2))
    sid, act = stack.next_action(m, STACK_ID_MAIN, a(2))
    assert act.id == ACTION_ID_FINISH


def test_next_id_wins_over_array_order() -> None:
    m = stack.new_stack_map([a(1, next_id=3), a(2), a(3)])
    _, act = stack.next_action(m, STACK_ID_MAIN, m[STACK_ID_MAIN].actions[0])
    assert act.id == ids(3)


def test_unknown_next_id_finishes() -> None:
    m = stack.new_stack_map([a(1, next_id=9), a(2)])
    _, act = stack.next_action(m, STACK_ID_MAIN, m[STACK_ID_MAIN].actions[0])
    assert act.id == ACTION_ID_FINISH


def test_end_of_pushed_stack_returns_after_the_pusher_and_releases_it() -> None:
    m = stack.new_stack_map([a(1, "fetch"), a(2)])
    cursor = stack.push(m, S1, [a(10), a(11)], STACK_ID_MAIN, ids(1), EngineLimits())
    assert cursor is not None and cursor == (S1, m[S1].actions[0])
    sid, act = stack.next_action(m, S1, a(11))
    assert (sid, act.id) == (STACK_ID_MAIN, ids(2))
    assert S1 not in m


def test_nested_pushes_unwind_through_every_level() -> None:
    m = stack.new_stack_map([a(1, "fetch"), a(2)])
    stack.push(m, S1, [a(10, "fetch_flow")], STACK_ID_MAIN, ids(1), EngineLimits())
    stack.push(m, S2, [a(20)], S1, ids(10), EngineLimits())
    # the last action of S2 → after S2's return (ids 10 is last in S1) → after S1's return
    sid, act = stack.next_action(m, S2, a(20))
    assert (sid, act.id) == (STACK_ID_MAIN, ids(2))
    assert set(m) == {STACK_ID_MAIN}


def test_next_id_searched_up_the_return_chain_releases_stacks_left_behind() -> None:
    m = stack.new_stack_map([a(1, "fetch"), a(2), a(3)])
    stack.push(m, S1, [a(10, next_id=3)], STACK_ID_MAIN, ids(1), EngineLimits())
    sid, act = stack.next_action(m, S1, m[S1].actions[0])
    assert (sid, act.id) == (STACK_ID_MAIN, ids(3))
    assert S1 not in m


def test_search_prefers_the_current_stack() -> None:
    m = stack.new_stack_map([a(1, "fetch"), a(5)])
    stack.push(m, S1, [a(10), a(5)], STACK_ID_MAIN, ids(1), EngineLimits())
    found = stack.search_action(m, S1, ids(5))
    assert found is not None and found[0] == S1


def test_pop_continues_after_the_pushing_action() -> None:
    m = stack.new_stack_map([a(1, "queue_join", next_id=1), a(2)])
    stack.push(m, S1, [a(10), a(11)], STACK_ID_MAIN, ids(1), EngineLimits())
    cursor = stack.pop(m, S1)
    assert cursor is not None and cursor[1].id == ids(2)
    assert stack.pop(m, S1) is None


def test_empty_push_is_nothing() -> None:
    m = stack.new_stack_map([a(1)])
    assert stack.push(m, S1, [], STACK_ID_MAIN, ids(1), EngineLimits()) is None
    assert S1 not in m


def test_stack_depth_guard() -> None:
    m = stack.new_stack_map([a(1)])
    limits = EngineLimits(max_stack_depth=3)
    parent = STACK_ID_MAIN
    for n in range(3):
        sid = UUID(int=700 + n)
        stack.push(m, sid, [a(1)], parent, ids(1), limits)
        parent = sid
    with pytest.raises(LoopGuardError) as err:
        stack.push(m, UUID(int=799), [a(1)], parent, ids(1), limits)
    assert err.value.reason == "max_stack_depth"


def test_missing_ids_are_deterministic_per_activeflow_and_push() -> None:
    af = UUID("6b0c36d2-5d6e-4b8f-9a9c-0b4a3f6e2d11")
    raw = [Action(id=UUID(int=0), type="answer"), Action(id=ids(7), type="hangup")]
    first = stack.fill_missing_ids(af, 1, raw)
    again = stack.fill_missing_ids(af, 1, raw)
    other_push = stack.fill_missing_ids(af, 2, raw)
    assert first[0].id == again[0].id != UUID(int=0)
    assert first[1].id == ids(7)
    assert other_push[0].id != first[0].id
