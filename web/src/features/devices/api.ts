import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PairingDtoSchema, TrustedDeviceDtoSchema, TrustedDeviceListResponseSchema } from '@shared/devices';
import { api } from '../../api/client';

export const devicesKey = ['me', 'devices'] as const;
const pairingKey = (code: string) => ['devices', 'pairing', code] as const;

/** The pairing the extension shows a code for (approve page). */
export function usePairing(code: string | null) {
  return useQuery({
    queryKey: pairingKey(code ?? ''),
    enabled: !!code,
    queryFn: ({ signal }) => api('GET', `/devices/pairings/${encodeURIComponent(code!)}`, { schema: PairingDtoSchema, signal }),
  });
}

export function useApprovePairing() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api('POST', `/devices/pairings/${encodeURIComponent(code)}/approve`, { schema: TrustedDeviceDtoSchema }),
    onSuccess: () => qc.invalidateQueries({ queryKey: devicesKey }),
  });
}

export function useDenyPairing() {
  return useMutation({
    mutationFn: (code: string) => api('POST', `/devices/pairings/${encodeURIComponent(code)}/deny`),
  });
}

/** My trusted devices (every workspace). */
export function useTrustedDevices() {
  return useQuery({
    queryKey: devicesKey,
    queryFn: ({ signal }) => api('GET', '/me/devices', { schema: TrustedDeviceListResponseSchema, signal }),
  });
}

export function useRevokeDevice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deviceId: string) => api('DELETE', `/me/devices/${deviceId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: devicesKey }),
  });
}
