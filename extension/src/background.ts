/**
 * The extension's service worker: the only part that talks to the Latchkey server, holds the
 * device token (chrome.storage.local) and, for the seconds of one fill, an account's secrets.
 * It answers the popup (an extension page) and the web-app bridge (a content script registered on
 * the configured Latchkey origin only), checking who sends each message.
 */
import { ApiError, createApi } from './lib/api';
import { logIn } from './lib/login';
import {
  ExtensionErrorCode,
  type AccountOption,
  type BridgeRequest,
  type ExtensionStatus,
  type PopupRequest,
  type Result,
} from './lib/messages';
import { cancelPairing, currentPairing, startPairing } from './lib/pairing';
import { clearConnection, getConnection, getServerUrl, normalizeServerUrl, publicConnection, setServerUrl } from './lib/settings';

const BRIDGE_SCRIPT_ID = 'latchkey-bridge';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Accounts with a Log in under way: a second click on the same one waits for the first. */
const inFlight = new Set<string>();

// Only the extension's own pages and this worker may read storage (not content scripts).
void chrome.storage.local.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);

/** Register the bridge on the configured Latchkey origin (and nowhere else); re-done when it changes. */
async function syncBridge(): Promise<void> {
  const serverUrl = await getServerUrl();
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [BRIDGE_SCRIPT_ID] });
  if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [BRIDGE_SCRIPT_ID] });
  await chrome.scripting.registerContentScripts([
    {
      id: BRIDGE_SCRIPT_ID,
      js: ['bridge.js'],
      matches: [`${serverUrl}/*`],
      runAt: 'document_start',
      allFrames: false,
      persistAcrossSessions: true,
    },
  ]);
}

/** Registrations run one after another (two at once would both try to register the same id). */
let bridgeSync: Promise<void> = Promise.resolve();
function resyncBridge(): Promise<void> {
  bridgeSync = bridgeSync.then(syncBridge).catch(() => undefined);
  return bridgeSync;
}

chrome.runtime.onInstalled.addListener(() => void resyncBridge());
chrome.runtime.onStartup.addListener(() => void resyncBridge());

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  handle(message, sender).then(sendResponse, () =>
    sendResponse({ ok: false, code: 'internal_error', message: 'Something went wrong in the extension.' } satisfies Result<never>),
  );
  return true; // answer asynchronously
});

async function handle(message: unknown, sender: chrome.runtime.MessageSender): Promise<Result<unknown>> {
  if (sender.id !== chrome.runtime.id || typeof message !== 'object' || message === null) {
    return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Unknown sender.' };
  }
  // The popup (or any page of this extension); content scripts report the web page's URL instead.
  const fromExtensionPage = sender.url?.startsWith(chrome.runtime.getURL('/')) === true;
  const kind = (message as { kind?: unknown }).kind;
  if (kind === 'bridge-login') return fromBridge(message as BridgeRequest, sender);
  if (!fromExtensionPage) return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Not allowed from a web page.' };
  return fromPopup(message as PopupRequest);
}

/** A Log in click on the Latchkey web app, relayed by the bridge: only from that origin's top frame. */
async function fromBridge(req: BridgeRequest, sender: chrome.runtime.MessageSender): Promise<Result<unknown>> {
  const serverUrl = await getServerUrl();
  if (sender.origin !== serverUrl || sender.frameId !== 0 || !sender.tab) {
    return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Log in requests are accepted from the Latchkey web app only.' };
  }
  if (typeof req.accountId !== 'string' || !UUID.test(req.accountId)) {
    return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Unknown account.' };
  }
  return runLogin(req.accountId, null);
}

async function fromPopup(req: PopupRequest): Promise<Result<unknown>> {
  switch (req.kind) {
    case 'status':
      return { ok: true, value: await status() };
    case 'set-server': {
      const url = normalizeServerUrl(String(req.serverUrl));
      if (!url) return { ok: false, code: 'invalid_server_url', message: 'Enter the address of your Latchkey server, e.g. https://latchkey.example.com.' };
      cancelPairing();
      await setServerUrl(url);
      await resyncBridge();
      return { ok: true, value: await status() };
    }
    case 'connect': {
      const serverUrl = await getServerUrl();
      const started = await startPairing(serverUrl, () => undefined);
      return started.ok ? { ok: true, value: await status() } : started;
    }
    case 'cancel-pairing':
      cancelPairing();
      return { ok: true, value: await status() };
    case 'disconnect': {
      cancelPairing();
      const connection = await getConnection();
      // Best effort: revoke the device on the server (it then leaves Trusted devices); the token is
      // forgotten here even when the server cannot be reached or already revoked it.
      if (connection) await createApi(connection.serverUrl, connection.deviceToken).revokeSelf().catch(() => undefined);
      await clearConnection();
      return { ok: true, value: await status() };
    }
    case 'accounts':
      return accounts(req.pageUrl);
    case 'login':
      if (typeof req.accountId !== 'string' || !UUID.test(req.accountId)) {
        return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Unknown account.' };
      }
      return runLogin(req.accountId, typeof req.tabId === 'number' ? req.tabId : null);
    default:
      return { ok: false, code: ExtensionErrorCode.BAD_REQUEST, message: 'Unknown request.' };
  }
}

async function status(): Promise<ExtensionStatus> {
  const connection = await getConnection();
  return { serverUrl: await getServerUrl(), connection: connection ? publicConnection(connection) : null, pairing: currentPairing() };
}

async function accounts(pageUrl: string | null): Promise<Result<AccountOption[]>> {
  const connection = await getConnection();
  if (!connection) return notPaired();
  try {
    const list = await createApi(connection.serverUrl, connection.deviceToken).accounts(pageUrl && /^https?:/i.test(pageUrl) ? pageUrl : null);
    return { ok: true, value: list.map(({ id, name, appName, loginUrl }) => ({ id, name, appName, loginUrl })) };
  } catch (err) {
    return await failed(err);
  }
}

async function runLogin(accountId: string, tabId: number | null): Promise<Result<unknown>> {
  const connection = await getConnection();
  if (!connection) return notPaired();
  if (inFlight.has(accountId)) return { ok: false, code: ExtensionErrorCode.BUSY, message: 'Already logging in to this account.' };
  inFlight.add(accountId);
  try {
    const result = await logIn(createApi(connection.serverUrl, connection.deviceToken), { accountId, tabId });
    if (!result.ok && (result.code === 'device_revoked' || result.code === 'device_unknown')) await clearConnection();
    return result;
  } finally {
    inFlight.delete(accountId);
  }
}

function notPaired(): Result<never> {
  return { ok: false, code: ExtensionErrorCode.NOT_PAIRED, message: 'Connect the Latchkey extension first: open it and choose Connect.' };
}

/** A device the server no longer knows (revoked on Trusted devices) is forgotten here too. */
async function failed(err: unknown): Promise<Result<never>> {
  if (err instanceof ApiError) {
    if (err.code === 'device_revoked' || err.code === 'device_unknown') await clearConnection();
    return { ok: false, code: err.code, message: err.message };
  }
  return { ok: false, code: 'internal_error', message: 'Something went wrong in the extension.' };
}
