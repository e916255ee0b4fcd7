// Shared pieces: error banners, labelled fields, pagination, empty states, timestamps.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { isWsUp, onWsChange } from '../client';
import type { CombinedError } from 'urql';
import { problemsOf, type ApiProblem } from '../errors';

export function ErrorBanner({ error, problems }: { error?: CombinedError | null; problems?: ApiProblem[] }) {
  const list = problems ?? problemsOf(error);
  if (list.length === 0) return null;
  return (
    <div className="error" role="alert">
      {list.map((p, i) => (
        <p key={i} data-code={p.code}>
          {p.text}
          {p.field ? <span className="muted"> (field: {p.field})</span> : null}
        </p>
      ))}
    </div>
  );
}

export function Field(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  hint?: string;
  error?: string | undefined;
  autoComplete?: string;
  placeholder?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint ? <small id={hintId}>{props.hint}</small> : null}
      {props.error ? <small id={errorId} className="field-error">{props.error}</small> : null}
    </div>
  );
}

export function Select<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  onChange: (v: T) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    </div>
  );
}

export function fieldError(problems: ApiProblem[], field: string): string | undefined {
  return problems.find((p) => p.field === field || p.field?.endsWith(`.${field}`))?.text;
}

export interface PageVars {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export const PAGE_SIZE = 20;

/** Relay pagination state: next/previous from a connection's pageInfo. */
export function usePager(): [PageVars, (info: PageInfoLike, dir: 'next' | 'prev') => void, () => void] {
  const [vars, setVars] = useState<PageVars>({ first: PAGE_SIZE });
  const go = (info: PageInfoLike, dir: 'next' | 'prev') =>
    setVars(dir === 'next' ? { first: PAGE_SIZE, after: info.endCursor } : { last: PAGE_SIZE, before: info.startCursor });
  return [vars, go, () => setVars({ first: PAGE_SIZE })];
}

interface PageInfoLike {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

export function Pager({ info, total, go }: { info: PageInfoLike; total: number; go: (info: PageInfoLike, dir: 'next' | 'prev') => void }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={!info.hasPreviousPage} onClick={() => go(info, 'prev')}>← Previous</button>
      <span className="muted">{total} in total</span>
      <button type="button" disabled={!info.hasNextPage} onClick={() => go(info, 'next')}>Next →</button>
    </nav>
  );
}

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      <p>{children}</p>
    </div>
  );
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  return <time dateTime={at} title={d.toISOString()}>{d.toLocaleString()}</time>;
}

export function Secret({ label, value }: { label: string; value: string }) {
  return (
    <div className="secret" role="status">
      <p><strong>{label}</strong> — copy it now: it will not be shown again.</p>
      <code data-testid="secret">{value}</code>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(value)}>Copy</button>
    </div>
  );
}

/** "Live" when the subscription socket is connected, so you know updates will arrive. */
export function LiveBadge() {
  const [up, setUp] = useState(isWsUp);
  useEffect(() => onWsChange(setUp), []);
  return (
    <span className={`live-badge${up ? ' up' : ''}`} role="status" data-testid="live-badge">
      {up ? '● Live' : '○ Connecting…'}
    </span>
  );
}
