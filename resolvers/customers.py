from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.common import Connection
from schema.customers import (
    CreateCustomerInput,
    Customer,
    UpdateCustomerInput,
    WebhookSecret,
)
from voipbin.customers.service import CreateCustomer, UpdateCustomer


@strawberry.type
class CustomerQueries:
    @strawberry.field(description="Your own customer; a platform admin may pass any id.")
    async def customer(self, info: Info, id: UUID | None = None) -> Customer:
        row = await info.context.services.customers.get(info.context.user, id)
        return Customer.from_model(row)

    @strawberry.field(description="Every customer (platform admin).")
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Customer]:
        page = await info.context.services.customers.list_page(
            info.context.user, page_args(first, after, last, before)
        )
        return Connection[Customer].from_page(page, Customer.from_model)


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(
        description="Create a customer with its first admin login (platform admin)."
    )
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> Customer:
        row = await info.context.services.customers.create(
            info.context.user,
            info.context.meta,
            CreateCustomer(
                name=input.name,
                email=input.email,
                admin_username=input.admin_username,
                admin_password=input.admin_password,
                detail=input.detail,
                webhook_uri=input.webhook_uri,
                webhook_method=input.webhook_method.value,
            ),
        )
        return Customer.from_model(row)

    @strawberry.mutation(description="Update your customer (customer admin).")
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> Customer:
        row = await info.context.services.customers.update(
            info.context.user,
            info.context.meta,
            UpdateCustomer(
                name=input.name,
                detail=input.detail,
                email=input.email,
                phone_number=input.phone_number,
                address=input.address,
                webhook_uri=input.webhook_uri,
                webhook_method=input.webhook_method.value if input.webhook_method else None,
                webhook_enabled=input.webhook_enabled,
            ),
        )
        return Customer.from_model(row)

    @strawberry.mutation(description="New customer-level webhook signing secret, shown once.")
    async def rotate_webhook_secret(self, info: Info) -> WebhookSecret:
        secret = await info.context.services.customers.rotate_webhook_secret(
            info.context.user, info.context.meta
        )
        return WebhookSecret(secret=secret)
