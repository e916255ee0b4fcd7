import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Field, Pager, Select, When, fieldError, usePager } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';
import type { Permission } from '../gql/graphql';

const AgentsQuery = graphql(`
  query Agents($first: Int, $after: String, $last: Int, $before: String) {
    agents(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id username name status permissions disabled tmCreate } }
    }
  }
`);

const CreateAgent = graphql(`
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) { id username }
  }
`);

const UpdateAgent = graphql(`
  mutation UpdateAgent($input: UpdateAgentInput!) {
    updateAgent(input: $input) { id name permissions disabled }
  }
`);

const DeleteAgent = graphql(`
  mutation DeleteAgent($id: UUID!) {
    deleteAgent(id: $id) { id }
  }
`);

const PERMISSIONS = ['CUSTOMER_AGENT', 'CUSTOMER_MANAGER', 'CUSTOMER_ADMIN'] as const satisfies readonly Permission[];
type Level = (typeof PERMISSIONS)[number];

function CreateAgentForm({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [level, setLevel] = useState<Level>('CUSTOMER_AGENT');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [state, create] = useMutation(CreateAgent);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ input: { username, password, name, permissions: [level] } });
    setProblems(problemsOf(r.error));
    if (r.data) {
      setUsername('');
      setPassword('');
      setName('');
      onDone();
    }
  };
  return (
    <form onSubmit={submit} className="card" aria-label="New agent">
      <h2>New agent</h2>
      <ErrorBanner problems={problems.filter((p) => !p.field)} />
      <div className="row">
        <Field label="Username" value={username} onChange={setUsername} required error={fieldError(problems, 'username')} />
        <Field label="Password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" error={fieldError(problems, 'password')} />
        <Field label="Name" value={name} onChange={setName} error={fieldError(problems, 'name')} />
        <Select label="Permission" value={level} options={PERMISSIONS} onChange={setLevel} />
      </div>
      <button type="submit" className="primary" disabled={state.fetching}>Create agent</button>
    </form>
  );
}

function EditAgent({ agent, onDone }: { agent: { id: string; username: string; name: string; permissions: readonly string[] }; onDone: () => void }) {
  const [name, setName] = useState(agent.name);
  const [level, setLevel] = useState<Level>(
    (PERMISSIONS as readonly string[]).includes(agent.permissions[0] ?? '') ? (agent.permissions[0] as Level) : 'CUSTOMER_AGENT',
  );
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [state, update] = useMutation(UpdateAgent);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await update({ input: { id: agent.id, name, permissions: [level], password: password || null } });
    setProblems(problemsOf(r.error));
    if (r.data) onDone();
  };
  return (
    <form onSubmit={submit} className="card" aria-label={`Edit agent ${agent.username}`}>
      <h2>Edit {agent.username}</h2>
      <ErrorBanner problems={problems.filter((p) => !p.field)} />
      <div className="row">
        <Field label="Name" value={name} onChange={setName} error={fieldError(problems, 'name')} />
        <Select label="Permission" value={level} options={PERMISSIONS} onChange={setLevel} />
        <Field label="New password (optional)" type="password" value={password} onChange={setPassword} autoComplete="new-password" error={fieldError(problems, 'password')} />
      </div>
      <button type="submit" className="primary" disabled={state.fetching}>Save changes</button>{' '}
      <button type="button" onClick={onDone}>Cancel</button>
    </form>
  );
}

export function Agents() {
  const [vars, go, reset] = usePager();
  const [result, refetch] = useQuery({ query: AgentsQuery, variables: vars });
  const [, update] = useMutation(UpdateAgent);
  const [, remove] = useMutation(DeleteAgent);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const conn = result.data?.agents;
  const edited = conn?.edges.find((e) => e.node.id === editing)?.node;

  const toggle = async (id: string, disabled: boolean) => {
    const r = await update({ input: { id, disabled: !disabled } });
    setProblems(problemsOf(r.error));
    reload();
  };
  const del = async (id: string, username: string) => {
    if (!window.confirm(`Delete agent ${username}? They can no longer sign in.`)) return;
    const r = await remove({ id });
    setProblems(problemsOf(r.error));
    reload();
  };

  return (
    <>
      <h1>Agents</h1>
      {edited ? (
        <EditAgent key={edited.id} agent={edited} onDone={() => { setEditing(null); reload(); }} />
      ) : (
        <CreateAgentForm onDone={() => { reset(); reload(); }} />
      )}
      <ErrorBanner error={result.error} />
      <ErrorBanner problems={problems} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="No agents yet">Create one above: agents sign in to the console and take calls.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Agents</caption>
            <thead>
              <tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Permission</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>{node.username}</td>
                  <td>{node.name}</td>
                  <td>{node.permissions.join(', ')}</td>
                  <td>{node.disabled ? 'disabled' : node.status.toLowerCase()}</td>
                  <td><When at={node.tmCreate} /></td>
                  <td className="actions">
                    <button type="button" onClick={() => setEditing(node.id)}>Edit<span className="sr-only"> {node.username}</span></button>
                    <button type="button" onClick={() => void toggle(node.id, node.disabled)}>
                      {node.disabled ? 'Enable' : 'Disable'}<span className="sr-only"> {node.username}</span>
                    </button>
                    <button type="button" className="danger" onClick={() => void del(node.id, node.username)}>
                      Delete<span className="sr-only"> {node.username}</span>
                    </button>
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
