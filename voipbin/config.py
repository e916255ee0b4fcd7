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
    max_cost: int = Field(5000, description="Cost budget of one GraphQL operation.")
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
    temporal_address: str = Field(
        "",
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "VOIPBIN_TEMPORAL_ADDRESS"),
        description="Temporal frontend host:port. Empty: `voipbin dev` starts the dev server.",
    )
    temporal_namespace: str = Field("default", description="Temporal namespace.")
    api_host: str = Field("127.0.0.1", description="Interface the API binds.")
    api_port: int = Field(8000, description="Port the API binds (`voipbin api`).")
    api_workers: int = Field(1, description="Hypercorn worker processes for `voipbin api`.")
    log_level: str = Field("info", description="Log level (debug, info, warning, error).")
    log_json: bool = Field(True, description="JSON logs (structlog); false = console renderer.")
    db_pool_size: int = Field(10, description="SQLAlchemy pool size per process.")
    limits: LimitSettings = Field(default_factory=LimitSettings)  # type: ignore[arg-type]
    auth: AuthSettings = Field(default_factory=AuthSettings)  # type: ignore[arg-type]
    cache: CacheSettings = Field(default_factory=CacheSettings)  # type: ignore[arg-type]
    dev: DevSettings = Field(default_factory=DevSettings)  # type: ignore[arg-type]

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
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url
