// Live state from the `events` subscription: the latest event per resource, so calls and
// activeflows show their current status as it changes.
import { useEffect, useState } from 'react';
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
  history: { eventType: string; status: string; timestamp: string }[];
}

function statusOf(event: LiveEvent): string {
  const data = event.data as Record<string, unknown> | null;
  const status = data && typeof data.status === 'string' ? data.status : '';
  return status || event.eventType.replace(/^[a-z]+_/, '');
}

/** Keeps the newest events and a per-resource view of the customer's live stream. */
export function useLiveEvents(customerId: string, keep = 50) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [resources, setResources] = useState<Map<string, LiveResource>>(new Map());
  const [result] = useSubscription({ query: LiveEvents, variables: { topics: [`customer_id:${customerId}`] } });

  useEffect(() => {
    const event = result.data?.events;
    if (!event) return;
    setEvents((prev) => (prev.some((e) => e.eventId === event.eventId) ? prev : [event, ...prev].slice(0, keep)));
    setResources((prev) => {
      const next = new Map(prev);
      const old = next.get(event.resourceId);
      const status = statusOf(event);
      next.set(event.resourceId, {
        id: event.resourceId,
        type: event.resourceType,
        status,
        lastEvent: event.eventType,
        timestamp: event.timestamp,
        data: (event.data as Record<string, unknown>) ?? {},
        history: [...(old?.history ?? []), { eventType: event.eventType, status, timestamp: event.timestamp }],
      });
      return next;
    });
  }, [result.data, keep]);

  return { events, resources, error: result.error, connected: !result.error };
}
