"""Executors of the actions that hand a channel to a dialplan service context and wait
for it to come back to Stasis (spec telephony.md §2, deploy/asterisk/extensions.conf):

* `echo` / `stream_echo`: the call itself goes to `svc-echo` / `svc-stream_echo` for
  `duration` ms (channel variable `VB_ECHO_MS`) and returns with `context_from=<context>`;
* `amd`: a snoop spying both directions goes to `svc-amd`; it returns with `amd_status`
  and `amd_cause`, stored in `voipbin.amd.status` / `voipbin.amd.cause`. MACHINE with
  `machine_handle: hangup` hangs the call up with reason `amd` (cause 201). With `async`
  the flow advances at once and the result is applied when it arrives.

The host (CallWorkflow) records each return (`dialplan_returns`, by channel id) from the
StasisStart signal; everything here only uses workflow-safe calls through the host.
"""

from __future__ import annotations

import asyncio
from typing import Any

from activities.contracts import telephony as t
from workflows.flow_actions import options as o
from workflows.flow_actions import steps
from workflows.flow_actions.runtime import ActionFailed, Executor, FlowStopped
from workflows.flow_engine.model import Action

ECHO_CONTEXTS = {"echo": "svc-echo", "stream_echo": "svc-stream_echo"}
AMD_CONTEXT = "svc-amd"
ECHO_VARIABLE = "VB_ECHO_MS"  # read by svc-echo / svc-stream_echo
AMD_STATUS_VARIABLE = "voipbin.amd.status"
AMD_CAUSE_VARIABLE = "voipbin.amd.cause"
# AMD()'s totalAnalysisTime (amd.conf default): after it AMD answers NOTSURE at the latest.
AMD_ANALYSIS_SECONDS = 5.0
AMD_SNOOP_ARGS = ["context_type=call", "context=call-application", "application_name=amd"]


async def _run_service(host: Any, channel_id: str, context: str, seconds: float) -> dict[str, str]:
    """Continue `channel_id` to `context` and wait for its return; the return's args."""
    before = len(host.dialplan_returns.get(channel_id, []))
    operation = f"{host.input.call_id}:{channel_id}:{context}:{host.runner.execute_count}"
    try:
        await host.ari(
            t.continue_in_dialplan,
            t.ContinueInput(
                host.node, channel_id, context, operation_id=operation, keep_watching=True
            ),
        )
    except steps.ACTIVITY_FAILURES as exc:
        raise ActionFailed(f"cannot send the channel to {context}: {exc.cause or exc}") from exc
    came_back = await host.wait_for(
        lambda: len(host.dialplan_returns.get(channel_id, [])) > before,
        seconds + host.input.timeouts.dialplan_return_seconds,
    )
    if not came_back:
        raise ActionFailed(f"the channel did not come back from {context}")
    returned: dict[str, str] = host.dialplan_returns[channel_id][before]
    return returned


async def echo(host: Any, action: Action, option: o.EchoOption) -> None:
    """echo and stream_echo: the party hears itself for `duration` ms, then the flow goes on."""
    await host.answer()
    duration_ms = option.effective_duration
    try:
        await host.ari(
            t.set_variable,
            t.SetVariableInput(host.node, host.channel_id, ECHO_VARIABLE, str(duration_ms)),
        )
    except steps.ACTIVITY_FAILURES as exc:
        raise ActionFailed(f"cannot set the echo duration: {exc.cause or exc}") from exc
    await _run_service(host, host.channel_id, ECHO_CONTEXTS[action.type], duration_ms / 1000)


async def amd(host: Any, action: Action, option: o.AmdOption) -> None:
    await host.answer()
    snoop_id = f"{host.input.call_id}-amd{host.runner.execute_count}"
    try:
        await host.ari(
            t.snoop,
            t.SnoopInput(
                host.node,
                host.channel_id,
                snoop_id,
                spy="both",
                app_args=[*AMD_SNOOP_ARGS, f"call_id={host.input.call_id}"],
            ),
        )
    except steps.ACTIVITY_FAILURES as exc:
        raise ActionFailed(f"cannot start answering-machine detection: {exc.cause or exc}") from exc
    if not option.async_:
        if await _detect(host, snoop_id, option):
            raise FlowStopped("hangup")
        return
    # The flow goes on now; the result lands in the variables (or hangs up) later.
    host.background.append(asyncio.create_task(_detect_in_background(host, snoop_id, option)))


async def _detect(host: Any, snoop_id: str, option: o.AmdOption) -> bool:
    """Run AMD on the snoop and apply its result; True when it hung the call up."""
    try:
        result = await _run_service(host, snoop_id, AMD_CONTEXT, AMD_ANALYSIS_SECONDS)
    finally:
        await host.ari(t.hangup, t.HangupInput(host.node, snoop_id, 16))
    status, cause = result.get("amd_status", ""), result.get("amd_cause", "")
    host.runner.variables[AMD_STATUS_VARIABLE] = status
    host.runner.variables[AMD_CAUSE_VARIABLE] = cause
    if status == "MACHINE" and option.machine_handle == "hangup":
        await host.request_hangup("amd")
        return True
    return False


async def _detect_in_background(host: Any, snoop_id: str, option: o.AmdOption) -> None:
    try:
        await _detect(host, snoop_id, option)
    except FlowStopped:
        pass  # the call ended first: no result to apply
    except ActionFailed as exc:
        host.runner.errors.append(f"amd: {exc}")


EXECUTORS: dict[str, Executor] = {
    "echo": echo,
    "stream_echo": echo,
    "amd": amd,
}
