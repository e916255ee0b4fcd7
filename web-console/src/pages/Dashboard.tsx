import { useQuery } from 'urql';
import { ErrorBanner, Empty, LiveBadge, When } from '../components/ui';
import { graphql } from '../gql';
import { useLiveEvents, type LiveResource } from '../live';
import { Link } from '../router';

// What is live right now, read once when the page opens; the subscription takes over from
// there (a resource's newest event replaces its snapshot row).
const DashboardSnapshot = graphql(`
  query DashboardSnapshot {
    calls(first: 50) { edges { node { id status tmUpdate } } }
    activeflows(first: 50, filter: { status: RUNNING }) { edges { node { id status tmUpdate } } }
  }
`);

function snapshotRow(type: string, node: { id: string; status: string; tmUpdate: string }): LiveResource {
  return {
    id: node.id,
    type,
    status: node.status.toLowerCase(),
    lastEvent: '(when the page opened)',
    timestamp: node.tmUpdate,
    data: {},
    history: [],
  };
}

function ResourceTable({ title, rows, empty }: { title: string; rows: LiveResource[]; empty: string }) {
  return (
    <section aria-labelledby={`h-${title}`}>
      <h2 id={`h-${title}`}>{title}</h2>
      {rows.length === 0 ? (
        <Empty title={`No ${title.toLowerCase()} right now`}>{empty}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Last event</th><th scope="col">At</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid={`live-${r.type}`}>
                  <td>{r.type === 'call' ? <Link to={`/calls/${r.id}`}><code>{r.id.slice(0, 8)}</code></Link> : <code>{r.id.slice(0, 8)}</code>}</td>
                  <td><span className={`status status-${r.status}`}>{r.status}</span></td>
                  <td>{r.lastEvent}</td>
                  <td><When at={r.timestamp} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function Dashboard({ customerId }: { customerId: string }) {
  const { events, resources, error } = useLiveEvents(customerId);
  const [snapshot] = useQuery({ query: DashboardSnapshot, requestPolicy: 'network-only' });
  const merged = new Map<string, LiveResource>();
  for (const { node } of snapshot.data?.calls.edges ?? []) {
    if (node.status !== 'HANGUP') merged.set(node.id, snapshotRow('call', node));
  }
  for (const { node } of snapshot.data?.activeflows.edges ?? []) merged.set(node.id, snapshotRow('activeflow', node));
  for (const [id, live] of resources) merged.set(id, live);
  const all = [...merged.values()];
  const calls = all.filter((r) => r.type === 'call');
  const flows = all.filter((r) => r.type === 'activeflow');
  return (
    <>
      <h1>Dashboard <LiveBadge /></h1>
      <p className="muted">Everything here updates live over a subscription; no need to reload.</p>
      <ErrorBanner error={error ?? snapshot.error} />
      <div className="grid">
        <ResourceTable
          title="Calls"
          rows={calls}
          empty="Calls appear here as they ring, answer and hang up. Try one from the Test call page."
        />
        <ResourceTable title="Activeflows" rows={flows} empty="A flow run shows here while a call executes it." />
      </div>
      <section aria-labelledby="h-events">
        <h2 id="h-events">Latest events</h2>
        {events.length === 0 ? (
          <Empty title="Waiting for events">
            Changes to your account (agents, keys, webhooks, calls) stream in here as they happen.{' '}
            <Link to="/test-call">Place a test call</Link> to see some.
          </Empty>
        ) : (
          <ol className="events" data-testid="event-feed">
            {events.map((e) => (
              <li key={e.eventId}>
                <When at={e.timestamp} /> <strong>{e.eventType}</strong>{' '}
                <span className="muted">{e.resourceType} {e.resourceId.slice(0, 8)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
