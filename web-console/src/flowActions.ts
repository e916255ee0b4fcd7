// The flow action editor's model: actions as the API takes them, option values typed from
// what the user writes, and API problems (`actions[3].option.duration`) split into the
// action index and the field inside it.

export interface EditableAction {
  id: string;
  type: string;
  nextId: string;
  options: { key: string; value: string }[];
}

export interface ApiAction {
  id?: string | null;
  type: string;
  option?: unknown;
  nextId?: string | null;
}

// The action types the flow engine runs now (deferred ones are refused by the API).
export const ACTION_TYPES = [
  'answer', 'talk', 'play', 'digits_receive', 'digits_send', 'sleep', 'hangup', 'recording_start',
  'recording_stop', 'branch', 'goto', 'condition_call_digits', 'condition_call_status',
  'condition_datetime', 'condition_variable', 'variable_set', 'connect', 'call', 'confbridge_join',
  'beep', 'echo', 'mute', 'amd', 'block', 'stop', 'fetch', 'fetch_flow', 'webhook_send',
  'external_media_start', 'external_media_stop', 'stream_echo',
] as const;

// Options offered when a type is picked (more can be added by hand).
export const SUGGESTED_OPTIONS: Record<string, string[]> = {
  talk: ['text', 'language'],
  play: ['stream_urls'],
  digits_receive: ['duration', 'length', 'key'],
  digits_send: ['digits', 'duration', 'interval'],
  sleep: ['duration'],
  echo: ['duration'],
  stream_echo: ['duration'],
  amd: ['machine_handle', 'async'],
  recording_start: ['format', 'duration', 'end_of_key'],
  branch: ['variable', 'target_ids', 'default_target_id'],
  goto: ['target_id', 'loop_count'],
  connect: ['source', 'destinations'],
  variable_set: ['key', 'value'],
  webhook_send: ['uri', 'method', 'data_type', 'data'],
  hangup: ['reason'],
};

/** `1000` → 1000, `true` → true, `["a"]` → array, anything else stays text. */
export function parseValue(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return '';
  if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(text) || /^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

export function showValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function newId(): string {
  return crypto.randomUUID();
}

export function toEditable(actions: readonly ApiAction[]): EditableAction[] {
  return actions.map((a) => ({
    id: a.id ?? newId(),
    type: a.type,
    nextId: a.nextId ?? '',
    options: Object.entries((a.option as Record<string, unknown> | null) ?? {}).map(([key, value]) => ({
      key,
      value: showValue(value),
    })),
  }));
}

export function toApi(actions: readonly EditableAction[]): ApiAction[] {
  return actions.map((a) => {
    const option: Record<string, unknown> = {};
    for (const { key, value } of a.options) if (key.trim()) option[key.trim()] = parseValue(value);
    return { id: a.id, type: a.type, option, nextId: a.nextId || null };
  });
}

export interface PlacedProblem {
  index: number | null; // which action, null: the flow itself
  field: string; // inside the action: `type`, `nextId`, `option.duration`, ... or the flow field
  message: string;
}

const AT_ACTION = /^(?:input\.)?actions\[(\d+)\](?:\.(.*))?$/;

export function placeProblem(field: string, message: string): PlacedProblem {
  const m = AT_ACTION.exec(field);
  if (!m) return { index: null, field, message };
  return { index: Number(m[1]), field: m[2] ?? '', message };
}

/** Raw JSON mode: the text must be an array of action objects. */
export function parseRaw(text: string): { actions?: ApiAction[]; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `This is not valid JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(value)) return { error: 'The actions must be a JSON array: [ {"type": "answer"}, … ]' };
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'object' || item === null || typeof (item as { type?: unknown }).type !== 'string') {
      return { error: `Action ${i + 1} must be an object with a "type"` };
    }
  }
  return { actions: value as ApiAction[] };
}
