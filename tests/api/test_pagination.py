"""Relay connections: first/after/last/before, totalCount, newest first."""

from __future__ import annotations

from tests.api.conftest import Api, Tenant

CREATE = "mutation($n:String!){createAccessKey(input:{name:$n}){accessKey{id}}}"
PAGE = """query($first:Int,$after:String,$last:Int,$before:String){
  accessKeys(first:$first,after:$after,last:$last,before:$before){
    totalCount pageInfo{hasNextPage hasPreviousPage startCursor endCursor}
    edges{cursor node{name}}}}"""


async def test_walks_forward_and_backward_over_every_row(api: Api, tenant: Tenant) -> None:
    for i in range(7):
        await api.ok(CREATE, {"n": f"k{i}"}, auth=tenant.auth)
    names: list[str] = []
    after = None
    while True:
        page = (await api.ok(PAGE, {"first": 3, "after": after}, auth=tenant.auth))["accessKeys"]
        assert page["totalCount"] == 7
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == [f"k{i}" for i in reversed(range(7))]
    last = (await api.ok(PAGE, {"last": 2}, auth=tenant.auth))["accessKeys"]
    assert [e["node"]["name"] for e in last["edges"]] == ["k1", "k0"]
    assert last["pageInfo"]["hasPreviousPage"] is True
    before = (
        await api.ok(PAGE, {"last": 2, "before": last["pageInfo"]["startCursor"]}, auth=tenant.auth)
    )["accessKeys"]
    assert [e["node"]["name"] for e in before["edges"]] == ["k3", "k2"]
    empty = (await api.ok(PAGE, {"first": 0}, auth=tenant.auth))["accessKeys"]
    assert empty["edges"] == [] and empty["totalCount"] == 7
