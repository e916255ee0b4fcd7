// Every API failure in words a person understands. Decisions are made on
// `extensions.code` only (never on message text); the server's own message is shown only
// where it is written for people: invalid input and conflicts.
import type { CombinedError } from 'urql';

export interface ApiProblem {
  code: string;
  text: string;
  field?: string;
}

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export function describe(code: string, message: string, ext: Record<string, unknown>): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    case 'FORBIDDEN':
      return 'Your account is not allowed to do this. Ask a customer admin of your account.';
    case 'NOT_FOUND':
      return 'This item does not exist (any more). It may have been deleted.';
    case 'BAD_USER_INPUT':
      return message || 'Some of the values entered are not valid.';
    case 'CONFLICT':
      return `This clashes with the current state: ${message}`;
    case 'RATE_LIMITED': {
      const wait = typeof ext.retryAfter === 'number' ? ext.retryAfter : 1;
      return `Too many requests right now. Try again in ${wait} second${wait === 1 ? '' : 's'}.`;
    }
    case 'PAYMENT_REQUIRED':
      return 'Your balance is too low for this. Top up your account and try again.';
    case 'PAYLOAD_TOO_LARGE':
      return 'What you sent is too large (over 1 MB).';
    case 'QUERY_TOO_COMPLEX':
      return 'This page asked for too much at once. Use a smaller page size.';
    case 'GRAPHQL_PARSE_FAILED':
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'BAD_REQUEST':
      return 'The console and the API do not agree on this request; reload the page (the console may be older than the API).';
    case 'NETWORK':
      return 'Cannot reach the voipbin API. Check that it is running and your connection works.';
    case 'INTERNAL':
    default:
      return 'Something went wrong on the server. Try again; if it keeps happening, report the time to your operator.';
  }
}

export function problemsOf(error: CombinedError | undefined | null): ApiProblem[] {
  if (!error) return [];
  if (error.networkError && error.graphQLErrors.length === 0) {
    return [{ code: 'NETWORK', text: describe('NETWORK', '', {}) }];
  }
  return error.graphQLErrors.map((e: GraphQLErrorLike) => fromGraphQLError(e));
}

export function fromGraphQLError(e: GraphQLErrorLike): ApiProblem {
  const ext = e.extensions ?? {};
  const code = typeof ext.code === 'string' ? ext.code : 'INTERNAL';
  const problem: ApiProblem = { code, text: describe(code, e.message, ext) };
  if (typeof ext.field === 'string') problem.field = ext.field;
  return problem;
}

export function hasCode(error: CombinedError | undefined | null, code: string): boolean {
  return problemsOf(error).some((p) => p.code === code);
}
