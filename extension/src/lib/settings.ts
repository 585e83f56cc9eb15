import type { Connection } from './messages';

/**
 * What the extension keeps in chrome.storage.local: the Latchkey server's URL and, once paired,
 * the device token with who it acts for. Nothing else is ever stored: account secrets live only
 * in the service worker's memory for the few seconds of one fill.
 */
export const DEFAULT_SERVER_URL = 'http://localhost:8080';

export interface StoredConnection extends Connection {
  /** The server the token belongs to (a token is never sent anywhere else). */
  serverUrl: string;
  deviceToken: string;
}

interface StoredShape {
  serverUrl?: string;
  connection?: StoredConnection;
}

/**
 * "https://latchkey.example.com/anything" → "https://latchkey.example.com" (the origin: Latchkey is
 * served from the root). Null for anything that is not an http(s) URL.
 */
export function normalizeServerUrl(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed || trimmed.length > 2048) return null;
  try {
    const u = new URL(trimmed);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.username || u.password) return null;
    return u.origin;
  } catch {
    return null;
  }
}

async function read(): Promise<StoredShape> {
  return (await chrome.storage.local.get(['serverUrl', 'connection'])) as StoredShape;
}

export async function getServerUrl(): Promise<string> {
  return (await read()).serverUrl ?? DEFAULT_SERVER_URL;
}

/** Changing the server forgets the device token (it belongs to the old server). */
export async function setServerUrl(url: string): Promise<void> {
  const current = await getServerUrl();
  if (current === url) return;
  await chrome.storage.local.remove('connection');
  await chrome.storage.local.set({ serverUrl: url });
}

/** The stored connection, only if it belongs to the configured server. */
export async function getConnection(): Promise<StoredConnection | null> {
  const s = await read();
  const serverUrl = s.serverUrl ?? DEFAULT_SERVER_URL;
  return s.connection && s.connection.serverUrl === serverUrl ? s.connection : null;
}

export async function setConnection(connection: StoredConnection): Promise<void> {
  await chrome.storage.local.set({ connection });
}

export async function clearConnection(): Promise<void> {
  await chrome.storage.local.remove('connection');
}

/** The connection without its token: what the popup may see. */
export function publicConnection(c: StoredConnection): Connection {
  return { user: c.user, workspace: c.workspace, device: c.device };
}
