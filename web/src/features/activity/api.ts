import { useInfiniteQuery } from '@tanstack/react-query';
import { ActivityListResponseSchema, type ActivityQueryInput } from '@shared/activity-api';
import { api, apiUrl } from '../../api/client';

/** Filters without paging: what the table and the CSV export share. */
export type ActivityFilters = Omit<ActivityQueryInput, 'cursor' | 'limit'>;

export function useActivity(filters: ActivityFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['activity', filters],
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api('GET', '/activity', { query: { ...filters, cursor: pageParam, limit: 50 }, schema: ActivityListResponseSchema, signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** The CSV export link for the same filters (a plain GET with the session cookie). */
export function activityExportUrl(filters: ActivityFilters): string {
  return apiUrl('/activity/export', { ...filters });
}
