import type { DeviceAccountDto, PairingDto, TrustedDeviceDto } from '@shared/devices';
import type { DeviceRow, PairingRow } from './devices.repository';

/** DTOs for devices and pairings. Never a token, token hash, poll secret or ticket. */
export function presentTrustedDevice(d: DeviceRow, workspaceName: string): TrustedDeviceDto {
  return {
    id: d.id,
    browser: d.browser,
    os: d.os,
    workspaceName,
    createdAt: d.createdAt.toISOString(),
    lastUsedAt: d.lastUsedAt?.toISOString() ?? null,
    lastIp: d.lastIp,
    current: false,
  };
}

export function presentPairing(p: PairingRow, workspaceName: string): PairingDto {
  return { userCode: p.userCode, browser: p.browser, os: p.os, state: p.state, expiresAt: p.expiresAt.toISOString(), workspaceName };
}

export function presentDeviceAccount(a: { id: string; label: string; application: string; loginUrl: string | null }): DeviceAccountDto {
  return { id: a.id, name: a.label, appName: a.application, loginUrl: a.loginUrl ?? '' };
}
