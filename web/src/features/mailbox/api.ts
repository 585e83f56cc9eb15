import { useQuery } from '@tanstack/react-query';
import { MailboxListResponseSchema, MailboxMessageSchema } from '@shared/mailbox';
import { api } from '../../api/client';

/** The Dev mailbox exists only when no SMTP server is configured; the nav asks this once. */
export function useMailboxAvailable() {
  const q = useQuery({
    queryKey: ['mailbox', 'available'],
    queryFn: async ({ signal }) => {
      try {
        await api('GET', '/dev/mailbox', { signal, allowUnauthenticated: true });
        return true;
      } catch {
        return false;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  return q.data === true;
}

export function useMailbox() {
  return useQuery({
    queryKey: ['mailbox', 'list'],
    queryFn: ({ signal }) => api('GET', '/dev/mailbox', { schema: MailboxListResponseSchema, signal, allowUnauthenticated: true }),
    refetchInterval: 5000,
  });
}

export function useMailboxMessage(id: string | null) {
  return useQuery({
    queryKey: ['mailbox', 'message', id],
    enabled: !!id,
    queryFn: ({ signal }) => api('GET', `/dev/mailbox/${encodeURIComponent(id!)}`, { schema: MailboxMessageSchema, signal, allowUnauthenticated: true }),
    staleTime: Infinity,
  });
}
