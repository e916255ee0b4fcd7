"""One typed settings object, built once by each entry point and passed down.

No module-level instance: tests and CLIs build their own (STYLE §2.10).
The three DESIGN names (DATABASE_URL, REDIS_URL, TEMPORAL_ADDRESS) are bound by alias,
everything else lives under VOIPBIN_ with "__" between nested groups.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_SECRETS = {"", "changethis", "dev-secret-change-me"}


class LimitSettings(BaseModel):
    """Request protection (DESIGN §5, §5.1)."""

    max_body_bytes: int = Field(1_048_576, description="Largest accepted HTTP body (bytes).")
    max_depth: int = Field(12, description="Deepest accepted GraphQL selection.")
    max_aliases: int = Field(30, description="Most aliases in one GraphQL document.")
    max_tokens: int = Field(5000, description="Most lexer tokens in one GraphQL document.")
    max_cost: int = Field(
        1000,
        description="Cost budget of one GraphQL operation (objects, lists times page size).",
    )
    max_page_size: int = Field(100, description="Largest `first`/`last` of a connection.")
    introspection: bool = Field(True, description="Allow schema introspection queries.")
    api_per_minute: int = Field(1000, description="API requests per minute per customer.")
    login_per_minute: int = Field(10, description="Login attempts per minute per IP+username.")
    call_create_per_minute: int = Field(100, description="createCall per minute per customer.")
    burst_factor: float = Field(2.0, description="Token bucket size as a multiple of the rate.")


class AuthSettings(BaseModel):
    jwt_secret: str = Field(
        "dev-secret-change-me",
        description="HS256 signing key for access tokens. Must be set outside dev.",
    )
    access_token_ttl_seconds: int = Field(3600, description="Access token lifetime.")
    refresh_token_ttl_seconds: int = Field(
        30 * 24 * 3600, description="Refresh token lifetime (rotating)."
    )


class CacheSettings(BaseModel):
    call_ttl_seconds: int = Field(60, description="Cache TTL of a call.")
    config_ttl_seconds: int = Field(3600, description="Cache TTL of flows, customers, agents.")
    agent_status_ttl_seconds: int = Field(300, description="Cache TTL of an agent's status.")


class EventSettings(BaseModel):
    """Outbox dispatcher, replay window and live subscriptions (DESIGN §6)."""

    retention_seconds: int = Field(
        7 * 24 * 3600, description="How long published events stay replayable (afterEventId)."
    )
    prune_interval_seconds: float = Field(300.0, description="Pause between outbox prunes.")
    poll_interval_seconds: float = Field(
        1.0, description="Dispatcher safety-net poll when no NOTIFY arrives."
    )
    batch_size: int = Field(500, description="Most outbox rows one dispatcher turn publishes.")
    ws_ping_interval_seconds: float = Field(30.0, description="Server ping period on WebSockets.")
    ws_idle_timeout_seconds: float = Field(
        60.0, description="A WebSocket silent this long (no pong, no message) is dropped."
    )
    ws_buffer_size: int = Field(
        2000, description="Undelivered events a connection may hold before it is closed (4413)."
    )
    ws_max_subscriptions: int = Field(50, description="Subscriptions per WebSocket connection.")
    ws_max_connections_per_customer: int = Field(
        500, description="Open WebSocket connections per customer (all API processes)."
    )
    replay_max_events: int = Field(
        10_000, description="Most events one afterEventId replay may return."
    )


class WebhookSettings(BaseModel):
    """Webhook delivery (DESIGN §9) and its SSRF guard."""

    retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [0.0, 60.0, 300.0, 1800.0, 7200.0],
        description="Delay before each of the first attempts (the original's schedule).",
    )
    retry_every_seconds: float = Field(
        6 * 3600.0, description="Delay between attempts once the list above is used up."
    )
    window_seconds: float = Field(
        3 * 24 * 3600.0, description="Attempts stop this long after the first one."
    )
    request_timeout_seconds: float = Field(10.0, description="Whole-request timeout per attempt.")
    max_endpoints_per_customer: int = Field(20, description="Webhook endpoints per customer.")
    task_queue: str = Field(
        "", description="Temporal task queue of deliveries (empty: `webhooks`)."
    )
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts allowed even if they resolve to private ranges (exact names).",
    )
    allow_cidrs: list[str] = Field(
        default_factory=list,
        description="Private/loopback networks allowed as targets (e.g. 127.0.0.0/8 in tests).",
    )


class AriSettings(BaseModel):
    """Asterisk nodes (ARI), the bridge and its node-health sentinel (DESIGN §2, §8)."""

    nodes: str = Field(
        "call-1=http://127.0.0.1:18088,call-2=http://127.0.0.1:18089",
        description="ARI nodes, comma-separated `[role:]name=url` (role call or conference; "
        "without one, the name before its last `-`: call-1 is a call node).",
    )
    username: str = Field("voipbin", description="ARI user (ari.conf).")
    password: str = Field("voipbin", description="ARI password (ari.conf).")
    app: str = Field("voipbin", description="Stasis application name.")
    subscribe_all: bool = Field(
        True,
        description="Event socket with subscribeAll, as the original's proxy: without it a "
        "dialplan channel's last event is StasisEnd (no ChannelDestroyed with the cause).",
    )
    request_timeout_seconds: float = Field(10.0, description="Timeout of one ARI REST request.")
    reconnect_initial_seconds: float = Field(
        0.2, description="First delay before reconnecting a node's event socket."
    )
    reconnect_max_seconds: float = Field(
        10.0, description="Longest delay between event socket reconnect attempts."
    )
    heartbeat_seconds: float = Field(5.0, description="WebSocket ping period on event sockets.")
    probe_interval_seconds: float = Field(
        0.5, description="Sentinel: pause between `/asterisk/ping` probes of each node."
    )
    probe_timeout_seconds: float = Field(
        0.5, description="Sentinel: a probe slower than this fails."
    )
    down_after_failures: int = Field(
        2,
        description="Sentinel: failed probes in a row that mark a node down (one if its "
        "event socket dropped too).",
    )
    node_state_ttl_seconds: float = Field(
        10.0, description="Node health in Redis expires unless the sentinel refreshes it."
    )
    event_dedupe_ttl_seconds: int = Field(
        3600, description="How long a delivered event's key is remembered (replays dropped)."
    )
    lanes: int = Field(
        64,
        description="Bridge: events of different calls signalled concurrently over this "
        "many ordered lanes (one call always uses the same lane, so its order holds).",
    )
    signal_attempts: int = Field(
        5, description="Bridge: attempts to signal Temporal before an event is given up."
    )
    channel_owner_ttl_seconds: int = Field(
        2 * 24 * 3600, description="How long the node owning a channel is remembered."
    )
    run_in_worker: bool = Field(
        False, description="Run the bridge inside `voipbin worker` (then skip `voipbin bridge`)."
    )


class CallSettings(BaseModel):
    """Calls, activeflows and recordings (DESIGN §7, §8): every duration a call waits."""

    task_queue: str = Field(
        "", description="Temporal task queue of call workflows (empty: `calls`)."
    )
    ring_timeout_seconds: float = Field(60.0, description="How long an outgoing call rings.")
    hangup_wait_seconds: float = Field(
        10.0, description="After our hangup request, wait this long for the channel to go."
    )
    recording_wait_seconds: float = Field(
        10.0, description="After stopping a recording, wait this long for its file."
    )
    http_timeout_seconds: float = Field(
        5.0, description="Timeout of webhook_send/fetch requests to the customer's server."
    )
    max_call_seconds: float = Field(3600.0, description="Longest call (the original's 1 h).")
    dialplan_return_seconds: float = Field(
        10.0,
        description="A channel sent to a dialplan service (echo, AMD) must be back in Stasis "
        "this long after the service's own duration, or the action fails.",
    )
    max_executed_actions: int = Field(100, description="Actions one activeflow may execute.")
    recordings_dir: Path = Field(
        Path(".voipbin/recordings"), description="Folder keeping recording files."
    )
    tts_dir: Path = Field(Path(".voipbin/tts"), description="Folder caching synthesized speech.")
    recording_retention_days: float = Field(
        90.0, description="Recordings (row and file) are deleted this long after they end."
    )
    download_token_ttl_seconds: int = Field(
        300, description="Lifetime of the signed token in a recording's downloadUrl."
    )
    worker_cached_workflows: int = Field(
        10_000,
        description="Call workflows one worker keeps in memory (Temporal's sticky cache): at "
        "least the live calls it carries, or each of their events replays the whole history.",
    )


class DevSettings(BaseModel):
    state_dir: Path = Field(
        Path(".voipbin"), description="Folder holding `voipbin dev` data (survives restarts)."
    )
    api_port: int = Field(8000, description="Port of the API in `voipbin dev`.")
    temporal_port: int = Field(7233, description="Temporal frontend port of the dev server.")
    temporal_ui_port: int = Field(8233, description="Temporal UI port of the dev server.")
    redis_port: int = Field(6390, description="Port of the embedded Redis in `voipbin dev`.")
    admin_username: str = Field("admin", description="Seeded platform admin login.")
    admin_password: str = Field("admin-password", description="Seeded platform admin password.")
    demo_username: str = Field("demo", description="Seeded demo customer admin login.")
    demo_password: str = Field("demo-password", description="Seeded demo customer admin password.")


class FlowSettings(BaseModel):
    """Flows (size caps at save time) and the flow engine's loop guards (spec §2)."""

    max_flows_per_customer: int = Field(10_000, description="Flows one customer may keep.")
    max_actions_per_flow: int = Field(
        1000, description="Actions in one flow (and in a `call` action's list)."
    )
    max_option_bytes: int = Field(65_536, description="Largest JSON of one action's option.")
    max_hops: int = Field(1000, description="Inline flow actions per step of the engine.")
    max_stack_depth: int = Field(100, description="Nested pushed stacks of one activeflow.")


class NumberSettings(BaseModel):
    """Phone numbers and the local inventory provider (DESIGN §5.1)."""

    provider: Literal["local"] = Field(
        "local", description="Number provider (`local`: the built-in inventory, no carrier)."
    )
    inventory_per_country: int = Field(
        100, description="Numbers the local inventory offers per country."
    )
    max_numbers_per_customer: int = Field(1000, description="Live numbers one customer may own.")
    demo_number: str = Field("+15559990000", description="Number seeded for the demo customer.")


class TestCallSettings(BaseModel):
    """The console's test calls (dev/test only): where the PBX simulator takes them."""

    __test__ = False  # not a pytest class despite the name

    sim_url: str = Field(
        "",
        description="Simulator node whose `/sim/inbound` places console test calls; empty: "
        "the first call node of `ari.nodes` when that setting exists, else :18088.",
    )
    timeout_seconds: float = Field(10.0, description="Timeout of the request to the simulator.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VOIPBIN_",
        env_nested_delimiter="__",
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    environment: Literal["dev", "test", "production"] = Field(
        "dev", description="dev relaxes secret checks and allows loopback webhook targets."
    )
    database_url: str = Field(
        "",
        validation_alias=AliasChoices("DATABASE_URL", "VOIPBIN_DATABASE_URL"),
        description="PostgreSQL URL (postgresql+asyncpg://...). Empty: `voipbin dev` embeds one.",
    )
    redis_url: str = Field(
        "",
        validation_alias=AliasChoices("REDIS_URL", "VOIPBIN_REDIS_URL"),
        description="Redis URL. Empty: `voipbin dev` embeds one.",
    )
    redis_timeout_seconds: float = Field(
        1.0,
        gt=0,
        description="Redis connect and command timeout: short, so rate limits and the cache "
        "fail open quickly when Redis hangs (a refused connection fails at once anyway).",
    )
    temporal_address: str = Field(
        "",
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "VOIPBIN_TEMPORAL_ADDRESS"),
        description="Temporal frontend host:port. Empty: `voipbin dev` starts the dev server.",
    )
    temporal_namespace: str = Field("default", description="Temporal namespace.")
    api_host: str = Field("127.0.0.1", description="Interface the API binds.")
    api_port: int = Field(8000, description="Port the API binds (`voipbin api`).")
    log_level: str = Field("info", description="Log level (debug, info, warning, error).")
    log_json: bool = Field(True, description="JSON logs (structlog); false = console renderer.")
    db_pool_size: int = Field(10, description="SQLAlchemy pool size per process.")
    limits: LimitSettings = Field(default_factory=LimitSettings)  # type: ignore[arg-type]
    auth: AuthSettings = Field(default_factory=AuthSettings)  # type: ignore[arg-type]
    cache: CacheSettings = Field(default_factory=CacheSettings)  # type: ignore[arg-type]
    dev: DevSettings = Field(default_factory=DevSettings)  # type: ignore[arg-type]
    events: EventSettings = Field(default_factory=EventSettings)  # type: ignore[arg-type]
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)  # type: ignore[arg-type]
    flows: FlowSettings = Field(default_factory=FlowSettings)  # type: ignore[arg-type]
    numbers: NumberSettings = Field(default_factory=NumberSettings)  # type: ignore[arg-type]
    calls: CallSettings = Field(default_factory=CallSettings)  # type: ignore[arg-type]
    testcalls: TestCallSettings = Field(default_factory=TestCallSettings)  # type: ignore[arg-type]
    ari: AriSettings = Field(default_factory=AriSettings)  # type: ignore[arg-type]

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "production" and self.auth.jwt_secret in _PLACEHOLDER_SECRETS:
            raise ValueError("VOIPBIN_AUTH__JWT_SECRET must be set to a real secret in production")
        return self

    @property
    def async_database_url(self) -> str:
        """The URL with the asyncpg driver, whatever scheme the user wrote."""
        return to_asyncpg_url(self.database_url)


def to_asyncpg_url(url: str) -> str:
    for prefix in (
        "postgresql+asyncpg://",
        "postgresql+psycopg2://",
        "postgresql://",
        "postgres://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url
