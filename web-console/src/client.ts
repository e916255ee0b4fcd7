// The GraphQL client: urql over HTTP for queries and mutations, graphql-ws for
// subscriptions. Tokens are refreshed before they expire and once more when the API says
// UNAUTHENTICATED; when the refresh is refused the session ends and sign-in shows.
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { loadSession, saveSession, type Session } from './session';

const REFRESH = `mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { token refreshToken expiresAt }
}`;
// refresh this long before the access token expires
const REFRESH_MARGIN_MS = 60_000;

export function graphqlUrl(): string {
  return new URL('/graphql', window.location.href).toString();
}

let refreshing: Promise<Session | null> | null = null;

/** Trades the refresh token for a new pair; null when it was refused (session over). */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= (async () => {
    const current = loadSession();
    if (!current) return null;
    try {
      const res = await fetch(graphqlUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: REFRESH, variables: { input: { refreshToken: current.refreshToken } } }),
      });
      const body = (await res.json()) as {
        data?: { refreshToken?: { token: string; refreshToken: string; expiresAt: string } } | null;
      };
      const pair = body.data?.refreshToken;
      if (!pair) {
        saveSession(null, 'expired');
        return null;
      }
      const next = { ...current, ...pair };
      saveSession(next, 'refreshed');
      return next;
    } catch {
      return current; // network trouble: keep the session, the request shows its own error
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function authHeader(session: Session | null): Record<string, string> {
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

function saysUnauthenticated(text: string): boolean {
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    return (body.errors ?? []).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  } catch {
    return false;
  }
}

async function authedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let session = loadSession();
  if (session && Date.parse(session.expiresAt) - Date.now() < REFRESH_MARGIN_MS) {
    session = await refreshSession();
  }
  const send = (s: Session | null) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...authHeader(s) } });
  const res = await send(session);
  const text = await res.text();
  const isLogin = typeof init?.body === 'string' && /^\s*mutation\s+(Login|Refresh)\b/.test(JSON.parse(init.body).query ?? '');
  if (session && !isLogin && saysUnauthenticated(text)) {
    const renewed = await refreshSession();
    if (renewed) return send(renewed);
    return new Response(text, { status: res.status, headers: res.headers });
  }
  return new Response(text, { status: res.status, headers: res.headers });
}

let ws: WsClient | null = null;

// whether the subscription socket is up, for the "live" badge
let wsUp = false;
const wsListeners = new Set<(up: boolean) => void>();
function setWsUp(up: boolean): void {
  wsUp = up;
  for (const listener of wsListeners) listener(up);
}
export function isWsUp(): boolean {
  return wsUp;
}
export function onWsChange(listener: (up: boolean) => void): () => void {
  wsListeners.add(listener);
  return () => wsListeners.delete(listener);
}

export function wsClient(): WsClient {
  ws ??= createWsClient({
    url: graphqlUrl().replace(/^http/, 'ws'),
    // read at every (re)connect, so a refreshed token is used
    connectionParams: () => {
      const session = loadSession();
      return session ? { authorization: `Bearer ${session.token}` } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: () => loadSession() !== null,
    lazy: true,
    on: {
      connected: () => setWsUp(true),
      closed: (event) => {
        setWsUp(false);
        // 4403: the server refused our credential (expired access token): renew it, and
        // the retry connects with the new one; a refused refresh ends the session
        if ((event as CloseEvent | undefined)?.code === 4403) void refreshSession();
      },
    },
  });
  return ws;
}

/** Drops the WebSocket (sign-out, sign-in as someone else). */
export function resetWs(): void {
  ws?.dispose();
  ws = null;
  setWsUp(false);
}

export function makeClient(): Client {
  return new Client({
    url: graphqlUrl(),
    fetch: authedFetch,
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = wsClient().subscribe(payload, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
