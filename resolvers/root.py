"""Composes the per-domain query/mutation classes into one schema (PyCon's pattern)."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from resolvers.access_keys import AccessKeyMutations, AccessKeyQueries
from resolvers.activeflows import ActiveflowMutations, ActiveflowQueries
from resolvers.agents import AgentMutations, AgentQueries
from resolvers.audit import AuditQueries
from resolvers.auth import AuthMutations, AuthQueries
from resolvers.calls import CallMutations, CallQueries, CallSubscriptions
from resolvers.customers import CustomerMutations, CustomerQueries
from resolvers.errors import ErrorCodeExtension
from resolvers.events import EventSubscriptions
from resolvers.flows import FlowMutations, FlowQueries
from resolvers.limits import complexity_rule
from resolvers.numbers import NumberMutations, NumberQueries
from resolvers.recordings import RecordingQueries
from resolvers.testcalls import TestCallMutations
from resolvers.webhooks import WebhookMutations, WebhookQueries
from voipbin.config import LimitSettings


@strawberry.type
class Query(
    FlowQueries,
    NumberQueries,
    AuthQueries,
    CustomerQueries,
    AgentQueries,
    AccessKeyQueries,
    AuditQueries,
    WebhookQueries,
    CallQueries,
    ActiveflowQueries,
    RecordingQueries,
):
    pass


@strawberry.type
class Mutation(
    FlowMutations,
    NumberMutations,
    AuthMutations,
    CustomerMutations,
    AgentMutations,
    AccessKeyMutations,
    WebhookMutations,
    TestCallMutations,
    CallMutations,
    ActiveflowMutations,
):
    pass


@strawberry.type
class Subscription(EventSubscriptions, CallSubscriptions):
    pass


class VoipbinSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Logged once, after mapping, by ErrorCodeExtension (INTERNAL only): expected
        # errors are not server faults and must not fill the logs with tracebacks.
        return None


def build_schema(limits: LimitSettings | None = None) -> strawberry.Schema:
    limits = limits or LimitSettings()  # type: ignore[call-arg]
    rules: list[Any] = [
        complexity_rule(limits.max_depth, limits.max_aliases, limits.max_cost, limits.max_page_size)
    ]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return VoipbinSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            ErrorCodeExtension,
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
            lambda: AddValidationRules(rules),
        ],
    )
