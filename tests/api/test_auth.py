"""Login, refresh rotation, logout, access keys and token forgery (DESIGN §5)."""

from __future__ import annotations

import base64
import json
import time

import orjson

from tests.api.conftest import Api, Tenant, error_code
from voipbin.agents.models import Permission
from voipbin.auth import tokens
from voipbin.config import Settings

ME = "{ me { customer { id } agent { id } accessKeyId permissions } }"
REFRESH = "mutation($t:String!){refreshToken(input:{refreshToken:$t}){token refreshToken}}"


async def test_wrong_password_is_unauthenticated_without_saying_which_part(
    api: Api, tenant: Tenant
) -> None:
    body = await api.gql(
        'mutation{login(username:"%s",password:"nope-nope"){token}}' % tenant.username
    )
    unknown = await api.gql(
        'mutation{login(username:"no-such-user-x",password:"nope-nope"){token}}'
    )
    assert error_code(body) == error_code(unknown) == "UNAUTHENTICATED"
    assert body["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(api: Api, tenant: Tenant) -> None:
    first = (await api.ok(REFRESH, {"t": tenant.refresh_token}))["refreshToken"]
    second = first["token"]
    assert (await api.ok(ME, auth=f"Bearer {second}"))["me"]["agent"]["id"] == tenant.agent_id
    # the rotated (used) token comes back: a thief has a copy
    assert error_code(await api.gql(REFRESH, {"t": tenant.refresh_token})) == "UNAUTHENTICATED"
    # every token of the family is dead now, including the newest pair
    assert error_code(await api.gql(ME, auth=f"Bearer {second}")) == "UNAUTHENTICATED"
    assert error_code(await api.gql(REFRESH, {"t": first["refreshToken"]})) == "UNAUTHENTICATED"
    assert error_code(await api.gql(ME, auth=tenant.auth)) == "UNAUTHENTICATED"


async def test_logout_ends_the_session(api: Api, tenant: Tenant) -> None:
    assert (await api.ok("mutation{logout}", auth=tenant.auth))["logout"] is True
    assert error_code(await api.gql(ME, auth=tenant.auth)) == "UNAUTHENTICATED"
    assert error_code(await api.gql(REFRESH, {"t": tenant.refresh_token})) == "UNAUTHENTICATED"


async def test_access_key_is_shown_once_works_and_dies_when_revoked(
    api: Api, tenant: Tenant
) -> None:
    created = (
        await api.ok(
            'mutation{createAccessKey(input:{name:"ci"}){secret accessKey{id tokenPrefix}}}',
            auth=tenant.auth,
        )
    )["createAccessKey"]
    secret = created["secret"]
    assert secret.startswith("ak_") and len(secret) == 35
    assert created["accessKey"]["tokenPrefix"] == secret[:11]
    me = (await api.ok(ME, auth=f"AccessKey {secret}"))["me"]
    assert me["customer"]["id"] == tenant.customer_id
    assert me["agent"] is None and me["accessKeyId"] == created["accessKey"]["id"]
    listed = await api.ok("{accessKeys{edges{node{id tokenPrefix}}}}", auth=tenant.auth)
    assert "secret" not in json.dumps(listed)
    await api.ok(
        "mutation($id:UUID!){revokeAccessKey(id:$id){revokedAt}}",
        {"id": created["accessKey"]["id"]},
        auth=tenant.auth,
    )
    assert error_code(await api.gql(ME, auth=f"AccessKey {secret}")) == "UNAUTHENTICATED"


async def test_expired_access_key_is_refused(api: Api, tenant: Tenant, services) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from voipbin.auth.models import AccessKey

    created = (
        await api.ok(
            'mutation{createAccessKey(input:{name:"old"}){secret accessKey{id}}}', auth=tenant.auth
        )
    )["createAccessKey"]
    async with services.sessions() as s, s.begin():
        await s.execute(
            sa.update(AccessKey)
            .where(AccessKey.id == created["accessKey"]["id"])
            .values(tm_expire=sa.func.now() - sa.text("interval '1 second'"))
        )
    await services.cache.invalidate(
        *[k async for k in services.redis.scan_iter("access_key_hash:*")]
    )
    assert error_code(await api.gql(ME, auth=f"AccessKey {created['secret']}")) == "UNAUTHENTICATED"


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()


async def test_forged_expired_and_alg_none_tokens_are_refused(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    claims = tokens.verify(settings.auth.jwt_secret, tenant.token)
    forged, _ = tokens.issue("some-other-secret", claims, 3600)
    expired, _ = tokens.issue(settings.auth.jwt_secret, claims, -10)
    payload = {
        "customer_id": str(claims.customer_id),
        "agent_id": str(claims.agent_id),
        "permissions": ["PLATFORM_ADMIN"],
        "sid": str(claims.family_id),
        "iat": int(time.time()),
        "exp": int(time.time()) + 3600,
    }
    alg_none = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."
    for bad in (forged, expired, alg_none, "not.a.jwt", tenant.token + "x"):
        assert error_code(await api.gql(ME, auth=f"Bearer {bad}")) == "UNAUTHENTICATED", bad


async def test_a_valid_signature_without_a_session_is_refused(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    """A token minted with the right key but never issued by login has no session."""
    claims = tokens.verify(settings.auth.jwt_secret, tenant.token)
    elevated = tokens.AccessClaims(
        claims.customer_id, claims.agent_id, Permission.PLATFORM_ADMIN, claims.family_id, 0
    )
    token, _ = tokens.issue(settings.auth.jwt_secret, elevated, 3600)
    assert error_code(await api.gql(ME, auth=f"Bearer {token}")) == "UNAUTHENTICATED"


async def test_disabled_agent_cannot_log_in_and_loses_its_sessions(
    api: Api, tenant: Tenant
) -> None:
    created = (
        await api.ok(
            'mutation{createAgent(input:{username:"%s-agent",password:"agent-password",permissions:[CUSTOMER_AGENT]}){id}}'
            % tenant.username,
            auth=tenant.auth,
        )
    )["createAgent"]
    session = await api.login(f"{tenant.username}-agent", "agent-password")
    await api.ok(
        "mutation($id:UUID!){updateAgent(input:{id:$id,disabled:true}){disabled}}",
        {"id": created["id"]},
        auth=tenant.auth,
    )
    assert error_code(await api.gql(ME, auth=f"Bearer {session['token']}")) == "UNAUTHENTICATED"
    body = await api.gql(
        'mutation{login(username:"%s-agent",password:"agent-password"){token}}' % tenant.username
    )
    assert error_code(body) == "UNAUTHENTICATED"


async def test_agent_permission_cannot_manage_keys_or_agents(api: Api, tenant: Tenant) -> None:
    await api.ok(
        'mutation{createAgent(input:{username:"%s-low",password:"agent-password"}){id}}'
        % tenant.username,
        auth=tenant.auth,
    )
    low = await api.login(f"{tenant.username}-low", "agent-password")
    auth = f"Bearer {low['token']}"
    assert (await api.ok(ME, auth=auth))["me"]["permissions"] == ["CUSTOMER_AGENT"]
    assert (
        error_code(await api.gql('mutation{createAccessKey(input:{name:"x"}){secret}}', auth=auth))
        == "FORBIDDEN"
    )
    assert error_code(await api.gql("{agents{totalCount}}", auth=auth)) == "FORBIDDEN"
    assert (
        error_code(
            await api.gql(
                'mutation{createCustomer(input:{name:"x",email:"a@b.c",adminUsername:"qq-zz",adminPassword:"12345678"}){id}}',
                auth=auth,
            )
        )
        == "FORBIDDEN"
    )


async def test_no_credentials_is_unauthenticated(api: Api) -> None:
    assert error_code(await api.gql(ME)) == "UNAUTHENTICATED"
    assert error_code(await api.gql(ME, auth="Basic dXNlcjpwYXNz")) == "UNAUTHENTICATED"


async def test_editing_an_agent_keeps_its_sessions_and_shows_fresh_data(
    api: Api, tenant: Tenant
) -> None:
    created = (
        await api.ok(
            'mutation{createAgent(input:{username:"%s-ed",password:"agent-password"}){id}}'
            % tenant.username,
            auth=tenant.auth,
        )
    )["createAgent"]
    session = await api.login(f"{tenant.username}-ed", "agent-password")
    auth = f"Bearer {session['token']}"
    assert (await api.ok(ME, auth=auth))["me"]["agent"]["id"] == created["id"]
    await api.ok(
        'mutation($id:UUID!){updateAgent(input:{id:$id,name:"Renamed"}){name}}',
        {"id": created["id"]},
        auth=tenant.auth,
    )
    me = await api.ok("{ me { agent { name } } }", auth=auth)
    assert me["me"]["agent"]["name"] == "Renamed"
