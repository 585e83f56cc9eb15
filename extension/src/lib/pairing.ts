import { ApiError, createApi } from './api';
import type { PairingStatus, Result } from './messages';
import { describePlatform } from './platform';
import { setConnection, type StoredConnection } from './settings';

/**
 * The device flow (after RFC 8628), run by the service worker: ask the server for a pairing, open
 * its approve page in a tab (where the signed-in user approves "this device"), and poll for the
 * device token. The poll secret stays in this module's memory; the popup only sees the code.
 * Each poll also writes the status to chrome.storage.session, which keeps the worker alive while
 * it waits and lets a reopened popup show the code.
 */
interface ActivePairing {
  serverUrl: string;
  pairingId: string;
  pollSecret: string;
  status: PairingStatus;
  timer: ReturnType<typeof setTimeout> | null;
}

let active: ActivePairing | null = null;

export function currentPairing(): PairingStatus | null {
  return active?.status ?? null;
}

export function cancelPairing(): void {
  if (active?.timer) clearTimeout(active.timer);
  active = null;
  void chrome.storage.session.remove('pairing');
}

export async function startPairing(serverUrl: string, onConnected: (c: StoredConnection) => void): Promise<Result<PairingStatus>> {
  cancelPairing();
  const api = createApi(serverUrl);
  let created;
  try {
    created = await api.createPairing(describePlatform(navigator as Navigator & { userAgentData?: never }));
  } catch (err) {
    return err instanceof ApiError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'pairing_failed', message: 'Pairing could not start.' };
  }
  // Open the approve page only on the server we asked (never a URL pointing elsewhere).
  let approveUrl: URL;
  try {
    approveUrl = new URL(created.approveUrl);
  } catch {
    return { ok: false, code: 'unexpected_response', message: 'Latchkey sent an approve link this extension cannot open.' };
  }
  if (approveUrl.origin !== serverUrl) {
    return { ok: false, code: 'unexpected_response', message: `The approve link does not point to ${serverUrl}.` };
  }
  const pairing: ActivePairing = {
    serverUrl,
    pairingId: created.pairingId,
    pollSecret: created.pollSecret,
    status: { userCode: created.userCode, approveUrl: approveUrl.href, expiresAt: created.expiresAt, state: 'waiting' },
    timer: null,
  };
  active = pairing;
  await publish(pairing);
  await chrome.tabs.create({ url: approveUrl.href, active: true });

  const intervalMs = Math.max(1, created.intervalSeconds) * 1000;
  const poll = async (): Promise<void> => {
    if (active !== pairing) return;
    try {
      const token = await api.pollPairing(pairing.pairingId, pairing.pollSecret);
      if (active !== pairing) return;
      if (token) {
        const connection: StoredConnection = {
          serverUrl,
          deviceToken: token.deviceToken,
          device: token.device,
          user: token.user,
          workspace: token.workspace,
        };
        await setConnection(connection);
        cancelPairing();
        onConnected(connection);
        return;
      }
      if (Date.parse(pairing.status.expiresAt) < Date.now()) {
        pairing.status = { ...pairing.status, state: 'failed', message: 'The code expired. Connect again.' };
        await publish(pairing);
        return;
      }
      await publish(pairing);
    } catch (err) {
      if (active !== pairing) return;
      if (err instanceof ApiError && err.status !== 0) {
        // 410 pairing_expired: denied, expired or already delivered. Stop.
        pairing.status = { ...pairing.status, state: 'failed', message: err.code === 'pairing_expired' ? 'The request was denied or expired. Connect again.' : err.message };
        await publish(pairing);
        return;
      }
      // Unreachable for a moment: keep trying until the pairing expires.
    }
    pairing.timer = setTimeout(() => void poll(), intervalMs);
  };
  pairing.timer = setTimeout(() => void poll(), intervalMs);
  return { ok: true, value: pairing.status };
}

async function publish(p: ActivePairing): Promise<void> {
  await chrome.storage.session.set({ pairing: p.status });
}
