import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CheckForUpdatesResponseSchema,
  NativeGuestUsersResponseSchema,
  NativeHubDtoSchema,
  NativeHubListResponseSchema,
  NativePartnerDetailsSchema,
  NativePartnerDtoSchema,
  NativePartnerListResponseSchema,
  NativeSyncJobDtoSchema,
  type ConnectNativeHubRequest,
  type NativePlatform,
  type NativeSyncJobDto,
} from '@shared/native-partners';
import { api } from '../../api/client';

/**
 * Native partners (Partners page section, hubs panel, Members page). Keys start with
 * ['native-partners'], ['native-hubs'] or ['native-people']: the live stream's 'native-partners'
 * topic refreshes all three (web/src/lib/live.ts), and every mutation invalidates them.
 */
const enc = encodeURIComponent;
export const nativeHubsKey = ['native-hubs'] as const;
export const nativePartnersKey = ['native-partners'] as const;
export const nativePeopleKey = (platform?: NativePlatform) => ['native-people', platform ?? 'all'] as const;
export const nativePartnerKey = (id: string) => ['native-partners', id] as const;

const live = (s: NativeSyncJobDto['status'] | undefined) => s === 'queued' || s === 'running' || s === 'retrying';

export function useNativeHubs(enabled = true) {
  return useQuery({ queryKey: nativeHubsKey, enabled, queryFn: ({ signal }) => api('GET', '/native-hubs', { schema: NativeHubListResponseSchema, signal }) });
}

export function useNativePartners(enabled = true) {
  return useQuery({
    queryKey: [...nativePartnersKey, 'list'],
    enabled,
    queryFn: ({ signal }) => api('GET', '/native-partners', { schema: NativePartnerListResponseSchema, signal }),
    // While a sync runs, poll as well as listen: progress rows do not all send a live update.
    refetchInterval: (q) => (q.state.data?.partners.some((p) => live(p.latestJob?.status)) ? 2000 : false),
  });
}

export function useNativePartner(id: string | null) {
  return useQuery({
    queryKey: nativePartnerKey(id ?? ''),
    enabled: !!id,
    queryFn: ({ signal }) => api('GET', `/native-partners/${enc(id ?? '')}`, { schema: NativePartnerDetailsSchema, signal }),
    refetchInterval: (q) => (live(q.state.data?.partner.latestJob?.status) ? 2000 : false),
  });
}

export function useNativeGuestUsers(platform?: NativePlatform, enabled = true) {
  return useQuery({
    queryKey: nativePeopleKey(platform),
    enabled,
    queryFn: ({ signal }) => api('GET', '/native-people', { query: { platform }, schema: NativeGuestUsersResponseSchema, signal }),
  });
}

function useInvalidateNative() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: nativeHubsKey });
    void qc.invalidateQueries({ queryKey: nativePartnersKey });
    void qc.invalidateQueries({ queryKey: ['native-people'] });
  };
}

export function useConnectHub() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (body: ConnectNativeHubRequest) => api('POST', '/native-hubs', { body, schema: NativeHubDtoSchema }),
    onSuccess: done,
  });
}

export function useReplaceHubToken() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (v: { hubId: string; token: string }) => api('PUT', `/native-hubs/${enc(v.hubId)}/credential`, { body: { token: v.token }, schema: NativeHubDtoSchema }),
    onSuccess: done,
  });
}

export function useDisconnectHub() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (hubId: string) => api('POST', `/native-hubs/${enc(hubId)}/disconnect`, { schema: NativeHubDtoSchema }),
    onSuccess: done,
  });
}

export function useCheckForUpdates() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (hubId: string) => api('POST', `/native-hubs/${enc(hubId)}/check-for-updates`, { schema: CheckForUpdatesResponseSchema }),
    onSuccess: done,
  });
}

export function useConnectPartner() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (v: { partnerId: string; token: string }) =>
      api('PUT', `/native-partners/${enc(v.partnerId)}/credential`, { body: { token: v.token }, schema: NativePartnerDtoSchema }),
    onSuccess: done,
  });
}

export function useDisconnectPartner() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (partnerId: string) => api('DELETE', `/native-partners/${enc(partnerId)}/credential`, { schema: NativePartnerDtoSchema }),
    onSuccess: done,
  });
}

export function useSyncNow() {
  const done = useInvalidateNative();
  return useMutation({
    mutationFn: (partnerId: string) => api('POST', `/native-partners/${enc(partnerId)}/sync`, { schema: NativeSyncJobDtoSchema }),
    onSuccess: done,
  });
}

/** "3 of 12 assets", or the status when the total is not known yet. */
export function progressText(job: Pick<NativeSyncJobDto, 'done' | 'total'>): string | null {
  if (job.total === null) return null;
  return `${job.done} of ${job.total} ${job.total === 1 ? 'asset' : 'assets'}`;
}
