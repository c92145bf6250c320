import { app, authentication } from '@microsoft/teams-js';
import type { DevPerson } from '../dashboardTypes.ts';
import { h, messageBar, show } from './dom.ts';

export interface Session {
  token: () => Promise<string>;
  /** Set for the development sign-in: the page says so on every screen, and offers to sign out. */
  development?: { signOut: () => void };
}

const devTokenKey = 'dashboard.devToken';

/** Teams' themes, as the page's data-theme: default (light), dark, contrast. */
export function applyTheme(theme: string | null | undefined): void {
  const known = theme === 'dark' || theme === 'contrast' ? theme : theme === 'default' || theme === 'light' ? 'light' : undefined;
  document.documentElement.dataset.theme = known ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

/**
 * Inside Teams: its context (theme) and its single sign-on token. Outside Teams, `app.initialize()` rejects at once
 * (no parent window) or never answers (a foreign frame), so it races a short timeout.
 */
async function teamsSession(): Promise<Session | undefined> {
  try {
    await Promise.race([app.initialize(), new Promise((_, reject) => setTimeout(() => reject(new Error('not in Teams')), 2000))]);
  } catch {
    return undefined;
  }
  const context = await app.getContext();
  applyTheme(context.app.theme);
  app.registerOnThemeChangeHandler(applyTheme);
  return { token: () => authentication.getAuthToken() };
}

/** The development sign-in, if the server has it on: pick anyone from the directory (local development only). */
async function devSession(host: HTMLElement): Promise<Session | undefined> {
  const saved = sessionStorage.getItem(devTokenKey);
  const signOut = () => {
    sessionStorage.removeItem(devTokenKey);
    location.reload();
  };
  if (saved) return { token: async () => saved, development: { signOut } };
  const { development } = (await (await fetch('/dashboard/api/sign-in')).json()) as { development: boolean };
  if (!development) return undefined;
  const people = (await (await fetch('/dashboard/dev/people')).json()) as DevPerson[];
  return new Promise((resolve) => {
    const picker = h('select', { id: 'dev-person', 'aria-label': 'Person' }, ...people.map((p, i) => h('option', { value: String(i) }, `${p.name} — ${p.role === 'CustomerUser' ? 'customer user' : p.role.replace(/Agent$/, ' Agent')}, ${p.organisation}`)));
    const signIn = async () => {
      const person = people[Number(picker.value)]!;
      const answer = await fetch('/dashboard/dev/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: person.tenantId, userId: person.userId }) });
      const { token } = (await answer.json()) as { token: string };
      sessionStorage.setItem(devTokenKey, token);
      resolve({ token: async () => token, development: { signOut } });
    };
    show(
      host,
      h(
        'section',
        { class: 'card dev-sign-in' },
        h('h1', {}, 'Development sign-in'),
        messageBar('warning', 'For local development only: anyone can sign in as anyone here. In Microsoft Teams the dashboard signs you in with your Teams account instead.'),
        h('label', { for: 'dev-person' }, 'Sign in as'),
        picker,
        h('button', { class: 'primary', onclick: () => void signIn() }, 'Sign in'),
      ),
    );
  });
}

/** Who is looking: from Teams, else from the development sign-in, else the page says where to open it. */
export async function startSession(host: HTMLElement): Promise<Session | undefined> {
  applyTheme(new URLSearchParams(location.search).get('theme'));
  const session = (await teamsSession()) ?? (await devSession(host));
  if (!session) {
    show(host, h('section', { class: 'card' }, h('h1', {}, 'Open this in Microsoft Teams'), h('p', {}, 'The reservations dashboard is a tab of the Reservations app in Teams, and signs you in with your Teams account. Open the app in Teams, and choose Dashboard.')));
  }
  return session;
}
