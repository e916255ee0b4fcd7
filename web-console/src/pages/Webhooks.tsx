import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Field, Pager, Secret, When, fieldError, usePager } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';

const WebhooksQuery = graphql(`
  query Webhooks($first: Int, $after: String, $last: Int, $before: String) {
    webhooks(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name uri method eventTypes enabled disabledReason tmLastSuccess tmCreate } }
    }
  }
`);

const DeliveriesQuery = graphql(`
  query WebhookDeliveries($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookDeliveryFilter) {
    webhookDeliveries(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        node {
          id webhookId eventType status attemptCount lastStatusCode lastError tmCreate
          attempts { number statusCode latencyMs error tmAttempt }
        }
      }
    }
  }
`);

const CreateWebhook = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) { signingSecret webhook { id } }
  }
`);
const UpdateWebhook = graphql(`
  mutation UpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) { id enabled }
  }
`);
const DeleteWebhook = graphql(`
  mutation DeleteWebhook($id: UUID!) { deleteWebhook(id: $id) { id } }
`);
const RotateSecret = graphql(`
  mutation RotateWebhookSigningSecret($id: UUID!) {
    rotateWebhookSigningSecret(id: $id) { signingSecret webhook { id } }
  }
`);
const TestWebhook = graphql(`
  mutation TestWebhook($id: UUID) {
    testWebhook(id: $id) { delivered statusCode latencyMs error }
  }
`);
const Replay = graphql(`
  mutation ReplayWebhookDelivery($id: UUID!) { replayWebhookDelivery(id: $id) { id status } }
`);

function Deliveries({ webhookId }: { webhookId: string | null }) {
  const [vars, go] = usePager();
  const [result, refetch] = useQuery({
    query: DeliveriesQuery,
    variables: { ...vars, filter: webhookId ? { webhookId } : null },
  });
  const [, replay] = useMutation(Replay);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const conn = result.data?.webhookDeliveries;
  const [notice, setNotice] = useState('');
  const onReplay = async (id: string) => {
    const r = await replay({ id });
    setProblems(problemsOf(r.error));
    setNotice(r.data ? `Delivery replayed: now ${r.data.replayWebhookDelivery.status.toLowerCase()}.` : '');
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <section aria-labelledby="h-deliveries">
      <div className="toolbar">
        <h2 id="h-deliveries">Deliveries{webhookId ? ' of the selected endpoint' : ''}</h2>
        <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>Refresh deliveries</button>
      </div>
      <ErrorBanner error={result.error} />
      <ErrorBanner problems={problems} />
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {conn && conn.totalCount === 0 ? (
        <Empty title="No deliveries yet">Each event sent to an endpoint shows here with every attempt. Use “Send test ping” to try one.</Empty>
      ) : null}
      {conn?.edges.map(({ node }) => (
        <details key={node.id} className="delivery">
          <summary>
            <span className={`status status-${node.status.toLowerCase()}`}>{node.status.toLowerCase()}</span>{' '}
            <strong>{node.eventType}</strong> · {node.attemptCount} attempt{node.attemptCount === 1 ? '' : 's'}
            {node.lastStatusCode ? ` · HTTP ${node.lastStatusCode}` : ''} · <When at={node.tmCreate} />
          </summary>
          {node.lastError ? <p className="muted">Last error: {node.lastError}</p> : null}
          <ol>
            {node.attempts.map((a) => (
              <li key={a.number}>
                Attempt {a.number}: {a.statusCode ? `HTTP ${a.statusCode}` : a.error || 'no answer'} in{' '}
                {Math.round(a.latencyMs)} ms, <When at={a.tmAttempt} />
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => void onReplay(node.id)}>Replay this delivery</button>
        </details>
      ))}
      {conn ? <Pager info={conn.pageInfo} total={conn.totalCount} go={go} /> : null}
    </section>
  );
}

export function Webhooks() {
  const [vars, go, reset] = usePager();
  const [result, refetch] = useQuery({ query: WebhooksQuery, variables: vars });
  const [state, create] = useMutation(CreateWebhook);
  const [, update] = useMutation(UpdateWebhook);
  const [, remove] = useMutation(DeleteWebhook);
  const [, rotate] = useMutation(RotateSecret);
  const [, test] = useMutation(TestWebhook);
  const [uri, setUri] = useState('');
  const [name, setName] = useState('');
  const [eventTypes, setEventTypes] = useState('');
  const [secret, setSecret] = useState('');
  const [notice, setNotice] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const conn = result.data?.webhooks;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const types = eventTypes.split(',').map((t) => t.trim()).filter(Boolean);
    const r = await create({ input: { uri, name, eventTypes: types } });
    setProblems(problemsOf(r.error));
    if (r.data) {
      setSecret(r.data.createWebhook.signingSecret);
      setUri('');
      setName('');
      setEventTypes('');
      reset();
      reload();
    }
  };
  const act = async (run: () => Promise<{ error?: Parameters<typeof problemsOf>[0] }>) => {
    const r = await run();
    setProblems(problemsOf(r.error));
    reload();
  };
  const ping = async (id: string | null) => {
    const r = await test({ id });
    setProblems(problemsOf(r.error));
    const t = r.data?.testWebhook;
    if (t) {
      setNotice(
        t.delivered
          ? `Test ping delivered: HTTP ${t.statusCode ?? ''} in ${Math.round(t.latencyMs)} ms.`
          : `Test ping failed: ${t.statusCode ? `HTTP ${t.statusCode}` : t.error || 'no answer'}.`,
      );
    }
  };

  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">voipbin signs and sends your events to these endpoints, retrying for up to three days.</p>
      <form onSubmit={submit} className="card" aria-label="New webhook endpoint">
        <h2>New endpoint</h2>
        <ErrorBanner problems={problems.filter((p) => !p.field)} />
        <div className="row">
          <Field label="URL" type="url" value={uri} onChange={setUri} required placeholder="https://example.com/voipbin" error={fieldError(problems, 'uri')} />
          <Field label="Name" value={name} onChange={setName} error={fieldError(problems, 'name')} />
          <Field label="Event types" value={eventTypes} onChange={setEventTypes} hint="Comma-separated; empty means every event" error={fieldError(problems, 'eventTypes')} />
        </div>
        <button type="submit" className="primary" disabled={state.fetching}>Add endpoint</button>{' '}
        <button type="button" onClick={() => void ping(null)}>Send test ping to your account webhook URL</button>
      </form>
      {secret ? <Secret label="Signing secret" value={secret} /> : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      <ErrorBanner error={result.error} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="No endpoints">Add the URL of your server above to receive call and message events.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Webhook endpoints</caption>
            <thead>
              <tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Last success</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id} aria-selected={selected === node.id}>
                  <td>{node.name || <span className="muted">(no name)</span>}<div><code>{node.method} {node.uri}</code></div></td>
                  <td>{node.eventTypes.length ? node.eventTypes.join(', ') : 'all'}</td>
                  <td>{node.enabled ? 'enabled' : `disabled${node.disabledReason ? `: ${node.disabledReason}` : ''}`}</td>
                  <td><When at={node.tmLastSuccess} /></td>
                  <td className="actions">
                    <button type="button" onClick={() => setSelected(node.id)}>Deliveries</button>
                    <button type="button" onClick={() => void ping(node.id)}>Send test ping</button>
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          const r = await rotate({ id: node.id });
                          if (r.data) setSecret(r.data.rotateWebhookSigningSecret.signingSecret);
                          return r;
                        })
                      }
                    >
                      Rotate secret
                    </button>
                    <button type="button" onClick={() => void act(() => update({ input: { id: node.id, enabled: !node.enabled } }))}>
                      {node.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => window.confirm('Delete this endpoint?') && void act(() => remove({ id: node.id }))}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {conn ? <Pager info={conn.pageInfo} total={conn.totalCount} go={go} /> : null}
      <Deliveries webhookId={selected} />
    </>
  );
}
