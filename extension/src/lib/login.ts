import { ApiError, type LatchkeyApi } from './api';
import { fillCredentialsInPage, fillTotpInPage, type CredentialsOutcome, type TotpOutcome } from './fill';
import { ExtensionErrorCode, type Result } from './messages';
import { tabOrigin, watchNextLoad, whenLoaded, type LoadOutcome } from './tabs';

const PAGE_LOAD_MS = 20_000;
const FIELD_WAIT_MS = 5_000;
const NEXT_STEP_MS = 10_000;

export interface LoginTarget {
  accountId: string;
  /** Fill this tab (popup: the current tab) instead of opening a new one. */
  tabId: number | null;
}

export interface LoginDone {
  accountName: string;
  /** Whether a TOTP step was filled too. */
  totp: boolean;
}

const fail = (code: string, message: string): Result<never> => ({ ok: false, code, message });

/**
 * One Log in, start to end, in the service worker:
 *  1. find the account (and its login URL) among those this device may use;
 *  2. ask for a single-use fill ticket (60 s, bound to user, device and account);
 *  3. open the login URL in a tab (or the given tab) and wait for it;
 *  4. check the tab's origin against the account's login URL, and redeem the ticket FOR that
 *     origin (the server checks it again, with the grant);
 *  5. fill username + password and submit; when the account has a TOTP key, fill the code the
 *     server computed on the next step and submit.
 * The secrets exist only in this function's variables and the injected call's arguments; they are
 * dropped on return and never stored, logged or sent to any other part of the extension.
 */
export async function logIn(api: LatchkeyApi, target: LoginTarget): Promise<Result<LoginDone>> {
  try {
    const account = (await api.accounts(null)).find((a) => a.id === target.accountId);
    if (!account) {
      return fail(ExtensionErrorCode.ACCOUNT_NOT_AVAILABLE, 'This account is not available to the workspace this extension is connected to.');
    }
    const loginUrl = httpUrl(account.loginUrl);
    if (!loginUrl) return fail(ExtensionErrorCode.NO_LOGIN_URL, `${account.name} has no login address to open.`);

    const { ticket } = await api.createTicket(account.id);

    let tabId: number | undefined;
    let loaded: LoadOutcome;
    if (target.tabId !== null) {
      // Watch before navigating: the tab may already show this very page, finished loading.
      const navigation = watchNextLoad(target.tabId, PAGE_LOAD_MS);
      tabId = (await chrome.tabs.update(target.tabId, { url: loginUrl.href, active: true }))?.id;
      loaded = await navigation.done;
    } else {
      tabId = (await chrome.tabs.create({ url: loginUrl.href, active: true })).id;
      loaded = tabId === undefined ? 'closed' : await whenLoaded(tabId, PAGE_LOAD_MS);
    }
    if (tabId === undefined || loaded === 'closed') return fail(ExtensionErrorCode.TAB_CLOSED, 'The login tab was closed.');

    const origin = await tabOrigin(tabId);
    if (origin !== loginUrl.origin) {
      return fail(ExtensionErrorCode.TAB_LEFT_SITE, `The login page moved away from ${loginUrl.host}; nothing was filled.`);
    }

    let secrets: Awaited<ReturnType<LatchkeyApi['redeem']>> | null = await api.redeem(ticket, origin);
    try {
      if (httpUrl(secrets.loginUrl)?.origin !== origin) {
        return fail(ExtensionErrorCode.TAB_LEFT_SITE, 'The account’s login address changed; nothing was filled.');
      }
      return await fillSteps(tabId, origin, account.name, secrets);
    } finally {
      secrets = null; // drop the only reference
    }
  } catch (err) {
    if (err instanceof ApiError) return fail(err.code, err.message);
    return fail('fill_failed', 'The login page could not be filled.');
  }
}

async function fillSteps(
  tabId: number,
  origin: string,
  accountName: string,
  secrets: { username: string; password: string; totp: { code: string } | null },
): Promise<Result<LoginDone>> {
  // Step 1: username and password (a username-first page gets a second round for the password).
  let username: string | null = secrets.username;
  for (let round = 0; round < 2; round++) {
    const next = watchNextLoad(tabId, NEXT_STEP_MS);
    const outcome = await inject<CredentialsOutcome>(tabId, fillCredentialsInPage, [origin, username, secrets.password, FIELD_WAIT_MS]);
    if (!outcome || outcome.status === 'wrong-origin') {
      next.cancel();
      return fail(ExtensionErrorCode.TAB_LEFT_SITE, 'The login page moved to another site; nothing more was filled.');
    }
    if (outcome.status === 'no-fields') {
      next.cancel();
      return fail(ExtensionErrorCode.NO_LOGIN_FORM, `No login form was found on ${new URL(origin).host}.`);
    }
    if (outcome.submitted) {
      const loaded = await next.done;
      if (loaded === 'closed') return fail(ExtensionErrorCode.TAB_CLOSED, 'The login tab was closed.');
    } else {
      next.cancel();
    }
    if (outcome.password) break;
    username = null; // filled on the first page
  }

  if (!secrets.totp) return { ok: true, value: { accountName, totp: false } };

  // Step 2: the one-time code, on the page the password step led to (or the same page).
  if ((await tabOrigin(tabId)) !== origin) {
    return fail(ExtensionErrorCode.TAB_LEFT_SITE, 'After the password the site moved elsewhere; the code was not filled.');
  }
  const next = watchNextLoad(tabId, NEXT_STEP_MS);
  const totp = await inject<TotpOutcome>(tabId, fillTotpInPage, [origin, secrets.totp.code, FIELD_WAIT_MS]);
  if (!totp || totp.status !== 'filled') {
    next.cancel();
    return fail(ExtensionErrorCode.TOTP_STEP_NOT_FOUND, 'The password was filled, but no verification-code step appeared.');
  }
  if (totp.submitted) await next.done;
  else next.cancel();
  return { ok: true, value: { accountName, totp: true } };
}

/** Run one of the fill functions in the tab's top frame; null when the page went away meanwhile. */
async function inject<T>(tabId: number, func: (...args: never[]) => Promise<T>, args: unknown[]): Promise<T | null> {
  try {
    const [first] = await chrome.scripting.executeScript({
      target: { tabId },
      func: func as unknown as (...a: unknown[]) => Promise<T>,
      args,
    });
    return (first?.result as T | undefined) ?? null;
  } catch {
    return null;
  }
}

function httpUrl(raw: string): URL | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}
