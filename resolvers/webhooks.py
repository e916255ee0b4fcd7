from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.common import Connection
from schema.webhooks import (
    CreateWebhookInput,
    UpdateWebhookInput,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryFilter,
    WebhookTestResult,
    WebhookWithSecret,
)
from voipbin.webhooks.service import DeliveryFilter, WebhookFields


@strawberry.type
class WebhookQueries:
    @strawberry.field
    async def webhook(self, info: Info, id: UUID) -> Webhook:
        return Webhook.from_model(await info.context.services.webhooks.get(info.context.user, id))

    @strawberry.field
    async def webhooks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Webhook]:
        page = await info.context.services.webhooks.list_page(
            info.context.user, page_args(first, after, last, before)
        )
        return Connection[Webhook].from_page(page, Webhook.from_model)

    @strawberry.field
    async def webhook_deliveries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: WebhookDeliveryFilter | None = None,
    ) -> Connection[WebhookDelivery]:
        f = filter or WebhookDeliveryFilter()
        page = await info.context.services.webhooks.deliveries(
            info.context.user,
            page_args(first, after, last, before),
            DeliveryFilter(
                f.webhook_id, f.status.value if f.status else None, f.event_type, f.event_id
            ),
        )
        return Connection[WebhookDelivery].from_page(page, WebhookDelivery.from_model)

    @strawberry.field(
        description="Deliveries the endpoint missed (skipped while disabled, or "
        "failed) since it last succeeded: what replay would resend."
    )
    async def webhook_missed_delivery_count(self, info: Info, id: UUID) -> int:
        return await info.context.services.webhooks.missed_count(info.context.user, id)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> WebhookWithSecret:
        row, secret = await info.context.services.webhooks.create(
            info.context.user,
            info.context.meta,
            WebhookFields(
                name=input.name,
                uri=input.uri,
                method=input.method.value,
                event_types=input.event_types,
                enabled=input.enabled,
            ),
        )
        return WebhookWithSecret(webhook=Webhook.from_model(row), signing_secret=secret)

    @strawberry.mutation
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> Webhook:
        row = await info.context.services.webhooks.update(
            info.context.user,
            info.context.meta,
            input.id,
            WebhookFields(
                name=input.name,
                uri=input.uri,
                method=input.method.value if input.method else None,
                event_types=input.event_types,
                enabled=input.enabled,
            ),
        )
        return Webhook.from_model(row)

    @strawberry.mutation
    async def delete_webhook(self, info: Info, id: UUID) -> Webhook:
        row = await info.context.services.webhooks.delete(info.context.user, info.context.meta, id)
        return Webhook.from_model(row)

    @strawberry.mutation
    async def rotate_webhook_signing_secret(self, info: Info, id: UUID) -> WebhookWithSecret:
        row, secret = await info.context.services.webhooks.rotate_secret(
            info.context.user, info.context.meta, id
        )
        return WebhookWithSecret(webhook=Webhook.from_model(row), signing_secret=secret)

    @strawberry.mutation
    async def replay_webhook_delivery(self, info: Info, id: UUID) -> WebhookDelivery:
        row = await info.context.services.webhooks.replay_delivery(
            info.context.user, info.context.meta, id
        )
        return WebhookDelivery.from_model(row)

    @strawberry.mutation(description="Replays what the endpoint missed; returns how many.")
    async def replay_missed_webhook_deliveries(self, info: Info, id: UUID) -> int:
        return await info.context.services.webhooks.replay_missed(
            info.context.user, info.context.meta, id
        )

    @strawberry.mutation(description="Sends a signed `webhook_ping` now (no id: your webhookUri).")
    async def test_webhook(self, info: Info, id: UUID | None = None) -> WebhookTestResult:
        result = await info.context.services.webhooks.test(info.context.user, id)
        return WebhookTestResult.from_result(result)
