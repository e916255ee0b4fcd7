import { useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Pager, When, usePager } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';
import { Link } from '../router';

const NumbersQuery = graphql(`
  query Numbers($first: Int, $after: String, $last: Int, $before: String) {
    numbers(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id number name type status callFlowId messageFlowId tmCreate } }
    }
  }
`);

// the flows to pick from (a customer with more than 100 flows types the id in Flows)
const FlowChoices = graphql(`
  query FlowChoices { flows(first: 100) { edges { node { id name } } } }
`);

const Available = graphql(`
  query AvailableNumbers($countryCode: String!) {
    availableNumbers(countryCode: $countryCode, first: 5) { number country region features }
  }
`);

const CreateNumber = graphql(`
  mutation CreateNumber($input: CreateNumberInput!) { createNumber(input: $input) { id number } }
`);
const UpdateNumber = graphql(`
  mutation UpdateNumber($input: UpdateNumberInput!) { updateNumber(input: $input) { id callFlowId messageFlowId } }
`);
const DeleteNumber = graphql(`
  mutation DeleteNumber($id: UUID!) { deleteNumber(id: $id) { id } }
`);

function FlowPicker(props: { label: string; value: string | null | undefined; flows: { id: string; name: string }[]; onPick: (id: string | null) => void }) {
  const id = useId();
  return (
    <span className="picker">
      <label htmlFor={id} className="sr-only">{props.label}</label>
      <select id={id} value={props.value ?? ''} onChange={(e) => props.onPick(e.target.value || null)}>
        <option value="">— none —</option>
        {props.flows.map((f) => <option key={f.id} value={f.id}>{f.name || f.id.slice(0, 8)}</option>)}
      </select>
    </span>
  );
}

function BuyNumber({ onDone }: { onDone: () => void }) {
  const [country, setCountry] = useState('US');
  const [result, refetch] = useQuery({ query: Available, variables: { countryCode: country }, requestPolicy: 'network-only' });
  const [, create] = useMutation(CreateNumber);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const id = useId();
  const buy = async (number: string) => {
    const r = await create({ input: { number } });
    setProblems(problemsOf(r.error));
    if (r.data) {
      refetch();
      onDone();
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Get a number</h2>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-c`}>Country</label>
          <select id={`${id}-c`} value={country} onChange={(e) => setCountry(e.target.value)}>
            {['US', 'CA', 'GB', 'DE', 'KR', 'JP'].map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
      </div>
      <ErrorBanner error={result.error} />
      <ErrorBanner problems={problems} />
      {result.data && result.data.availableNumbers.length === 0 ? <p className="muted">No number is available in this country right now; try another.</p> : null}
      <ul className="available">
        {result.data?.availableNumbers.map((n) => (
          <li key={n.number}>
            <code>{n.number}</code> <span className="muted">{n.region} {n.features.join(', ').toLowerCase()}</span>{' '}
            <button type="button" onClick={() => void buy(n.number)}>Get {n.number}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Numbers() {
  const [vars, go, reset] = usePager();
  const [result, refetch] = useQuery({ query: NumbersQuery, variables: vars });
  const [flowsResult] = useQuery({ query: FlowChoices });
  const [, update] = useMutation(UpdateNumber);
  const [, remove] = useMutation(DeleteNumber);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [notice, setNotice] = useState('');
  const flows = flowsResult.data?.flows.edges.map((e) => e.node) ?? [];
  const conn = result.data?.numbers;
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const attach = async (id: string, number: string, kind: 'call' | 'message', flowId: string | null) => {
    // the API treats null as "unchanged": detaching sends the nil UUID
    const value = flowId ?? '00000000-0000-0000-0000-000000000000';
    const r = await update({ input: kind === 'call' ? { id, callFlowId: value } : { id, messageFlowId: value } });
    const list = problemsOf(r.error);
    setProblems(list);
    setNotice(list.length ? '' : `${number}: ${kind} flow ${flowId ? 'attached' : 'detached'}.`);
    reload();
  };
  const del = async (id: string, number: string) => {
    if (!window.confirm(`Release ${number}? Calls to it will no longer reach you.`)) return;
    const r = await remove({ id });
    setProblems(problemsOf(r.error));
    reload();
  };

  return (
    <>
      <h1>Numbers</h1>
      <p className="muted">Calls to a number run its call flow; messages run its message flow.</p>
      <ErrorBanner error={result.error} />
      <ErrorBanner problems={problems} />
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {conn && conn.totalCount === 0 ? (
        <Empty title="No numbers yet">Get one below, then attach a flow to it so it answers calls.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Numbers</caption>
            <thead>
              <tr><th scope="col">Number</th><th scope="col">Call flow</th><th scope="col">Message flow</th><th scope="col">Since</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id} data-testid={`number-${node.number}`}>
                  <td><code>{node.number}</code> <span className="muted">{node.type.toLowerCase()}</span><div className="muted">{node.name}</div></td>
                  <td>
                    <FlowPicker label={`Call flow of ${node.number}`} value={node.callFlowId} flows={flows} onPick={(f) => void attach(node.id, node.number, 'call', f)} />
                    {node.callFlowId ? <> <Link to={`/flows/${node.callFlowId}`}>open</Link></> : null}
                  </td>
                  <td><FlowPicker label={`Message flow of ${node.number}`} value={node.messageFlowId} flows={flows} onPick={(f) => void attach(node.id, node.number, 'message', f)} /></td>
                  <td><When at={node.tmCreate} /></td>
                  <td className="actions">
                    <Link to={`/test-call?number=${encodeURIComponent(node.number)}`}>Test call</Link>{' '}
                    <button type="button" className="danger" onClick={() => void del(node.id, node.number)}>Release<span className="sr-only"> {node.number}</span></button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {conn ? <Pager info={conn.pageInfo} total={conn.totalCount} go={go} /> : null}
      {flows.length === 0 && conn && conn.totalCount > 0 ? <p className="muted">You have no flows to attach yet: <Link to="/flows/new">create one</Link>.</p> : null}
      <BuyNumber onDone={() => { reset(); reload(); }} />
    </>
  );
}
