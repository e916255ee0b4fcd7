/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  subscription LiveEvents($topics: [String!]!) {\n    events(topics: $topics) {\n      eventId\n      eventType\n      timestamp\n      resourceType\n      resourceId\n      sequence\n      data\n    }\n  }\n": typeof types.LiveEventsDocument,
    "\n  query AccessKeys($first: Int, $after: String, $last: Int, $before: String) {\n    accessKeys(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail tokenPrefix expiresAt revokedAt tmCreate } }\n    }\n  }\n": typeof types.AccessKeysDocument,
    "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) { secret accessKey { id name } }\n  }\n": typeof types.CreateAccessKeyDocument,
    "\n  mutation RevokeAccessKey($id: UUID!) {\n    revokeAccessKey(id: $id) { id revokedAt }\n  }\n": typeof types.RevokeAccessKeyDocument,
    "\n  query Agents($first: Int, $after: String, $last: Int, $before: String) {\n    agents(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id username name status permissions disabled tmCreate } }\n    }\n  }\n": typeof types.AgentsDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id username }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation UpdateAgent($input: UpdateAgentInput!) {\n    updateAgent(input: $input) { id name permissions disabled }\n  }\n": typeof types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: UUID!) {\n    deleteAgent(id: $id) { id }\n  }\n": typeof types.DeleteAgentDocument,
    "\n  query AuditLogs($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {\n    auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id actorType action resourceType resourceId before after sourceIp tmCreate agent { username } }\n      }\n    }\n  }\n": typeof types.AuditLogsDocument,
    "\n  query Calls($first: Int, $after: String, $last: Int, $before: String) {\n    calls(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id status direction hangupReason tmCreate\n          source { target } destination { target }\n        }\n      }\n    }\n  }\n": typeof types.CallsDocument,
    "\n  query CallDetail($id: UUID!) {\n    call(id: $id) {\n      id status direction type hangupBy hangupReason action flowId activeflowId recordingIds\n      source { type target targetName } destination { type target targetName }\n      tmCreate tmRinging tmProgressing tmHangup\n    }\n  }\n": typeof types.CallDetailDocument,
    "\n  subscription CallLive($id: UUID!) {\n    callUpdated(id: $id) {\n      id status hangupBy hangupReason action activeflowId recordingIds tmRinging tmProgressing tmHangup\n    }\n  }\n": typeof types.CallLiveDocument,
    "\n  query FlowPosition($id: UUID!) {\n    activeflow(id: $id) { id status flowId currentAction executedActions }\n  }\n": typeof types.FlowPositionDocument,
    "\n  query CallRecordings($callId: UUID!) {\n    recordings(first: 20, filter: { referenceId: $callId }) {\n      edges { node { id status format tmStart tmEnd downloadUrl } }\n    }\n  }\n": typeof types.CallRecordingsDocument,
    "\n  query DashboardSnapshot {\n    calls(first: 50) { edges { node { id status tmUpdate } } }\n    activeflows(first: 50, filter: { status: RUNNING }) { edges { node { id status tmUpdate } } }\n  }\n": typeof types.DashboardSnapshotDocument,
    "\n  query Flows($first: Int, $after: String, $last: Int, $before: String) {\n    flows(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail type actions { id } tmUpdate } }\n    }\n  }\n": typeof types.FlowsDocument,
    "\n  query Flow($id: UUID!) {\n    flow(id: $id) { id name detail actions { id type option nextId } }\n  }\n": typeof types.FlowDocument,
    "\n  mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { id } }\n": typeof types.CreateFlowDocument,
    "\n  mutation UpdateFlow($input: UpdateFlowInput!) { updateFlow(input: $input) { id } }\n": typeof types.UpdateFlowDocument,
    "\n  mutation DeleteFlow($id: UUID!) { deleteFlow(id: $id) { id } }\n": typeof types.DeleteFlowDocument,
    "\n  query ValidateFlow($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }\n": typeof types.ValidateFlowDocument,
    "\n  query Numbers($first: Int, $after: String, $last: Int, $before: String) {\n    numbers(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id number name type status callFlowId messageFlowId tmCreate } }\n    }\n  }\n": typeof types.NumbersDocument,
    "\n  query FlowChoices { flows(first: 100) { edges { node { id name } } } }\n": typeof types.FlowChoicesDocument,
    "\n  query AvailableNumbers($countryCode: String!) {\n    availableNumbers(countryCode: $countryCode, first: 5) { number country region features }\n  }\n": typeof types.AvailableNumbersDocument,
    "\n  mutation CreateNumber($input: CreateNumberInput!) { createNumber(input: $input) { id number } }\n": typeof types.CreateNumberDocument,
    "\n  mutation UpdateNumber($input: UpdateNumberInput!) { updateNumber(input: $input) { id callFlowId messageFlowId } }\n": typeof types.UpdateNumberDocument,
    "\n  mutation DeleteNumber($id: UUID!) { deleteNumber(id: $id) { id } }\n": typeof types.DeleteNumberDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      refreshToken\n      expiresAt\n      customer { id name }\n      agent { username }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query TestCallNumbers { numbers(first: 100) { edges { node { id number name callFlowId } } } }\n": typeof types.TestCallNumbersDocument,
    "\n  mutation PlaceTestCall($input: PlaceTestCallInput!) {\n    placeTestCall(input: $input) { channelId node from to }\n  }\n": typeof types.PlaceTestCallDocument,
    "\n  query Webhooks($first: Int, $after: String, $last: Int, $before: String) {\n    webhooks(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name uri method eventTypes enabled disabledReason tmLastSuccess tmCreate } }\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  query WebhookDeliveries($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id webhookId eventType status attemptCount lastStatusCode lastError tmCreate\n          attempts { number statusCode latencyMs error tmAttempt }\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { signingSecret webhook { id } }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) { id enabled }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: UUID!) { deleteWebhook(id: $id) { id } }\n": typeof types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSigningSecret($id: UUID!) {\n    rotateWebhookSigningSecret(id: $id) { signingSecret webhook { id } }\n  }\n": typeof types.RotateWebhookSigningSecretDocument,
    "\n  mutation TestWebhook($id: UUID) {\n    testWebhook(id: $id) { delivered statusCode latencyMs error }\n  }\n": typeof types.TestWebhookDocument,
    "\n  mutation ReplayWebhookDelivery($id: UUID!) { replayWebhookDelivery(id: $id) { id status } }\n": typeof types.ReplayWebhookDeliveryDocument,
};
const documents: Documents = {
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  subscription LiveEvents($topics: [String!]!) {\n    events(topics: $topics) {\n      eventId\n      eventType\n      timestamp\n      resourceType\n      resourceId\n      sequence\n      data\n    }\n  }\n": types.LiveEventsDocument,
    "\n  query AccessKeys($first: Int, $after: String, $last: Int, $before: String) {\n    accessKeys(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail tokenPrefix expiresAt revokedAt tmCreate } }\n    }\n  }\n": types.AccessKeysDocument,
    "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) { secret accessKey { id name } }\n  }\n": types.CreateAccessKeyDocument,
    "\n  mutation RevokeAccessKey($id: UUID!) {\n    revokeAccessKey(id: $id) { id revokedAt }\n  }\n": types.RevokeAccessKeyDocument,
    "\n  query Agents($first: Int, $after: String, $last: Int, $before: String) {\n    agents(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id username name status permissions disabled tmCreate } }\n    }\n  }\n": types.AgentsDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id username }\n  }\n": types.CreateAgentDocument,
    "\n  mutation UpdateAgent($input: UpdateAgentInput!) {\n    updateAgent(input: $input) { id name permissions disabled }\n  }\n": types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: UUID!) {\n    deleteAgent(id: $id) { id }\n  }\n": types.DeleteAgentDocument,
    "\n  query AuditLogs($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {\n    auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id actorType action resourceType resourceId before after sourceIp tmCreate agent { username } }\n      }\n    }\n  }\n": types.AuditLogsDocument,
    "\n  query Calls($first: Int, $after: String, $last: Int, $before: String) {\n    calls(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id status direction hangupReason tmCreate\n          source { target } destination { target }\n        }\n      }\n    }\n  }\n": types.CallsDocument,
    "\n  query CallDetail($id: UUID!) {\n    call(id: $id) {\n      id status direction type hangupBy hangupReason action flowId activeflowId recordingIds\n      source { type target targetName } destination { type target targetName }\n      tmCreate tmRinging tmProgressing tmHangup\n    }\n  }\n": types.CallDetailDocument,
    "\n  subscription CallLive($id: UUID!) {\n    callUpdated(id: $id) {\n      id status hangupBy hangupReason action activeflowId recordingIds tmRinging tmProgressing tmHangup\n    }\n  }\n": types.CallLiveDocument,
    "\n  query FlowPosition($id: UUID!) {\n    activeflow(id: $id) { id status flowId currentAction executedActions }\n  }\n": types.FlowPositionDocument,
    "\n  query CallRecordings($callId: UUID!) {\n    recordings(first: 20, filter: { referenceId: $callId }) {\n      edges { node { id status format tmStart tmEnd downloadUrl } }\n    }\n  }\n": types.CallRecordingsDocument,
    "\n  query DashboardSnapshot {\n    calls(first: 50) { edges { node { id status tmUpdate } } }\n    activeflows(first: 50, filter: { status: RUNNING }) { edges { node { id status tmUpdate } } }\n  }\n": types.DashboardSnapshotDocument,
    "\n  query Flows($first: Int, $after: String, $last: Int, $before: String) {\n    flows(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail type actions { id } tmUpdate } }\n    }\n  }\n": types.FlowsDocument,
    "\n  query Flow($id: UUID!) {\n    flow(id: $id) { id name detail actions { id type option nextId } }\n  }\n": types.FlowDocument,
    "\n  mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { id } }\n": types.CreateFlowDocument,
    "\n  mutation UpdateFlow($input: UpdateFlowInput!) { updateFlow(input: $input) { id } }\n": types.UpdateFlowDocument,
    "\n  mutation DeleteFlow($id: UUID!) { deleteFlow(id: $id) { id } }\n": types.DeleteFlowDocument,
    "\n  query ValidateFlow($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }\n": types.ValidateFlowDocument,
    "\n  query Numbers($first: Int, $after: String, $last: Int, $before: String) {\n    numbers(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id number name type status callFlowId messageFlowId tmCreate } }\n    }\n  }\n": types.NumbersDocument,
    "\n  query FlowChoices { flows(first: 100) { edges { node { id name } } } }\n": types.FlowChoicesDocument,
    "\n  query AvailableNumbers($countryCode: String!) {\n    availableNumbers(countryCode: $countryCode, first: 5) { number country region features }\n  }\n": types.AvailableNumbersDocument,
    "\n  mutation CreateNumber($input: CreateNumberInput!) { createNumber(input: $input) { id number } }\n": types.CreateNumberDocument,
    "\n  mutation UpdateNumber($input: UpdateNumberInput!) { updateNumber(input: $input) { id callFlowId messageFlowId } }\n": types.UpdateNumberDocument,
    "\n  mutation DeleteNumber($id: UUID!) { deleteNumber(id: $id) { id } }\n": types.DeleteNumberDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      refreshToken\n      expiresAt\n      customer { id name }\n      agent { username }\n    }\n  }\n": types.LoginDocument,
    "\n  query TestCallNumbers { numbers(first: 100) { edges { node { id number name callFlowId } } } }\n": types.TestCallNumbersDocument,
    "\n  mutation PlaceTestCall($input: PlaceTestCallInput!) {\n    placeTestCall(input: $input) { channelId node from to }\n  }\n": types.PlaceTestCallDocument,
    "\n  query Webhooks($first: Int, $after: String, $last: Int, $before: String) {\n    webhooks(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name uri method eventTypes enabled disabledReason tmLastSuccess tmCreate } }\n    }\n  }\n": types.WebhooksDocument,
    "\n  query WebhookDeliveries($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id webhookId eventType status attemptCount lastStatusCode lastError tmCreate\n          attempts { number statusCode latencyMs error tmAttempt }\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { signingSecret webhook { id } }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) { id enabled }\n  }\n": types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: UUID!) { deleteWebhook(id: $id) { id } }\n": types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSigningSecret($id: UUID!) {\n    rotateWebhookSigningSecret(id: $id) { signingSecret webhook { id } }\n  }\n": types.RotateWebhookSigningSecretDocument,
    "\n  mutation TestWebhook($id: UUID) {\n    testWebhook(id: $id) { delivered statusCode latencyMs error }\n  }\n": types.TestWebhookDocument,
    "\n  mutation ReplayWebhookDelivery($id: UUID!) { replayWebhookDelivery(id: $id) { id status } }\n": types.ReplayWebhookDeliveryDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): (typeof documents)["\n  mutation Logout { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveEvents($topics: [String!]!) {\n    events(topics: $topics) {\n      eventId\n      eventType\n      timestamp\n      resourceType\n      resourceId\n      sequence\n      data\n    }\n  }\n"): (typeof documents)["\n  subscription LiveEvents($topics: [String!]!) {\n    events(topics: $topics) {\n      eventId\n      eventType\n      timestamp\n      resourceType\n      resourceId\n      sequence\n      data\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccessKeys($first: Int, $after: String, $last: Int, $before: String) {\n    accessKeys(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail tokenPrefix expiresAt revokedAt tmCreate } }\n    }\n  }\n"): (typeof documents)["\n  query AccessKeys($first: Int, $after: String, $last: Int, $before: String) {\n    accessKeys(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail tokenPrefix expiresAt revokedAt tmCreate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) { secret accessKey { id name } }\n  }\n"): (typeof documents)["\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) { secret accessKey { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAccessKey($id: UUID!) {\n    revokeAccessKey(id: $id) { id revokedAt }\n  }\n"): (typeof documents)["\n  mutation RevokeAccessKey($id: UUID!) {\n    revokeAccessKey(id: $id) { id revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agents($first: Int, $after: String, $last: Int, $before: String) {\n    agents(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id username name status permissions disabled tmCreate } }\n    }\n  }\n"): (typeof documents)["\n  query Agents($first: Int, $after: String, $last: Int, $before: String) {\n    agents(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id username name status permissions disabled tmCreate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id username }\n  }\n"): (typeof documents)["\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id username }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAgent($input: UpdateAgentInput!) {\n    updateAgent(input: $input) { id name permissions disabled }\n  }\n"): (typeof documents)["\n  mutation UpdateAgent($input: UpdateAgentInput!) {\n    updateAgent(input: $input) { id name permissions disabled }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAgent($id: UUID!) {\n    deleteAgent(id: $id) { id }\n  }\n"): (typeof documents)["\n  mutation DeleteAgent($id: UUID!) {\n    deleteAgent(id: $id) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLogs($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {\n    auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id actorType action resourceType resourceId before after sourceIp tmCreate agent { username } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLogs($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {\n    auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id actorType action resourceType resourceId before after sourceIp tmCreate agent { username } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Calls($first: Int, $after: String, $last: Int, $before: String) {\n    calls(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id status direction hangupReason tmCreate\n          source { target } destination { target }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Calls($first: Int, $after: String, $last: Int, $before: String) {\n    calls(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id status direction hangupReason tmCreate\n          source { target } destination { target }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CallDetail($id: UUID!) {\n    call(id: $id) {\n      id status direction type hangupBy hangupReason action flowId activeflowId recordingIds\n      source { type target targetName } destination { type target targetName }\n      tmCreate tmRinging tmProgressing tmHangup\n    }\n  }\n"): (typeof documents)["\n  query CallDetail($id: UUID!) {\n    call(id: $id) {\n      id status direction type hangupBy hangupReason action flowId activeflowId recordingIds\n      source { type target targetName } destination { type target targetName }\n      tmCreate tmRinging tmProgressing tmHangup\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CallLive($id: UUID!) {\n    callUpdated(id: $id) {\n      id status hangupBy hangupReason action activeflowId recordingIds tmRinging tmProgressing tmHangup\n    }\n  }\n"): (typeof documents)["\n  subscription CallLive($id: UUID!) {\n    callUpdated(id: $id) {\n      id status hangupBy hangupReason action activeflowId recordingIds tmRinging tmProgressing tmHangup\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FlowPosition($id: UUID!) {\n    activeflow(id: $id) { id status flowId currentAction executedActions }\n  }\n"): (typeof documents)["\n  query FlowPosition($id: UUID!) {\n    activeflow(id: $id) { id status flowId currentAction executedActions }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CallRecordings($callId: UUID!) {\n    recordings(first: 20, filter: { referenceId: $callId }) {\n      edges { node { id status format tmStart tmEnd downloadUrl } }\n    }\n  }\n"): (typeof documents)["\n  query CallRecordings($callId: UUID!) {\n    recordings(first: 20, filter: { referenceId: $callId }) {\n      edges { node { id status format tmStart tmEnd downloadUrl } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSnapshot {\n    calls(first: 50) { edges { node { id status tmUpdate } } }\n    activeflows(first: 50, filter: { status: RUNNING }) { edges { node { id status tmUpdate } } }\n  }\n"): (typeof documents)["\n  query DashboardSnapshot {\n    calls(first: 50) { edges { node { id status tmUpdate } } }\n    activeflows(first: 50, filter: { status: RUNNING }) { edges { node { id status tmUpdate } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Flows($first: Int, $after: String, $last: Int, $before: String) {\n    flows(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail type actions { id } tmUpdate } }\n    }\n  }\n"): (typeof documents)["\n  query Flows($first: Int, $after: String, $last: Int, $before: String) {\n    flows(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name detail type actions { id } tmUpdate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Flow($id: UUID!) {\n    flow(id: $id) { id name detail actions { id type option nextId } }\n  }\n"): (typeof documents)["\n  query Flow($id: UUID!) {\n    flow(id: $id) { id name detail actions { id type option nextId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { id } }\n"): (typeof documents)["\n  mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateFlow($input: UpdateFlowInput!) { updateFlow(input: $input) { id } }\n"): (typeof documents)["\n  mutation UpdateFlow($input: UpdateFlowInput!) { updateFlow(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFlow($id: UUID!) { deleteFlow(id: $id) { id } }\n"): (typeof documents)["\n  mutation DeleteFlow($id: UUID!) { deleteFlow(id: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidateFlow($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }\n"): (typeof documents)["\n  query ValidateFlow($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Numbers($first: Int, $after: String, $last: Int, $before: String) {\n    numbers(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id number name type status callFlowId messageFlowId tmCreate } }\n    }\n  }\n"): (typeof documents)["\n  query Numbers($first: Int, $after: String, $last: Int, $before: String) {\n    numbers(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id number name type status callFlowId messageFlowId tmCreate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FlowChoices { flows(first: 100) { edges { node { id name } } } }\n"): (typeof documents)["\n  query FlowChoices { flows(first: 100) { edges { node { id name } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AvailableNumbers($countryCode: String!) {\n    availableNumbers(countryCode: $countryCode, first: 5) { number country region features }\n  }\n"): (typeof documents)["\n  query AvailableNumbers($countryCode: String!) {\n    availableNumbers(countryCode: $countryCode, first: 5) { number country region features }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateNumber($input: CreateNumberInput!) { createNumber(input: $input) { id number } }\n"): (typeof documents)["\n  mutation CreateNumber($input: CreateNumberInput!) { createNumber(input: $input) { id number } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateNumber($input: UpdateNumberInput!) { updateNumber(input: $input) { id callFlowId messageFlowId } }\n"): (typeof documents)["\n  mutation UpdateNumber($input: UpdateNumberInput!) { updateNumber(input: $input) { id callFlowId messageFlowId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteNumber($id: UUID!) { deleteNumber(id: $id) { id } }\n"): (typeof documents)["\n  mutation DeleteNumber($id: UUID!) { deleteNumber(id: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      refreshToken\n      expiresAt\n      customer { id name }\n      agent { username }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      refreshToken\n      expiresAt\n      customer { id name }\n      agent { username }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestCallNumbers { numbers(first: 100) { edges { node { id number name callFlowId } } } }\n"): (typeof documents)["\n  query TestCallNumbers { numbers(first: 100) { edges { node { id number name callFlowId } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaceTestCall($input: PlaceTestCallInput!) {\n    placeTestCall(input: $input) { channelId node from to }\n  }\n"): (typeof documents)["\n  mutation PlaceTestCall($input: PlaceTestCallInput!) {\n    placeTestCall(input: $input) { channelId node from to }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks($first: Int, $after: String, $last: Int, $before: String) {\n    webhooks(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name uri method eventTypes enabled disabledReason tmLastSuccess tmCreate } }\n    }\n  }\n"): (typeof documents)["\n  query Webhooks($first: Int, $after: String, $last: Int, $before: String) {\n    webhooks(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { node { id name uri method eventTypes enabled disabledReason tmLastSuccess tmCreate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id webhookId eventType status attemptCount lastStatusCode lastError tmCreate\n          attempts { number statusCode latencyMs error tmAttempt }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookDeliveryFilter) {\n    webhookDeliveries(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node {\n          id webhookId eventType status attemptCount lastStatusCode lastError tmCreate\n          attempts { number statusCode latencyMs error tmAttempt }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { signingSecret webhook { id } }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { signingSecret webhook { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) { id enabled }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) { id enabled }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: UUID!) { deleteWebhook(id: $id) { id } }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: UUID!) { deleteWebhook(id: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSigningSecret($id: UUID!) {\n    rotateWebhookSigningSecret(id: $id) { signingSecret webhook { id } }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSigningSecret($id: UUID!) {\n    rotateWebhookSigningSecret(id: $id) { signingSecret webhook { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestWebhook($id: UUID) {\n    testWebhook(id: $id) { delivered statusCode latencyMs error }\n  }\n"): (typeof documents)["\n  mutation TestWebhook($id: UUID) {\n    testWebhook(id: $id) { delivered statusCode latencyMs error }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookDelivery($id: UUID!) { replayWebhookDelivery(id: $id) { id status } }\n"): (typeof documents)["\n  mutation ReplayWebhookDelivery($id: UUID!) { replayWebhookDelivery(id: $id) { id status } }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;