/**
 * Messages between the extension's own parts (chrome.runtime.sendMessage). The service worker is
 * the only part that talks to the Latchkey server and the only one that ever holds a secret: the
 * popup and the web-app bridge send requests and get back results without one.
 */

/** From the popup (an extension page). */
export type PopupRequest =
  | { kind: 'status' }
  | { kind: 'set-server'; serverUrl: string }
  | { kind: 'connect' }
  | { kind: 'cancel-pairing' }
  | { kind: 'disconnect' }
  | { kind: 'accounts'; pageUrl: string | null }
  | { kind: 'login'; accountId: string; tabId: number | null };

/** From the bridge content script on the Latchkey web app (checked against the sender's origin). */
export interface BridgeRequest {
  kind: 'bridge-login';
  accountId: string;
}

export type ExtensionRequest = PopupRequest | BridgeRequest;

export interface Connection {
  user: { email: string; name: string };
  workspace: { id: string; name: string };
  device: { id: string; browser: string; os: string; createdAt: string };
}

export interface PairingStatus {
  userCode: string;
  approveUrl: string;
  expiresAt: string;
  /** `waiting` until approved; `failed` with a message when denied, expired or unreachable. */
  state: 'waiting' | 'failed';
  message?: string;
}

export interface ExtensionStatus {
  serverUrl: string;
  connection: Connection | null;
  pairing: PairingStatus | null;
}

export interface AccountOption {
  id: string;
  name: string;
  appName: string;
  loginUrl: string;
}

/** Every answer: a value, or a stable code and a message in product words. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Codes the extension itself produces (the server's own codes pass through unchanged). */
export const ExtensionErrorCode = {
  NOT_PAIRED: 'extension_not_paired',
  SERVER_UNREACHABLE: 'server_unreachable',
  ACCOUNT_NOT_AVAILABLE: 'account_not_available',
  NO_LOGIN_URL: 'login_url_invalid',
  TAB_CLOSED: 'tab_closed',
  TAB_LEFT_SITE: 'tab_left_login_site',
  NO_LOGIN_FORM: 'login_form_not_found',
  TOTP_STEP_NOT_FOUND: 'totp_step_not_found',
  BAD_REQUEST: 'bad_request',
  BUSY: 'login_in_progress',
} as const;
