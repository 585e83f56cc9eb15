/**
 * The functions the service worker injects into the login tab with chrome.scripting.executeScript
 * (the extension's isolated world, top frame only). Chrome serialises each function and runs it in
 * the page, so each one is self-contained: no imports, no outer variables, helpers declared inside.
 * Each re-checks `location.origin` against the origin the worker checked and the server approved,
 * so a tab that navigated elsewhere in between is never filled. Submitting happens on a timer so the
 * function returns before the page unloads.
 */

export type CredentialsOutcome =
  | { status: 'wrong-origin' }
  | { status: 'no-fields' }
  | { status: 'filled'; username: boolean; password: boolean; submitted: boolean };

export type TotpOutcome = { status: 'wrong-origin' } | { status: 'no-field' } | { status: 'filled'; submitted: boolean };

/**
 * Fill the username (when `username` is not null) and the password (when `password` is not null)
 * fields of the login form, waiting up to `waitMs` for them to appear, then submit the form.
 * A page that asks for the username first gets just that; the worker calls again on the next page.
 */
export async function fillCredentialsInPage(
  expectedOrigin: string,
  username: string | null,
  password: string | null,
  waitMs: number,
): Promise<CredentialsOutcome> {
  if (location.origin !== expectedOrigin) return { status: 'wrong-origin' };

  const usable = (el: HTMLInputElement) =>
    !el.disabled && !el.readOnly && el.type !== 'hidden' && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const hint = (el: HTMLInputElement) => `${el.name} ${el.id} ${el.getAttribute('aria-label') ?? ''} ${el.placeholder}`.toLowerCase();
  const textLike = (el: HTMLInputElement) => ['text', 'email', 'tel', ''].includes(el.type);

  const find = () => {
    const inputs = Array.from(document.querySelectorAll('input')).filter(usable);
    const pw = password === null ? null : (inputs.find((i) => i.type === 'password' && !/new-password/.test(i.autocomplete)) ?? null);
    let user: HTMLInputElement | null = null;
    if (username !== null) {
      // Candidates: in the password's form (when there is one), before the password field.
      const pool = inputs.filter(
        (i) => textLike(i) && (!pw || ((!pw.form || i.form === pw.form) && i.compareDocumentPosition(pw) & Node.DOCUMENT_POSITION_FOLLOWING)),
      );
      user =
        pool.find((i) => /\busername\b/.test(i.autocomplete)) ??
        pool.find((i) => i.type === 'email') ??
        pool.find((i) => /user|email|login|account|identifier/.test(hint(i))) ??
        (pw ? (pool[pool.length - 1] ?? null) : null);
    }
    return { pw, user };
  };

  let found = find();
  const deadline = Date.now() + waitMs;
  while (!found.pw && !found.user && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    found = find();
  }
  const { pw, user } = found;
  if (!pw && !user) return { status: 'no-fields' };

  const setValue = (el: HTMLInputElement, value: string) => {
    el.focus();
    // The prototype's setter, so pages built with React and similar notice the change.
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    if (setter) setter.call(el, value);
    else el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  if (user && username !== null) setValue(user, username);
  if (pw && password !== null) setValue(pw, password);

  const form = (pw ?? user)?.form ?? null;
  const scope: ParentNode = form ?? document;
  const button =
    scope.querySelector<HTMLElement>('button[type="submit"], input[type="submit"]') ??
    (form ? form.querySelector<HTMLElement>('button:not([type])') : null);
  const submitted = Boolean(form || button);
  setTimeout(() => {
    if (form) {
      try {
        form.requestSubmit(button instanceof HTMLButtonElement || button instanceof HTMLInputElement ? button : undefined);
      } catch {
        form.requestSubmit();
      }
    } else {
      button?.click();
    }
  }, 0);
  return { status: 'filled', username: Boolean(user && username !== null), password: Boolean(pw), submitted };
}

/**
 * Fill the one-time-code step with `code`, waiting up to `waitMs` for the field (the step may
 * render after the password page), then submit. Handles one field or one box per digit.
 */
export async function fillTotpInPage(expectedOrigin: string, code: string, waitMs: number): Promise<TotpOutcome> {
  if (location.origin !== expectedOrigin) return { status: 'wrong-origin' };

  const usable = (el: HTMLInputElement) =>
    !el.disabled && !el.readOnly && el.type !== 'hidden' && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const hint = (el: HTMLInputElement) => `${el.name} ${el.id} ${el.getAttribute('aria-label') ?? ''} ${el.placeholder}`.toLowerCase();

  const find = (): HTMLInputElement[] => {
    const inputs = Array.from(document.querySelectorAll('input')).filter(usable);
    const single =
      inputs.find((i) => i.autocomplete === 'one-time-code' && i.maxLength !== 1) ??
      inputs.find((i) => ['text', 'tel', 'number', ''].includes(i.type) && /otp|totp|2fa|mfa|one.?time|verification|security.?code|\bcode\b|token/.test(hint(i)));
    if (single) return [single];
    const boxes = inputs.filter((i) => i.maxLength === 1 && ['text', 'tel', 'number', ''].includes(i.type));
    return boxes.length === code.length ? boxes : [];
  };

  let fields = find();
  const deadline = Date.now() + waitMs;
  while (fields.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    fields = find();
  }
  if (fields.length === 0) return { status: 'no-field' };

  const setValue = (el: HTMLInputElement, value: string) => {
    el.focus();
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    if (setter) setter.call(el, value);
    else el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  if (fields.length === 1) setValue(fields[0]!, code);
  else fields.forEach((f, i) => setValue(f, code[i] ?? ''));

  const form = fields[0]!.form;
  const button = (form ?? document).querySelector<HTMLElement>('button[type="submit"], input[type="submit"]');
  setTimeout(() => {
    if (form) form.requestSubmit();
    else button?.click();
  }, 0);
  return { status: 'filled', submitted: Boolean(form || button) };
}
