import { EXTENSION_PRESENCE_ATTRIBUTE, LoginResultMessageSchema, type LoginRequestMessage, type LoginResultMessage } from '@shared/devices';

/**
 * The bridge to the Latchkey browser extension (ADR 0013). The web app never asks for a fill
 * ticket and never receives a secret: it only posts `latchkey:login` to its own window; the
 * extension's content script (present when `<html data-latchkey-extension="<version>">`) forwards
 * it to the extension, which opens the login page, fills it and answers `latchkey:login-result`.
 */

/** The installed extension's version, or null when it is absent. */
export function extensionVersion(): string | null {
  return document.documentElement.dataset[EXTENSION_PRESENCE_ATTRIBUTE] ?? null;
}

/** How long to wait for the extension's answer (it opens a tab and fills it). */
const RESULT_TIMEOUT_MS = 45_000;

/** Ask the extension to log in to an account; resolves with its result (or a timeout result). */
export function requestExtensionLogin(accountId: string): Promise<LoginResultMessage> {
  return new Promise((resolve) => {
    const done = (result: LoginResultMessage) => {
      window.removeEventListener('message', onMessage);
      window.clearTimeout(timer);
      resolve(result);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window || event.origin !== window.location.origin) return;
      const parsed = LoginResultMessageSchema.safeParse(event.data);
      if (parsed.success && parsed.data.accountId === accountId) done(parsed.data);
    };
    const timer = window.setTimeout(
      () =>
        done({
          type: 'latchkey:login-result',
          accountId,
          ok: false,
          code: 'timeout',
          message: 'The extension did not answer. Check that it is paired and try again.',
        }),
      RESULT_TIMEOUT_MS,
    );
    window.addEventListener('message', onMessage);
    const msg: LoginRequestMessage = { type: 'latchkey:login', accountId };
    window.postMessage(msg, window.location.origin);
  });
}
