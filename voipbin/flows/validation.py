"""Flow validation on save (and for `validateFlow`): pure, no database.

Every problem names the exact field, e.g. `actions[3].option.digits`, `actions[2].nextId`,
`actions[5].option.target_ids.1`. Checks: known type (deferred and internal types refused
by name), option schema (the registry's strict models), option size, unique ids (missing
ids generated), `nextId` and every jump target inside the flow. References to other flows
are collected here and checked against the database by the service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from pydantic import BaseModel, ValidationError

from workflows.flow_actions import (
    ACTION_OPTIONS,
    DEFERRED_ACTIONS,
    INTERNAL_ACTIONS,
    deferred_message,
    parse_option,
)
from workflows.flow_actions import options as o
from workflows.flow_engine.model import NIL, RESERVED_ACTION_IDS

MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class FlowLimits:
    max_actions: int = 1000
    max_option_bytes: int = 65_536


@dataclass(frozen=True, slots=True)
class FlowRef:
    """A reference to another flow of the same customer, checked by the service."""

    field: str
    flow_id: UUID


@dataclass
class Validated:
    actions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flow_refs: list[FlowRef] = field(default_factory=list)


def _compact_json(value: Any) -> str:
    # The size a client sent and we store: UTF-8, no padding (not json.dumps' ASCII escapes).
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


_INDEX = re.compile(r"^\w+\[(\d+)\]")


def _document_order(problem: Problem) -> int:
    """Problems sorted by the action they belong to (flow-level ones first)."""
    m = _INDEX.match(problem.field)
    return int(m.group(1)) if m else -1


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _option_problems(prefix: str, action_type: str, exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        path = _loc(err["loc"])
        name = str(err["loc"][-1]) if err["loc"] else "option"
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown option `{name}` for `{action_type}`"
        elif kind == "missing":
            message = f"option `{name}` is required for `{action_type}`"
        else:
            text = str(err["msg"]).removeprefix("Value error, ")
            message = f"`{action_type}` option `{name}`: {text}"
        yield Problem(f"{prefix}.option{path}", message)


def _parse_id(raw: Any) -> UUID | None:
    if raw is None or raw == "":
        return NIL
    if isinstance(raw, UUID):
        return raw
    try:
        return UUID(str(raw))
    except ValueError:
        return None


def _targets(model: BaseModel) -> Iterator[tuple[str, UUID, bool]]:
    """(option field path, target id, required) of every jump target in an option."""
    match model:
        case o.GotoOption():
            yield ".target_id", model.target_id, True
        case o.BranchOption():
            for key, target in model.target_ids.items():
                yield f".target_ids.{key}", target, True
            yield ".default_target_id", model.default_target_id, False
        case (
            o.ConditionVariableOption()
            | o.ConditionDatetimeOption()
            | o.ConditionCallDigitsOption()
            | o.ConditionCallStatusOption()
        ):
            yield ".false_target_id", model.false_target_id, False


def _flow_refs(model: BaseModel) -> Iterator[tuple[str, UUID]]:
    match model:
        case o.FetchFlowOption():
            yield ".flow_id", model.flow_id
        case o.CallOption() if model.flow_id != NIL:
            yield ".flow_id", model.flow_id
        case o.RecordingStartOption() if model.on_end_flow_id != NIL:
            yield ".on_end_flow_id", model.on_end_flow_id


def validate_actions(
    raw: Sequence[Any], limits: FlowLimits, *, path: str = "actions", out: Validated | None = None
) -> Validated:
    """Check a flow's actions; return them normalised (ids filled) with every problem.

    Action keys are `id`, `next_id` (or `nextId`), `type`, `option`.
    """
    out = out if out is not None else Validated()
    if len(raw) > limits.max_actions:
        out.problems.append(
            Problem(path, f"a flow has at most {limits.max_actions} actions, got {len(raw)}")
        )
        return out
    normalised: list[dict[str, Any]] = []
    ids: dict[UUID, int] = {}
    parsed: list[tuple[int, BaseModel]] = []
    next_ids: list[tuple[int, UUID]] = []
    for index, item in enumerate(raw):
        prefix = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            out.problems.append(Problem(prefix, "an action is an object"))
            continue
        action_type = item.get("type")
        action_id = _parse_id(item.get("id"))
        next_id = _parse_id(item.get("next_id", item.get("nextId")))
        option = item.get("option")
        option = {} if option is None else option
        if action_id is None:
            out.problems.append(Problem(f"{prefix}.id", "`id` is not a UUID"))
            action_id = NIL
        if next_id is None:
            out.problems.append(Problem(f"{prefix}.nextId", "`nextId` is not a UUID"))
            next_id = NIL
        if action_id != NIL and action_id in RESERVED_ACTION_IDS:
            out.problems.append(Problem(f"{prefix}.id", f"`{action_id}` is a reserved action id"))
        if action_id == NIL:
            action_id = uuid4()
        if action_id in ids:
            out.problems.append(
                Problem(
                    f"{prefix}.id", f"duplicate action id, also used by {path}[{ids[action_id]}]"
                )
            )
        ids.setdefault(action_id, index)
        if next_id != NIL:
            next_ids.append((index, next_id))
        normalised.append(
            {"id": str(action_id), "next_id": str(next_id), "type": action_type, "option": option}
        )
        if not isinstance(action_type, str) or not action_type:
            out.problems.append(Problem(f"{prefix}.type", "`type` is required"))
            continue
        if action_type in DEFERRED_ACTIONS:
            out.problems.append(Problem(f"{prefix}.type", deferred_message(action_type)))
            continue
        if action_type in INTERNAL_ACTIONS or action_type not in ACTION_OPTIONS:
            out.problems.append(
                Problem(f"{prefix}.type", f"unknown action type `{action_type[:64]}`")
            )
            continue
        if not isinstance(option, Mapping):
            out.problems.append(Problem(f"{prefix}.option", "`option` is an object"))
            continue
        size = len(_compact_json(option).encode())
        if size > limits.max_option_bytes:
            out.problems.append(
                Problem(
                    f"{prefix}.option",
                    f"option is {size} bytes; at most {limits.max_option_bytes} per action",
                )
            )
            continue
        try:
            model = parse_option(action_type, option)
        except ValidationError as exc:
            out.problems.extend(_option_problems(prefix, action_type, exc))
            continue
        parsed.append((index, model))
        if isinstance(model, o.CallOption) and model.actions:
            nested = validate_actions(
                model.actions, limits, path=f"{prefix}.option.actions", out=Validated()
            )
            out.problems.extend(nested.problems)
            out.flow_refs.extend(nested.flow_refs)
            normalised[-1]["option"] = {**option, "actions": nested.actions}
    for index, target in next_ids:
        if target not in ids:
            out.problems.append(
                Problem(f"{path}[{index}].nextId", f"no action with id {target} in this flow")
            )
    for index, model in parsed:
        prefix = f"{path}[{index}].option"
        for sub, target, required in _targets(model):
            if target == NIL:
                if required:
                    out.problems.append(Problem(prefix + sub, "a target action id is required"))
            elif target not in ids:
                out.problems.append(
                    Problem(prefix + sub, f"no action with id {target} in this flow")
                )
        for sub, flow_id in _flow_refs(model):
            out.flow_refs.append(FlowRef(prefix + sub, flow_id))
    out.actions = normalised
    out.problems.sort(key=_document_order)
    del out.problems[MAX_PROBLEMS:]
    return out
