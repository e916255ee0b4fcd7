// The signed-in session: access token, rotating refresh token and who we are. Kept in
// sessionStorage so a reload stays signed in but closing the tab signs out.

export interface Session {
  token: string;
  refreshToken: string;
  expiresAt: string;
  customerId: string;
  customerName: string;
  username: string;
}

const KEY = 'voipbin.session';
type Listener = (session: Session | null, reason: string) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, reason = ''): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener(session, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
