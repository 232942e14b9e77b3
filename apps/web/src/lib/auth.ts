/** The signed-in user's tokens, kept in localStorage so that a reload keeps the session; refreshed before they expire. */
import createClient from 'openapi-fetch';
import type { components, paths } from '../api/schema';

const plainApi = createClient<paths>({ baseUrl: '', headers: { Accept: 'application/json' } });

export type User = components['schemas']['UserDto'];
export type TokenPair = components['schemas']['TokenPairDto'];

const KEY = 'zjp.session';

interface Stored {
  accessToken: string;
  refreshToken: string;
  expiresAt: number; // browser ms: only compared with the browser's own clock, for a refresh a little early
  user: User;
}

type Listener = (user: User | null) => void;
const listeners = new Set<Listener>();
let current: Stored | null = load();
let refreshing: Promise<string | null> | null = null;

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

function save(next: Stored | null): void {
  current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l(next?.user ?? null));
}

export function signedIn(pair: TokenPair): void {
  save({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000, user: pair.user });
}

export function signOut(): void {
  save(null);
}

export function currentUser(): User | null {
  return current?.user ?? null;
}

export function onUserChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasRole(user: User | null, ...roles: User['roles']): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

/** A valid access token (refreshed when it is about to expire), or null when signed out or the refresh failed. */
export async function accessToken(forceRefresh = false): Promise<string | null> {
  if (!current) return null;
  if (!forceRefresh && current.expiresAt - Date.now() > 30_000) return current.accessToken;
  refreshing ??= refresh().finally(() => (refreshing = null));
  return refreshing;
}

async function refresh(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  try {
    // the generated client without the token middleware (which would ask for a refresh itself)
    const { data, response } = await plainApi.POST('/auth/refresh', { body: { refreshToken: session.refreshToken } });
    if (!response.ok || !data) {
      if (response.status === 401 || response.status === 400) save(null);
      return null;
    }
    signedIn(data);
    return current?.accessToken ?? null;
  } catch {
    return session.accessToken; // offline: keep the session, the request will fail as unreachable
  }
}

/** Where a user's own work is: the enterprise's desk, the holder's, the broker's, or the administrators' consoles. */
export function deskPath(user: User): string {
  if (hasRole(user, 'platform_admin', 'authority_admin')) return '/admin';
  if (hasRole(user, 'holder_admin', 'holder_member')) return '/holder';
  if (hasRole(user, 'broker')) return '/broker';
  return '/desk';
}
