/**
 * The toolbar popup: the Latchkey server's address, Connect (device flow), who the extension is
 * connected as, and the shared accounts for the current tab with Log in on each. Everything goes
 * through the service worker; the popup never sees a token or a secret.
 */
import type { AccountOption, ExtensionStatus, PopupRequest, Result } from './lib/messages';

const app = document.getElementById('app')!;
const errorLine = document.getElementById('error')!;

function send<T>(req: PopupRequest): Promise<Result<T>> {
  return chrome.runtime.sendMessage<PopupRequest, Result<T>>(req);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function showError(message: string | null): void {
  errorLine.hidden = !message;
  errorLine.textContent = message ?? '';
}

/** The active tab of this window when it shows a web page (not this popup opened as a tab). */
async function currentPage(): Promise<{ tabId: number; url: string } | null> {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined || !tab.url || !/^https?:/i.test(tab.url)) return null;
  return { tabId: tab.id, url: tab.url };
}

let pairingPoll: ReturnType<typeof setInterval> | null = null;

async function render(): Promise<void> {
  const res = await send<ExtensionStatus>({ kind: 'status' });
  if (!res.ok) return showError(res.message);
  const s = res.value;
  app.replaceChildren();
  if (s.connection) return renderConnected(s);
  renderServerForm(s);
  if (s.pairing) renderPairing(s);
  else renderConnect();
}

function renderServerForm(s: ExtensionStatus): void {
  const input = el('input', { id: 'server-url', type: 'url', value: s.serverUrl, required: true, spellcheck: false });
  const form = el(
    'form',
    {},
    el('label', { htmlFor: 'server-url' }, 'Latchkey server'),
    input,
    el('div', { className: 'row' }, el('button', { type: 'submit' }, 'Save')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send<ExtensionStatus>({ kind: 'set-server', serverUrl: input.value }).then((r) => {
      showError(r.ok ? null : r.message);
      return render();
    });
  });
  app.append(form);
}

function renderConnect(): void {
  const button = el('button', { className: 'primary', type: 'button' }, 'Connect');
  button.addEventListener('click', () => {
    button.disabled = true;
    showError(null);
    void send<ExtensionStatus>({ kind: 'connect' }).then((r) => {
      if (!r.ok) showError(r.message);
      return render();
    });
  });
  app.append(
    el('p', { className: 'muted' }, 'Connect this browser to your Latchkey account to log in to shared accounts without seeing their passwords.'),
    el('div', { className: 'row' }, button),
  );
}

function renderPairing(s: ExtensionStatus): void {
  const p = s.pairing!;
  const cancel = el('button', { type: 'button' }, p.state === 'failed' ? 'Start again' : 'Cancel');
  cancel.addEventListener('click', () => void send({ kind: 'cancel-pairing' }).then(render));
  const body =
    p.state === 'waiting'
      ? [
          el('p', {}, 'Approve this device on the Latchkey page that opened. Check that it shows this code:'),
          el('p', { className: 'code', id: 'user-code' }, p.userCode),
        ]
      : [el('p', { className: 'error' }, p.message ?? 'Connecting failed.')];
  app.append(el('h2', {}, 'Connecting'), ...body, el('div', { className: 'row' }, cancel));
  // The worker polls the server; follow its progress here while the popup is open.
  pairingPoll ??= setInterval(() => void render(), 1000);
}

function renderConnected(s: ExtensionStatus): void {
  if (pairingPoll) clearInterval(pairingPoll);
  pairingPoll = null;
  const c = s.connection!;
  const disconnect = el('button', { type: 'button' }, 'Disconnect');
  disconnect.addEventListener('click', () => void send({ kind: 'disconnect' }).then(render));
  const list = el('ul', { className: 'accounts', id: 'accounts' });
  app.append(
    el('p', { id: 'signed-in' }, 'Connected as ', el('strong', {}, c.user.name), ` (${c.user.email})`),
    el('p', { className: 'muted' }, `Workspace: ${c.workspace.name} · ${c.device.browser} on ${c.device.os} · ${new URL(s.serverUrl).host}`),
    el('div', { className: 'row' }, disconnect),
    el('h2', { id: 'accounts-heading' }, 'Accounts'),
    list,
  );
  void renderAccounts(list);
}

async function renderAccounts(list: HTMLUListElement): Promise<void> {
  const page = await currentPage();
  const heading = document.getElementById('accounts-heading');
  if (heading) heading.textContent = page ? `Accounts for ${new URL(page.url).host}` : 'Your accounts';
  const res = await send<AccountOption[]>({ kind: 'accounts', pageUrl: page?.url ?? null });
  if (!res.ok) {
    showError(res.message);
    if (res.code === 'device_revoked' || res.code === 'device_unknown') await render();
    return;
  }
  if (res.value.length === 0) {
    list.replaceWith(el('p', { className: 'muted', id: 'accounts' }, page ? 'No account shared with you logs in on this site.' : 'No accounts are shared with you yet.'));
    return;
  }
  list.replaceChildren(
    ...res.value.map((a) => {
      const button = el('button', { type: 'button', className: 'primary' }, 'Log in');
      button.setAttribute('aria-label', `Log in to ${a.name}`);
      button.addEventListener('click', () => {
        button.disabled = true;
        showError(null);
        // A page of the account's site is filled in place; otherwise a new tab opens.
        const sameSite = page && new URL(page.url).origin === new URL(a.loginUrl).origin;
        void send({ kind: 'login', accountId: a.id, tabId: sameSite ? page.tabId : null }).then((r) => {
          button.disabled = false;
          if (!r.ok) showError(r.message);
        });
      });
      return el('li', {}, el('span', {}, el('span', { className: 'account-name' }, a.name), el('br'), el('span', { className: 'muted' }, a.appName)), button);
    }),
  );
}

void render();
