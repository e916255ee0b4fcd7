import { useEffect, useMemo, useState } from 'react';
import { Provider, useMutation } from 'urql';
import { makeClient, refreshSession, resetWs } from './client';
import { graphql } from './gql';
import { AccessKeys } from './pages/AccessKeys';
import { Agents } from './pages/Agents';
import { AuditLog } from './pages/AuditLog';
import { CallDetail, Calls } from './pages/Calls';
import { Dashboard } from './pages/Dashboard';
import { FlowEditor, Flows } from './pages/Flows';
import { Numbers } from './pages/Numbers';
import { SignIn } from './pages/SignIn';
import { TestCall } from './pages/TestCall';
import { Webhooks } from './pages/Webhooks';
import { Link, navigate, usePath } from './router';
import { loadSession, onSessionChange, saveSession, type Session } from './session';

const Logout = graphql(`
  mutation Logout { logout }
`);

const PAGES = [
  { path: '/', label: 'Dashboard' },
  { path: '/test-call', label: 'Test call' },
  { path: '/calls', label: 'Calls' },
  { path: '/flows', label: 'Flows' },
  { path: '/numbers', label: 'Numbers' },
  { path: '/agents', label: 'Agents' },
  { path: '/access-keys', label: 'Access keys' },
  { path: '/webhooks', label: 'Webhooks' },
  { path: '/audit', label: 'Audit log' },
] as const;

const FLOW_PATH = /^\/flows\/([0-9a-f-]{36})$/;
const CALL_PATH = /^\/calls\/([0-9a-f-]{36})$/;

function Page({ path, session }: { path: string; session: Session }) {
  const flow = FLOW_PATH.exec(path);
  if (flow?.[1]) return <FlowEditor key={flow[1]} id={flow[1]} />;
  const call = CALL_PATH.exec(path);
  if (call?.[1]) return <CallDetail key={call[1]} id={call[1]} customerId={session.customerId} />;
  switch (path) {
    case '/flows': return <Flows />;
    case '/flows/new': return <FlowEditor key="new" id={null} />;
    case '/numbers': return <Numbers />;
    case '/calls': return <Calls />;
    case '/': return <Dashboard customerId={session.customerId} />;
    case '/test-call': return <TestCall customerId={session.customerId} />;
    case '/agents': return <Agents />;
    case '/access-keys': return <AccessKeys />;
    case '/webhooks': return <Webhooks />;
    case '/audit': return <AuditLog />;
    default:
      return (
        <>
          <h1>Page not found</h1>
          <p>There is no page at this address. <Link to="/">Go to the dashboard</Link>.</p>
        </>
      );
  }
}

function Shell({ session }: { session: Session }) {
  const path = usePath();
  const [, logout] = useMutation(Logout);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const signOut = async () => {
    await logout({});
    saveSession(null, 'signed-out');
  };
  return (
    <div className="shell">
      <a href="#main" className="skip">Skip to content</a>
      <header>
        <span className="brand">voipbin</span>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="nav" aria-label="Main" className={menuOpen ? 'open' : ''}>
          {PAGES.map((p) => (
            <Link key={p.path} to={p.path} aria-current={path === p.path || (p.path !== '/' && path.startsWith(`${p.path}/`)) ? 'page' : undefined}>{p.label}</Link>
          ))}
        </nav>
        <span className="who" data-testid="who">{session.username} · {session.customerName}</span>
        <button type="button" onClick={() => void signOut()}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} session={session} />
      </main>
    </div>
  );
}

const NOTICES: Record<string, string> = {
  expired: 'Your session expired. Please sign in again.',
  'signed-out': 'You have signed out.',
};

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState('');
  // a new client per signed-in identity: no cached data crosses from one login to the next
  const client = useMemo(() => makeClient(), [session?.customerId, session?.username]);

  useEffect(
    () =>
      onSessionChange((next, reason) => {
        if (!next) {
          resetWs();
          setNotice(NOTICES[reason] ?? '');
          if (window.location.pathname !== '/console/') navigate('/');
        } else if (reason === 'signed-in') {
          resetWs();
          setNotice('');
        }
        setSession(next);
      }),
    [],
  );

  // renew the access token a minute before it expires; if refused, back to sign-in
  useEffect(() => {
    if (!session) return;
    const wait = Math.max(0, Date.parse(session.expiresAt) - Date.now() - 60_000);
    const timer = window.setTimeout(() => void refreshSession(), wait);
    return () => window.clearTimeout(timer);
  }, [session?.expiresAt]);

  return (
    <Provider value={client}>
      {session ? <Shell session={session} /> : <SignIn notice={notice} />}
    </Provider>
  );
}
