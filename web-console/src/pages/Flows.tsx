import { useEffect, useId, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Field, Pager, When, usePager } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import {
  ACTION_TYPES, SUGGESTED_OPTIONS, newId, parseRaw, placeProblem, toApi, toEditable,
  type EditableAction, type PlacedProblem,
} from '../flowActions';
import { graphql } from '../gql';
import type { ActionInput } from '../gql/graphql';
import { Link, navigate } from '../router';

const FlowsQuery = graphql(`
  query Flows($first: Int, $after: String, $last: Int, $before: String) {
    flows(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name detail type actions { id } tmUpdate } }
    }
  }
`);

const FlowQuery = graphql(`
  query Flow($id: UUID!) {
    flow(id: $id) { id name detail actions { id type option nextId } }
  }
`);

const CreateFlow = graphql(`
  mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { id } }
`);
const UpdateFlow = graphql(`
  mutation UpdateFlow($input: UpdateFlowInput!) { updateFlow(input: $input) { id } }
`);
const DeleteFlow = graphql(`
  mutation DeleteFlow($id: UUID!) { deleteFlow(id: $id) { id } }
`);
const ValidateFlow = graphql(`
  query ValidateFlow($actions: [ActionInput!]!) { validateFlow(actions: $actions) { field message } }
`);

export function Flows() {
  const [vars, go] = usePager();
  const [result, refetch] = useQuery({ query: FlowsQuery, variables: vars });
  const [, remove] = useMutation(DeleteFlow);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const conn = result.data?.flows;
  const del = async (id: string, name: string) => {
    if (!window.confirm(`Delete flow "${name || id}"? Numbers using it stop answering with it.`)) return;
    const r = await remove({ id });
    setProblems(problemsOf(r.error));
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <>
      <h1>Flows</h1>
      <p className="muted">A flow is the list of actions a call runs: answer, talk, gather digits, branch, record, hang up…</p>
      <p><button type="button" className="primary" onClick={() => navigate('/flows/new')}>New flow</button></p>
      <ErrorBanner error={result.error} />
      <ErrorBanner problems={problems} />
      {conn && conn.totalCount === 0 ? (
        <Empty title="No flows yet">Create a flow, then attach it to a number on the Numbers page so calls to that number run it.</Empty>
      ) : null}
      {conn && conn.edges.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Flows</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Actions</th><th scope="col">Updated</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td><Link to={`/flows/${node.id}`}>{node.name || node.id.slice(0, 8)}</Link><div className="muted">{node.detail}</div></td>
                  <td>{node.actions.length}</td>
                  <td><When at={node.tmUpdate} /></td>
                  <td className="actions">
                    <button type="button" onClick={() => navigate(`/flows/${node.id}`)}>Edit<span className="sr-only"> {node.name}</span></button>
                    <button type="button" className="danger" onClick={() => void del(node.id, node.name)}>Delete<span className="sr-only"> {node.name}</span></button>
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

function ProblemText({ list }: { list: PlacedProblem[] }) {
  if (list.length === 0) return null;
  return (
    <>
      {list.map((p, i) => (
        <small key={i} className="field-error" role="alert">{p.message}</small>
      ))}
    </>
  );
}

function ActionCard(props: {
  action: EditableAction;
  index: number;
  count: number;
  ids: string[];
  problems: PlacedProblem[];
  onChange: (a: EditableAction) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { action, index, problems } = props;
  const id = useId();
  const at = (field: string) => problems.filter((p) => p.field === field);
  const optionProblems = (key: string) => problems.filter((p) => p.field === `option.${key}` || p.field.startsWith(`option.${key}.`));
  const known = new Set(['type', 'nextId', 'id', ...action.options.map((o) => `option.${o.key}`)]);
  const other = problems.filter((p) => !known.has(p.field) && !action.options.some((o) => p.field.startsWith(`option.${o.key}.`)));
  const setType = (type: string) => {
    const keep = action.options.filter((o) => o.key.trim() && o.value.trim());
    const suggested = (SUGGESTED_OPTIONS[type] ?? []).filter((k) => !keep.some((o) => o.key === k));
    props.onChange({ ...action, type, options: [...keep, ...suggested.map((key) => ({ key, value: '' }))] });
  };
  return (
    <li className={`card action${problems.length ? ' has-problem' : ''}`} data-testid={`action-${index}`} aria-label={`Action ${index + 1}: ${action.type}`}>
      <div className="action-head">
        <strong>{index + 1}.</strong>
        <label htmlFor={`${id}-type`} className="sr-only">Action {index + 1} type</label>
        <select id={`${id}-type`} value={action.type} aria-invalid={at('type').length ? true : undefined} onChange={(e) => setType(e.target.value)}>
          {!ACTION_TYPES.includes(action.type as (typeof ACTION_TYPES)[number]) ? <option value={action.type}>{action.type}</option> : null}
          {ACTION_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <label htmlFor={`${id}-next`}>then</label>
        <select id={`${id}-next`} value={action.nextId} onChange={(e) => props.onChange({ ...action, nextId: e.target.value })}>
          <option value="">the next action</option>
          {props.ids.filter((x) => x !== action.id).map((x) => <option key={x} value={x}>action {props.ids.indexOf(x) + 1} ({x.slice(0, 8)})</option>)}
        </select>
        <span className="spacer" />
        <button type="button" disabled={index === 0} onClick={() => props.onMove(-1)}>↑<span className="sr-only"> move action {index + 1} up</span></button>
        <button type="button" disabled={index === props.count - 1} onClick={() => props.onMove(1)}>↓<span className="sr-only"> move action {index + 1} down</span></button>
        <button type="button" className="danger" onClick={props.onRemove}>Remove<span className="sr-only"> action {index + 1}</span></button>
      </div>
      <ProblemText list={at('type')} />
      <ProblemText list={at('nextId')} />
      <ProblemText list={at('id')} />
      <div className="options">
        {action.options.map((o, i) => (
          <div className="option" key={i}>
            <label htmlFor={`${id}-k${i}`} className="sr-only">Action {index + 1} option name</label>
            <input id={`${id}-k${i}`} className="option-key" value={o.key} placeholder="option" onChange={(e) => props.onChange({ ...action, options: action.options.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })} />
            <label htmlFor={`${id}-v${i}`} className="sr-only">Action {index + 1} {o.key || 'option'} value</label>
            <input id={`${id}-v${i}`} value={o.value} aria-invalid={optionProblems(o.key).length ? true : undefined} placeholder="value (text, number, true/false or JSON)" onChange={(e) => props.onChange({ ...action, options: action.options.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })} />
            <button type="button" onClick={() => props.onChange({ ...action, options: action.options.filter((_, j) => j !== i) })}>✕<span className="sr-only"> remove option {o.key}</span></button>
            <ProblemText list={optionProblems(o.key)} />
          </div>
        ))}
        <button type="button" onClick={() => props.onChange({ ...action, options: [...action.options, { key: '', value: '' }] })}>Add option<span className="sr-only"> to action {index + 1}</span></button>
      </div>
      <ProblemText list={other} />
    </li>
  );
}

// "Flow saved." survives the move from /flows/new to the new flow's own address
let flash = '';

export function FlowEditor({ id }: { id: string | null }) {
  const [loaded] = useQuery({ query: FlowQuery, variables: { id: id ?? '' }, pause: id === null, requestPolicy: 'network-only' });
  const [name, setName] = useState('');
  const [detail, setDetail] = useState('');
  const [actions, setActions] = useState<EditableAction[]>(() =>
    id ? [] : toEditable([{ type: 'answer' }, { type: 'talk', option: { text: 'Hello from voipbin', language: 'en-US' } }, { type: 'hangup' }]),
  );
  const [raw, setRaw] = useState<string | null>(null);
  const [rawError, setRawError] = useState('');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [placed, setPlaced] = useState<PlacedProblem[]>([]);
  const [notice, setNotice] = useState(() => {
    const message = flash;
    flash = '';
    return message;
  });
  const [, create] = useMutation(CreateFlow);
  const [, update] = useMutation(UpdateFlow);
  const validate = useValidate();

  useEffect(() => {
    const flow = loaded.data?.flow;
    if (!flow) return;
    setName(flow.name);
    setDetail(flow.detail);
    setActions(toEditable(flow.actions));
  }, [loaded.data]);

  // the actions as they stand, from whichever mode is active; null when raw JSON is broken
  const current = (): EditableAction[] | null => {
    if (raw === null) return actions;
    const parsed = parseRaw(raw);
    if (parsed.error || !parsed.actions) {
      setRawError(parsed.error ?? 'Invalid actions');
      return null;
    }
    setRawError('');
    return toEditable(parsed.actions);
  };

  const switchMode = () => {
    if (raw === null) {
      setRaw(JSON.stringify(toApi(actions), null, 2));
      return;
    }
    const next = current();
    if (next) {
      setActions(next);
      setRaw(null);
    }
  };

  const showProblems = (list: ApiProblem[]) => {
    setProblems(list.filter((p) => !p.field || !/^(input\.)?actions\[/.test(p.field)));
    setPlaced(list.filter((p) => p.field && /^(input\.)?actions\[/.test(p.field)).map((p) => placeProblem(p.field ?? '', p.text)));
  };

  const check = async () => {
    const now = current();
    if (!now) return;
    setActions(now);
    const r = await validate(toApi(now) as ActionInput[]);
    if (r.problems) {
      setNotice(r.problems.length === 0 ? 'No problems found: this flow can be saved.' : '');
      setProblems([]);
      setPlaced(r.problems.map((p) => placeProblem(p.field, p.message)));
    } else {
      showProblems(r.errors);
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    const now = current();
    if (!now) return;
    setActions(now);
    const input = { name, detail, actions: toApi(now) as ActionInput[] };
    const r = id ? await update({ input: { id, ...input } }) : await create({ input });
    const list = problemsOf(r.error);
    showProblems(list);
    if (list.length === 0) {
      const savedId = r.data && ('createFlow' in r.data ? r.data.createFlow.id : r.data.updateFlow.id);
      setNotice('Flow saved.');
      if (!id && savedId) {
        flash = 'Flow saved.';
        navigate(`/flows/${savedId}`);
      }
    }
  };

  const ids = actions.map((a) => a.id);
  const flowLevel = placed.filter((p) => p.index === null || p.index >= actions.length);
  return (
    <>
      <p><Link to="/flows">← All flows</Link></p>
      <h1>{id ? 'Edit flow' : 'New flow'}</h1>
      <ErrorBanner error={loaded.error} />
      <form onSubmit={save} aria-label="Flow">
        <div className="card row">
          <Field label="Flow name" value={name} onChange={setName} error={problems.find((p) => p.field === 'name')?.text} />
          <Field label="Detail" value={detail} onChange={setDetail} />
        </div>
        <ErrorBanner problems={problems.filter((p) => p.field !== 'name')} />
        {flowLevel.length ? <ErrorBanner problems={flowLevel.map((p) => ({ code: 'BAD_USER_INPUT', text: p.message, field: p.field }))} /> : null}
        <div className="toolbar">
          <h2>Actions</h2>
          <button type="button" onClick={switchMode} aria-pressed={raw !== null}>
            {raw === null ? 'Raw JSON' : 'Structured editor'}
          </button>
        </div>
        {raw === null ? (
          <>
            {actions.length === 0 ? <Empty title="No actions">Add an action: a flow usually starts with answer.</Empty> : null}
            <ol className="actions-list">
              {actions.map((a, i) => (
                <ActionCard
                  key={a.id}
                  action={a}
                  index={i}
                  count={actions.length}
                  ids={ids}
                  problems={placed.filter((p) => p.index === i)}
                  onChange={(next) => setActions(actions.map((x, j) => (j === i ? next : x)))}
                  onMove={(delta) => {
                    const copy = [...actions];
                    const [moved] = copy.splice(i, 1);
                    if (moved) copy.splice(i + delta, 0, moved);
                    setActions(copy);
                  }}
                  onRemove={() => setActions(actions.filter((_, j) => j !== i))}
                />
              ))}
            </ol>
            <button type="button" onClick={() => setActions([...actions, { id: newId(), type: 'talk', nextId: '', options: (SUGGESTED_OPTIONS.talk ?? []).map((key) => ({ key, value: '' })) }])}>
              Add action
            </button>
          </>
        ) : (
          <div className="field">
            <label htmlFor="raw-actions">Actions as JSON</label>
            <textarea id="raw-actions" rows={18} value={raw} spellCheck={false} aria-invalid={rawError ? true : undefined} onChange={(e) => setRaw(e.target.value)} />
            {rawError ? <small className="field-error" role="alert">{rawError}</small> : null}
            {placed.length ? (
              <ul className="error">
                {placed.map((p, i) => <li key={i}>{p.index !== null ? `Action ${p.index + 1}` : 'Flow'}{p.field ? ` (${p.field})` : ''}: {p.message}</li>)}
              </ul>
            ) : null}
          </div>
        )}
        <div className="toolbar">
          <button type="button" onClick={() => void check()}>Check</button>
          <button type="submit" className="primary">Save flow</button>
        </div>
        {notice ? <p className="notice" role="status">{notice}</p> : null}
      </form>
    </>
  );
}

/** validateFlow on demand (a query, run from a button rather than on render). */
function useValidate() {
  const client = useClient();
  return async (actions: ActionInput[]): Promise<{ problems?: { field: string; message: string }[]; errors: ApiProblem[] }> => {
    const r = await client.query(ValidateFlow, { actions }, { requestPolicy: 'network-only' }).toPromise();
    const errors = problemsOf(r.error);
    return r.data && errors.length === 0 ? { problems: r.data.validateFlow, errors } : { errors };
  };
}
