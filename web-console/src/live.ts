// Live state from the `events` subscription: the latest event per resource, so calls and
// activeflows show their current status as it changes.
import { useSubscription } from 'urql';
import { graphql } from './gql';
import type { LiveEventsSubscription } from './gql/graphql';

export const LiveEvents = graphql(`
  subscription LiveEvents($topics: [String!]!) {
    events(topics: $topics) {
      eventId
      eventType
      timestamp
      resourceType
      resourceId
      sequence
      data
    }
  }
`);

export type LiveEvent = LiveEventsSubscription['events'];

export interface LiveResource {
  id: string;
  type: string;
  status: string;
  lastEvent: string;
  timestamp: string;
  data: Record<string, unknown>;
  history: { eventId: string; eventType: string; status: string; position: string; timestamp: string }[];
}

function statusOf(event: LiveEvent): string {
  const data = event.data as Record<string, unknown> | null;
  const status = data && typeof data.status === 'string' ? data.status : '';
  return status || event.eventType.replace(/^[a-z]+_/, '');
}

/** Where a running flow is: the type of its current action, when the event says. */
function positionOf(event: LiveEvent): string {
  const data = event.data as { current_action?: { type?: unknown } } | null;
  const type = data?.current_action?.type;
  return event.resourceType === 'activeflow' && typeof type === 'string' && type ? type : '';
}

/** Folds one event into the per-resource view (pure: React may call it twice). */
function fold(prev: Map<string, LiveResource>, event: LiveEvent): Map<string, LiveResource> {
  const next = new Map(prev);
  const old = next.get(event.resourceId);
  if (old?.history.some((h) => h.eventId === event.eventId)) return prev;
  const status = statusOf(event);
  next.set(event.resourceId, {
    id: event.resourceId,
    type: event.resourceType,
    status,
    lastEvent: event.eventType,
    timestamp: event.timestamp,
    data: (event.data as Record<string, unknown>) ?? {},
    history: [
      ...(old?.history ?? []),
      { eventId: event.eventId, eventType: event.eventType, status, position: positionOf(event), timestamp: event.timestamp },
    ],
  });
  return next;
}

interface LiveState {
  events: LiveEvent[];
  resources: Map<string, LiveResource>;
}

/** Keeps the newest events and a per-resource view of the customer's live stream. Every
 * event goes through the subscription's handler, so events arriving in the same tick are
 * all kept (a render would only see the last one). */
export function useLiveEvents(customerId: string, keep = 50) {
  const [result] = useSubscription<LiveEventsSubscription, LiveState>(
    { query: LiveEvents, variables: { topics: [`customer_id:${customerId}`] } },
    (prev: LiveState | undefined, data: LiveEventsSubscription): LiveState => {
      const state = prev ?? { events: [], resources: new Map<string, LiveResource>() };
      const event = data.events;
      if (state.events.some((e) => e.eventId === event.eventId)) return state;
      return { events: [event, ...state.events].slice(0, keep), resources: fold(state.resources, event) };
    },
  );
  const state = result.data;
  return {
    events: state?.events ?? [],
    resources: state?.resources ?? new Map<string, LiveResource>(),
    error: result.error,
    connected: !result.error,
  };
}
