import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorBanner, Field } from '../components/ui';
import { problemsOf, type ApiProblem } from '../errors';
import { graphql } from '../gql';
import { saveSession } from '../session';

const Login = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      refreshToken
      expiresAt
      customer { id name }
      agent { username }
    }
  }
`);

export function SignIn({ notice }: { notice: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [state, login] = useMutation(Login);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await login({ username, password });
    const found = problemsOf(result.error).map((p) =>
      // at sign-in, UNAUTHENTICATED means the pair did not match (never say which half)
      p.code === 'UNAUTHENTICATED' ? { ...p, text: 'Wrong username or password. Check both and try again.' } : p,
    );
    setProblems(found);
    const data = result.data?.login;
    if (data) {
      saveSession(
        {
          token: data.token,
          refreshToken: data.refreshToken,
          expiresAt: data.expiresAt,
          customerId: data.customer.id,
          customerName: data.customer.name,
          username: data.agent.username,
        },
        'signed-in',
      );
    }
  };

  return (
    <main className="signin">
      <h1>voipbin console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <h2>Sign in</h2>
        {notice ? <p className="notice" role="status">{notice}</p> : null}
        <ErrorBanner problems={problems} />
        <Field label="Username" value={username} onChange={setUsername} required autoComplete="username" />
        <Field label="Password" type="password" value={password} onChange={setPassword} required autoComplete="current-password" />
        <button type="submit" className="primary" disabled={state.fetching}>
          {state.fetching ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
