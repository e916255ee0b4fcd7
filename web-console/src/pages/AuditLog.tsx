import { useState } from 'react';
import { useQuery } from 'urql';
import { Empty, ErrorBanner, Field, Pager, When, usePager } from '../components/ui';
import { graphql } from '../gql';

const AuditQuery = graphql(`
  query AuditLogs($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {
    auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        node { id actorType action resourceType resourceId before after sourceIp tmCreate agent { username } }
      }
    }
  }
`);

export function AuditLog() {
  const [vars, go, reset] = usePager();
  const [action, setAction] = useState('');
  const filter = action.trim() ? { action: action.trim() } : null;
  const [result] = useQuery({ query: AuditQuery, variables: { ...vars, filter } });
  const conn = result.data?.auditLogs;
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every change made in your account, who made it and what it changed.</p>
      <div className="card row">
        <Field label="Filter by action" value={action} onChange={(v) => { setAction(v); reset(); }} placeholder="e.g. agent.create" />
      </div>
      <ErrorBanner error={result.error} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="Nothing recorded">{filter ? 'No entry has this action; clear the filter.' : 'Changes you make (agents, keys, webhooks…) are recorded here.'}</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audit log</caption>
            <thead>
              <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Change</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td><When at={node.tmCreate} /></td>
                  <td>{node.agent?.username ?? node.actorType}<div className="muted">{node.sourceIp}</div></td>
                  <td><code>{node.action}</code></td>
                  <td>{node.resourceType} <span className="muted">{node.resourceId?.slice(0, 8)}</span></td>
                  <td>
                    <details>
                      <summary>before / after</summary>
                      <pre>{JSON.stringify({ before: node.before, after: node.after }, null, 2)}</pre>
                    </details>
                  </td>
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
