// The test-call panel: a scripted caller dials your number through the PBX simulator and
// the call's events stream in live, the way a new user tries voipbin without a phone.
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorBanner, Field, LiveBadge, When, fieldError } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';
import type { TestCallStepInput } from '../gql/graphql';
import { useLiveEvents } from '../live';
import { Link } from '../router';

const MyNumbers = graphql(`
  query TestCallNumbers { numbers(first: 100) { edges { node { id number name callFlowId } } } }
`);

const PlaceTestCall = graphql(`
  mutation PlaceTestCall($input: PlaceTestCallInput!) {
    placeTestCall(input: $input) { channelId node from to }
  }
`);

type StepKind = 'wait' | 'dtmf' | 'say' | 'hangup';
interface Step { kind: StepKind; value: string }

const LABELS: Record<StepKind, string> = { wait: 'Wait (seconds)', dtmf: 'Press digits', say: 'Say text', hangup: 'Hang up' };

function toInput(step: Step): TestCallStepInput {
  switch (step.kind) {
    case 'wait': return { wait: Number(step.value) };
    case 'dtmf': return { dtmf: step.value };
    case 'say': return { say: step.value };
    case 'hangup': return { hangup: true };
  }
}

function StepRow({ step, index, onChange, onRemove, error }: {
  step: Step; index: number; onChange: (s: Step) => void; onRemove: () => void; error: string | undefined;
}) {
  const id = useId();
  return (
    <li className="step">
      <label htmlFor={`${id}-kind`} className="sr-only">Step {index + 1} kind</label>
      <select id={`${id}-kind`} value={step.kind} onChange={(e) => onChange({ kind: e.target.value as StepKind, value: step.value })}>
        {(Object.keys(LABELS) as StepKind[]).map((k) => <option key={k} value={k}>{LABELS[k]}</option>)}
      </select>
      {step.kind === 'hangup' ? null : (
        <>
          <label htmlFor={`${id}-value`} className="sr-only">Step {index + 1} {LABELS[step.kind]}</label>
          <input id={`${id}-value`} value={step.value} aria-invalid={error ? true : undefined} onChange={(e) => onChange({ ...step, value: e.target.value })} />
        </>
      )}
      <button type="button" onClick={onRemove}>Remove<span className="sr-only"> step {index + 1}</span></button>
      {error ? <small className="field-error">{error}</small> : null}
    </li>
  );
}

export function TestCall({ customerId }: { customerId: string }) {
  const [numbers] = useQuery({ query: MyNumbers });
  const mine = numbers.data?.numbers.edges.map((e) => e.node) ?? [];
  const [to, setTo] = useState(() => new URLSearchParams(window.location.search).get('number') ?? '');
  const pickId = useId();
  const [from, setFrom] = useState('+15550001111');
  const [steps, setSteps] = useState<Step[]>([
    { kind: 'wait', value: '1' },
    { kind: 'dtmf', value: '1' },
    { kind: 'say', value: 'hello voipbin' },
    { kind: 'wait', value: '2' },
    { kind: 'hangup', value: '' },
  ]);
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [placed, setPlaced] = useState<{ channelId: string; node: string } | null>(null);
  const [state, place] = useMutation(PlaceTestCall);
  const { resources } = useLiveEvents(customerId, 100);
  const calls = [...resources.values()].filter((r) => r.type === 'call' || r.type === 'activeflow');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await place({ input: { to, from, script: steps.map(toInput) } });
    setProblems(problemsOf(r.error));
    if (r.data) setPlaced(r.data.placeTestCall);
  };

  return (
    <>
      <h1>Test call</h1>
      <p className="muted">
        A simulated caller dials one of your numbers and follows the script below once answered.
        Its call and flow show up on the right as they happen. (Only in dev and test setups.)
      </p>
      <div className="grid">
        <form onSubmit={submit} className="card" aria-label="Place a test call">
          <h2>Caller</h2>
          <ErrorBanner problems={problems.filter((p) => !p.field || !/^(to|from|script)/.test(p.field))} />
          {mine.length > 0 ? (
            <div className="field">
              <label htmlFor={pickId}>Your number</label>
              <select id={pickId} value={mine.some((n) => n.number === to) ? to : ''} onChange={(e) => setTo(e.target.value)}>
                <option value="">— pick one, or type below —</option>
                {mine.map((n) => (
                  <option key={n.id} value={n.number}>{n.number}{n.name ? ` (${n.name})` : ''}{n.callFlowId ? '' : ' — no call flow yet'}</option>
                ))}
              </select>
            </div>
          ) : (
            <p className="muted">You have no numbers yet: get one on the Numbers page and attach a flow to it.</p>
          )}
          <Field label="Number to call" value={to} onChange={setTo} required placeholder="+15559990000" hint="E.164; one of your numbers runs its call flow" error={fieldError(problems, 'to')} />
          <Field label="Caller number" value={from} onChange={setFrom} required error={fieldError(problems, 'from')} />
          <h3>Script</h3>
          <ol className="steps">
            {steps.map((s, i) => (
              <StepRow
                key={i}
                step={s}
                index={i}
                error={problems.find((p) => p.field?.startsWith(`script[${i}]`))?.text}
                onChange={(next) => setSteps(steps.map((old, j) => (j === i ? next : old)))}
                onRemove={() => setSteps(steps.filter((_, j) => j !== i))}
              />
            ))}
          </ol>
          {fieldError(problems, 'script') ? <small className="field-error">{fieldError(problems, 'script')}</small> : null}
          <button type="button" onClick={() => setSteps([...steps, { kind: 'wait', value: '1' }])}>Add step</button>{' '}
          <button type="submit" className="primary" disabled={state.fetching}>Place test call</button>
          {placed ? <p className="notice" role="status">Calling… simulator channel <code>{placed.channelId}</code> on {placed.node}.</p> : null}
        </form>
        <section aria-labelledby="h-live" aria-live="polite">
          <h2 id="h-live">Live <LiveBadge /></h2>
          {calls.length === 0 ? (
            <Empty title="No call yet">Place a test call: each status change (ringing, answered, hung up) and each flow step appears here.</Empty>
          ) : (
            calls.map((c) => (
              <div key={c.id} className="card" data-testid={`testcall-${c.type}`}>
                <h3>{c.type} <code>{c.id.slice(0, 8)}</code>: <span className={`status status-${c.status}`} data-testid="call-status">{c.status}</span></h3>
                <ol className="timeline">
                  {c.history.map((h, i) => (
                    <li key={i}>
                      <When at={h.timestamp} /> {h.eventType}{h.position ? <span className="muted"> at {h.position}</span> : null} → {h.status}
                    </li>
                  ))}
                </ol>
                {c.type === 'call' ? <Link to={`/calls/${c.id}`}>Open call {c.id.slice(0, 8)}</Link> : null}
              </div>
            ))
          )}
        </section>
      </div>
    </>
  );
}
