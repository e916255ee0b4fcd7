"""GraphQL documents shared by the flows tests."""

from __future__ import annotations

FLOW_FIELDS = "id name detail type onCompleteFlowId actions { id nextId type option }"

CREATE_FLOW = f"""
mutation($input: CreateFlowInput!) {{ createFlow(input: $input) {{ {FLOW_FIELDS} }} }}
"""
UPDATE_FLOW = f"""
mutation($input: UpdateFlowInput!) {{ updateFlow(input: $input) {{ {FLOW_FIELDS} }} }}
"""
DELETE_FLOW = "mutation($id: UUID!) { deleteFlow(id: $id) { id } }"
GET_FLOW = f"query($id: UUID!) {{ flow(id: $id) {{ {FLOW_FIELDS} }} }}"
LIST_FLOWS = """
query($first: Int, $after: String, $filter: FlowFilter) {
  flows(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name } }
  }
}
"""
VALIDATE_FLOW = """
query($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }
"""


def action_inputs(actions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Fixture actions (snake_case `next_id`) as GraphQL `ActionInput`s."""
    out = []
    for a in actions:
        item = {k: v for k, v in a.items() if k != "next_id"}
        if "next_id" in a:
            item["nextId"] = a["next_id"]
        out.append(item)
    return out
