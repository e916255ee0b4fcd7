import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Empty, ErrorBanner, Pager, When, usePager } from '../components/ui';
import { graphql } from '../gql';
import { useLiveEvents } from '../live';
import { Link } from '../router';

const CallsQuery = graphql(`
  query Calls($first: Int, $after: String, $last: Int, $before: String) {
    calls(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        node {
          id status direction hangupReason tmCreate
          source { target } destination { target }
        }
      }
    }
  }
`);

const CallQuery = graphql(`
  query CallDetail($id: UUID!) {
    call(id: $id) {
      id status direction type hangupBy hangupReason action flowId activeflowId recordingIds
      source { type target targetName } destination { type target targetName }
      tmCreate tmRinging tmProgressing tmHangup
    }
  }
`);

const CallLive = graphql(`
  subscription CallLive($id: UUID!) {
    callUpdated(id: $id) {
      id status hangupBy hangupReason action activeflowId recordingIds tmRinging tmProgressing tmHangup
    }
  }
`);

const FlowPosition = graphql(`
  query FlowPosition($id: UUID!) {
    activeflow(id: $id) { id status flowId currentAction executedActions }
  }
`);

const CallRecordings = graphql(`
  query CallRecordings($callId: UUID!) {
    recordings(first: 20, filter: { referenceId: $callId }) {
      edges { node { id status format tmStart tmEnd downloadUrl } }
    }
  }
`);

export function Calls() {
  const [vars, go] = usePager();
  const [result, refetch] = useQuery({ query: CallsQuery, variables: vars });
  const conn = result.data?.calls;
  return (
    <>
      <h1>Calls</h1>
      <p className="muted"><button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>Refresh</button></p>
      <ErrorBanner error={result.error} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="No calls yet">Calls to your numbers and calls you place show here. <Link to="/test-call">Place a test call</Link>.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Calls</caption>
            <thead>
              <tr><th scope="col">Call</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Started</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td><Link to={`/calls/${node.id}`}>{node.direction.toLowerCase()} {node.id.slice(0, 8)}</Link></td>
                  <td>{node.source.target}</td>
                  <td>{node.destination.target}</td>
                  <td>
                    <span className={`status status-${node.status.toLowerCase()}`}>{node.status.toLowerCase()}</span>
                    {node.hangupReason ? <span className="muted"> ({node.hangupReason.toLowerCase()})</span> : null}
                  </td>
                  <td><When at={node.tmCreate} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {conn ? <Pager info={conn.pageInfo} total={conn.totalCount} go={go} /> : null}
    </>
  );
}

function describeAction(action: unknown): string {
  if (!action || typeof action !== 'object') return '—';
  const a = action as { type?: unknown; id?: unknown };
  return typeof a.type === 'string' ? a.type : '—';
}

export function CallDetail({ id, customerId }: { id: string; customerId: string }) {
  const [result, refetch] = useQuery({ query: CallQuery, variables: { id } });
  const [live] = useSubscription({ query: CallLive, variables: { id } });
  const call = result.data?.call;
  const now = { ...call, ...live.data?.callUpdated };
  const activeflowId = now.activeflowId ?? null;
  const [flow, refetchFlow] = useQuery({ query: FlowPosition, variables: { id: activeflowId ?? '' }, pause: !activeflowId });
  const [recordings, refetchRecordings] = useQuery({ query: CallRecordings, variables: { callId: id } });
  const { events } = useLiveEvents(customerId, 200);
  const mine = events.filter((e) => e.resourceId === id || e.resourceId === activeflowId || (e.data as { reference_id?: unknown } | null)?.reference_id === id);

  // every change of the call may move its flow and finish a recording: read them again
  useEffect(() => {
    if (!live.data) return;
    if (activeflowId) refetchFlow({ requestPolicy: 'network-only' });
    refetchRecordings({ requestPolicy: 'network-only' });
  }, [live.data]);

  if (result.error) return <ErrorBanner error={result.error} />;
  if (!call) return <p>Loading…</p>;
  const status = (now.status ?? call.status).toLowerCase();
  const steps: { label: string; at: string | null | undefined }[] = [
    { label: 'created', at: call.tmCreate },
    { label: 'ringing', at: now.tmRinging },
    { label: 'answered', at: now.tmProgressing },
    { label: 'hung up', at: now.tmHangup },
  ];
  const af = flow.data?.activeflow;
  return (
    <>
      <p><Link to="/calls">← All calls</Link></p>
      <h1>Call {call.id.slice(0, 8)}</h1>
      <p>
        <span className={`status status-${status}`} data-testid="call-status">{status}</span>{' '}
        {call.direction.toLowerCase()} · {call.source.target} → {call.destination.target}
        {now.hangupReason ? <> · hangup: {now.hangupReason.toLowerCase()} by {now.hangupBy?.toLowerCase() ?? '—'}</> : null}
      </p>
      <ErrorBanner error={live.error} />
      <div className="grid">
        <section aria-labelledby="h-timeline">
          <h2 id="h-timeline">Timeline</h2>
          <ol className="timeline" data-testid="call-timeline">
            {steps.map((s) => (
              <li key={s.label} className={s.at ? '' : 'muted'}>{s.label}: <When at={s.at} /></li>
            ))}
          </ol>
          <h3>Events seen live</h3>
          {mine.length === 0 ? <p className="muted">New events of this call appear here as they happen.</p> : (
            <ol className="events">
              {[...mine].reverse().map((e) => <li key={e.eventId}><When at={e.timestamp} /> <strong>{e.eventType}</strong></li>)}
            </ol>
          )}
        </section>
        <section aria-labelledby="h-flow">
          <h2 id="h-flow">Flow position</h2>
          {!activeflowId ? <p className="muted">This call runs no flow.</p> : null}
          <ErrorBanner error={flow.error} />
          {af ? (
            <>
              <p>
                Activeflow <code>{af.id.slice(0, 8)}</code> ({af.status.toLowerCase()}) of flow{' '}
                {af.flowId ? <Link to={`/flows/${af.flowId}`}>{af.flowId.slice(0, 8)}</Link> : '—'}; now at{' '}
                <strong data-testid="flow-current">{describeAction(af.currentAction)}</strong>
              </p>
              <ol className="timeline" data-testid="flow-executed">
                {af.executedActions.map((a, i) => <li key={i}>{describeAction(a)}</li>)}
              </ol>
            </>
          ) : null}
          <p className="muted">Current action of the call: {describeAction(now.action)}</p>
          <h2>Recordings</h2>
          <ErrorBanner error={recordings.error} />
          {recordings.data && recordings.data.recordings.edges.length === 0 ? (
            <Empty title="No recordings">A flow with a recording_start action records the call; the file shows here when it ends.</Empty>
          ) : null}
          <ul className="recordings">
            {recordings.data?.recordings.edges.map(({ node }) => (
              <li key={node.id}>
                <code>{node.id.slice(0, 8)}</code> {node.status.toLowerCase()} · <When at={node.tmStart} />
                {node.downloadUrl ? (
                  <div>
                    <audio controls preload="metadata" src={node.downloadUrl} aria-label={`Recording ${node.id.slice(0, 8)}`} />{' '}
                    <a href={node.downloadUrl} download>Download</a>
                  </div>
                ) : <span className="muted"> (playable once it ends)</span>}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => { refetch({ requestPolicy: 'network-only' }); refetchRecordings({ requestPolicy: 'network-only' }); }}>Refresh</button>
        </section>
      </div>
    </>
  );
}
