import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Field, Pager, Secret, When, fieldError, usePager } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';

const KeysQuery = graphql(`
  query AccessKeys($first: Int, $after: String, $last: Int, $before: String) {
    accessKeys(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name detail tokenPrefix expiresAt revokedAt tmCreate } }
    }
  }
`);

const CreateKey = graphql(`
  mutation CreateAccessKey($input: CreateAccessKeyInput!) {
    createAccessKey(input: $input) { secret accessKey { id name } }
  }
`);

const RevokeKey = graphql(`
  mutation RevokeAccessKey($id: UUID!) {
    revokeAccessKey(id: $id) { id revokedAt }
  }
`);

export function AccessKeys() {
  const [vars, go, reset] = usePager();
  const [result, refetch] = useQuery({ query: KeysQuery, variables: vars });
  const [state, create] = useMutation(CreateKey);
  const [, revoke] = useMutation(RevokeKey);
  const [name, setName] = useState('');
  const [detail, setDetail] = useState('');
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState('');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const conn = result.data?.accessKeys;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = expires ? new Date(expires).toISOString() : null;
    const r = await create({ input: { name, detail, expiresAt } });
    setProblems(problemsOf(r.error));
    if (r.data) {
      setSecret(r.data.createAccessKey.secret);
      setName('');
      setDetail('');
      setExpires('');
      reset();
      reload();
    }
  };
  const onRevoke = async (id: string, keyName: string) => {
    if (!window.confirm(`Revoke key "${keyName}"? Programs using it stop working at once.`)) return;
    const r = await revoke({ id });
    setProblems(problemsOf(r.error));
    reload();
  };

  return (
    <>
      <h1>Access keys</h1>
      <p className="muted">Keys let your programs call the API: send <code>Authorization: AccessKey ak_…</code>.</p>
      <form onSubmit={submit} className="card" aria-label="New access key">
        <h2>New access key</h2>
        <ErrorBanner problems={problems.filter((p) => !p.field)} />
        <div className="row">
          <Field label="Name" value={name} onChange={setName} required error={fieldError(problems, 'name')} />
          <Field label="Detail" value={detail} onChange={setDetail} error={fieldError(problems, 'detail')} />
          <Field label="Expires at (optional)" type="datetime-local" value={expires} onChange={setExpires} error={fieldError(problems, 'expiresAt')} />
        </div>
        <button type="submit" className="primary" disabled={state.fetching}>Create key</button>
      </form>
      {secret ? <Secret label="Your new access key" value={secret} /> : null}
      <ErrorBanner error={result.error} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="No access keys">Create a key above to call the API from your own code.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Access keys</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>{node.name}<div className="muted">{node.detail}</div></td>
                  <td><code>{node.tokenPrefix}…</code></td>
                  <td><When at={node.tmCreate} /></td>
                  <td><When at={node.expiresAt} /></td>
                  <td>{node.revokedAt ? <>revoked <When at={node.revokedAt} /></> : 'active'}</td>
                  <td>
                    {node.revokedAt ? null : (
                      <button type="button" className="danger" onClick={() => void onRevoke(node.id, node.name)}>
                        Revoke<span className="sr-only"> {node.name}</span>
                      </button>
                    )}
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
