import type {
  AccessLevel,
  NativeAssetDto,
  NativeGuestUserDto,
  NativeHubDto,
  NativePartnerDto,
  NativePersonDto,
  NativeSyncJobDto,
} from '@shared/native-partners';
import { nativeHubCan, nativePartnerCan, type NativeHubFacts, type NativePartnerFacts } from '../../authz/native-partners';
import { compareLevels } from './connectors/index';
import type { HubOwnerRow, NativeHubRow, NativePartnerRow, NativeSyncJobRow, NativeSyncLogRow } from './native-partners.repository';

/** Responses are built field by field from rows; abilities come from authz/native-partners.ts. Never a credential. */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function presentHub(row: NativeHubRow, facts: NativeHubFacts, owners: HubOwnerRow[], partners: { pendingOnboarding: number; onboarded: number }): NativeHubDto {
  return {
    id: row.id,
    platform: row.platform,
    externalId: row.externalId,
    name: row.name,
    status: row.status,
    callerRole: row.callerRole,
    canRead: row.canRead,
    cannotRead: row.cannotRead,
    lastCheckAt: iso(row.lastCheckAt),
    lastDiscoveryAt: iso(row.lastDiscoveryAt),
    connectedAt: row.connectedAt.toISOString(),
    appOwners: owners.map((o) => ({ userId: o.userId, name: o.name, email: o.email })),
    partners,
    abilities: {
      replaceCredential: nativeHubCan(facts, 'replaceCredential'),
      disconnect: nativeHubCan(facts, 'disconnect'),
      checkForUpdates: nativeHubCan(facts, 'checkForUpdates'),
    },
  };
}

export function presentJob(row: NativeSyncJobRow, log: NativeSyncLogRow[]): NativeSyncJobDto {
  return {
    id: row.id,
    partnerId: row.partnerId,
    trigger: row.trigger,
    status: row.status,
    done: row.done,
    total: row.total,
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    log: log.filter((l) => l.jobId === row.id).map((l) => ({ at: l.at.toISOString(), status: l.status, message: l.message })),
  };
}

export function presentPartner(
  row: NativePartnerRow,
  hubName: string,
  facts: NativePartnerFacts,
  counts: { people: number; stale: number },
  latestJob: NativeSyncJobDto | null,
): NativePartnerDto {
  return {
    id: row.id,
    hubId: row.hubId,
    hubName,
    platform: row.platform,
    externalId: row.externalId,
    name: row.name,
    contactEmail: row.contactEmail,
    status: row.status,
    sharedAssets: row.sharedAssets,
    people: counts.people,
    stale: counts.stale > 0,
    removed: row.removedAt !== null,
    lastSyncAt: iso(row.lastSyncAt),
    latestJob,
    abilities: {
      connect: nativePartnerCan(facts, 'connect'),
      disconnect: nativePartnerCan(facts, 'disconnect'),
      sync: nativePartnerCan(facts, 'sync'),
    },
  };
}

export function presentAsset(r: {
  id: string;
  external_id: string;
  type: string;
  raw_type: string;
  name: string | null;
  raw_roles: string[];
  level: AccessLevel;
  status: string;
  people_visibility: NativeAssetDto['peopleVisibility'];
  removed: boolean;
  people: number;
}): NativeAssetDto {
  return {
    id: r.id,
    externalId: r.external_id,
    type: r.type,
    rawType: r.raw_type,
    name: r.name,
    rawRoles: r.raw_roles,
    level: r.level,
    status: r.status,
    peopleVisibility: r.people_visibility,
    people: r.people,
    removed: r.removed,
  };
}

export function presentPerson(
  p: { id: string; externalId: string; kind: 'HUMAN' | 'SYSTEM'; displayName: string | null; email: string | null; firstSeenAt: Date; lastSeenAt: Date; removedAt: Date | null; stale: boolean },
  access: Array<{ assetId: string; assetName: string | null; assetType: string; rawRoles: string[]; level: AccessLevel }>,
): NativePersonDto {
  return {
    id: p.id,
    externalId: p.externalId,
    kind: p.kind,
    displayName: p.displayName,
    email: p.email,
    firstSeenAt: p.firstSeenAt.toISOString(),
    lastSeenAt: p.lastSeenAt.toISOString(),
    removed: p.removedAt !== null,
    stale: p.stale,
    access: access.map((a) => ({ assetId: a.assetId, assetName: a.assetName, assetType: a.assetType, rawRoles: a.rawRoles, level: a.level })),
  };
}

export function presentGuestUser(r: {
  id: string;
  platform: NativeGuestUserDto['platform'];
  partner_id: string;
  partner_name: string | null;
  display_name: string | null;
  email: string | null;
  kind: 'HUMAN' | 'SYSTEM';
  stale: boolean;
  last_seen_at: Date | string;
  assets: number;
  levels: AccessLevel[] | null;
}): NativeGuestUserDto {
  const level = (r.levels ?? []).reduce<AccessLevel>((best, l) => (compareLevels(l, best) > 0 ? l : best), 'UNKNOWN');
  return {
    id: r.id,
    platform: r.platform,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    displayName: r.display_name,
    email: r.email,
    kind: r.kind,
    assets: r.assets,
    level,
    stale: r.stale,
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
  };
}
