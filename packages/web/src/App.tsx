import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { AppApi, ApiError } from './api/client.ts';
import type { SessionUser } from './api/types.ts';
import { LoginPage } from './workbench/LoginPage.tsx';
import { WorkbenchPage } from './workbench/WorkbenchPage.tsx';
import { DASHBOARD_ROLES } from './dashboard/roles.ts';
import { lazyPart } from './lazy-part.tsx';
import { AcceptInvitePage } from './workbench/AcceptInvitePage.tsx';
import { ForgotPasswordPage } from './workbench/ForgotPasswordPage.tsx';

/**
 * Hash routes (`#/work`, `#/review`, `#/dashboard/...`, `#/accept-invite?token=`, `#/forgot-password`), so the server serves one index.html under
 * /ui/ and needs no fallback route for client paths.
 */
function useHashRoute(): { path: string; query: URLSearchParams } {
  const hash = useSyncExternalStore(
    (listener) => {
      window.addEventListener('hashchange', listener);
      return () => window.removeEventListener('hashchange', listener);
    },
    () => window.location.hash,
  );
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  return { path: path || '/work', query: new URLSearchParams(query) };
}

// The dashboard is for managers and members, in a chunk of its own: labelers never load it.
const DashboardPage = lazyPart(() => import('./dashboard/DashboardPage.tsx').then((page) => page.DashboardPage), 'dashboard');

type Session = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in'; user: SessionUser };

export function App({ api: providedApi }: { api?: AppApi }) {
  const api = useMemo(() => providedApi ?? new AppApi(), [providedApi]);
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const { path, query } = useHashRoute();

  useEffect(() => {
    // session/state answers 200 signed in or not, so loading the sign-in page logs no failed request.
    api.sessionState().then(
      (state) => setSession(state.signed_in ? { state: 'signed-in', user: state.user } : { state: 'signed-out' }),
      (error: unknown) => {
        setSession({ state: 'signed-out' });
        console.warn('Session check failed:', error);
      },
    );
  }, [api]);

  const signOut = useCallback(() => setSession({ state: 'signed-out' }), []);

  const signIn = useCallback((user: SessionUser) => setSession({ state: 'signed-in', user }), []);

  if (session.state === 'checking') return <p className="tw-page-message">Loading…</p>;
  // An invitation link opens the sign-up form even when someone else is signed in on this browser.
  if (path === '/accept-invite' && query.get('token')) return <AcceptInvitePage api={api} token={query.get('token')!} reset={query.get('reset') === '1'} onSignedIn={signIn} />;
  if (session.state === 'signed-out') {
    if (path === '/forgot-password') return <ForgotPasswordPage api={api} initialEmail={query.get('email') ?? ''} />;
    return <LoginPage api={api} onSignedIn={signIn} />;
  }

  const project = query.get('project') ?? undefined;
  const user = session.user;
  const managesWork = DASHBOARD_ROLES.includes(user.role);
  const onDashboard = path === '/dashboard' || path.startsWith('/dashboard/');
  return (
    <div className="tw-app">
      <header className="tw-header">
        <strong>Tagwright</strong>
        <nav>
          <a href="#/work" aria-current={path === '/work' ? 'page' : undefined}>
            Label
          </a>
          {managesWork && (
            <a href="#/review" aria-current={path === '/review' ? 'page' : undefined}>
              Review
            </a>
          )}
          <a href="#/dashboard" aria-current={onDashboard ? 'page' : undefined}>
            {managesWork ? 'Dashboard' : 'Projects'}
          </a>
        </nav>
        <span className="tw-user">{session.user.email}</span>
        <button
          type="button"
          onClick={() => {
            void api.logout().finally(signOut);
          }}
        >
          Sign out
        </button>
      </header>
      {onDashboard ? (
        <DashboardPage api={api} user={user} path={path} query={query} />
      ) : (
        <WorkbenchPage
          key={`${path}?${project ?? ''}`}
          api={api}
          kind={path === '/review' ? 'review' : 'label'}
          project={project}
          onSignedOut={signOut}
        />
      )}
    </div>
  );
}
