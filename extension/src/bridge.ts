/**
 * The web-app bridge: a content script registered on the configured Latchkey origin only (see
 * background.ts). It announces the extension (`<html data-latchkey-extension="<version>">`), takes
 * `latchkey:login` messages from this page's own window and origin, forwards them to the service
 * worker, and posts back `latchkey:login-result` — never a secret: the worker answers with a code
 * and a message only, and fills the account's login page in another tab.
 *
 * Built as a classic script (IIFE): no runtime imports.
 */
import { PRESENCE_ATTRIBUTE } from './lib/constants';
import type { Result } from './lib/messages';

const version = chrome.runtime.getManifest().version;

function announce(): void {
  const root = document.documentElement;
  if (root) root.dataset[PRESENCE_ATTRIBUTE] = version;
  else document.addEventListener('readystatechange', announce, { once: true });
}
announce();

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window || event.origin !== location.origin) return;
  const data = event.data as { type?: unknown; accountId?: unknown } | null;
  if (!data || typeof data !== 'object' || data.type !== 'latchkey:login' || typeof data.accountId !== 'string') return;
  const accountId = data.accountId.slice(0, 64);
  chrome.runtime
    .sendMessage({ kind: 'bridge-login', accountId })
    .then((result: Result<unknown> | undefined) => {
      if (result?.ok) reply(accountId, true);
      else reply(accountId, false, result?.code ?? 'extension_error', result?.message ?? 'The Latchkey extension could not log in.');
    })
    .catch(() => reply(accountId, false, 'extension_unavailable', 'The Latchkey extension did not answer. Reload this page and try again.'));
});

function reply(accountId: string, ok: boolean, code?: string, message?: string): void {
  window.postMessage(
    { type: 'latchkey:login-result', accountId, ok, ...(code ? { code } : {}), ...(message ? { message: message.slice(0, 500) } : {}) },
    location.origin,
  );
}
