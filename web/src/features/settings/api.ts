import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { WorkspaceDtoSchema, type UpdateWorkspaceRequest } from '@shared/workspaces';
import type { SessionDto } from '@shared/auth';
import { api } from '../../api/client';
import { sessionKey } from '../auth/api';

export const workspaceKey = ['workspace'] as const;

export function useWorkspace() {
  return useQuery({
    queryKey: workspaceKey,
    queryFn: ({ signal }) => api('GET', '/workspace', { schema: WorkspaceDtoSchema, signal }),
  });
}

export function useRenameWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkspaceRequest) => api('PATCH', '/workspace', { body, schema: WorkspaceDtoSchema }),
    onSuccess: (w) => {
      qc.setQueryData(workspaceKey, w);
      // The shell shows the name too (sidebar and switcher).
      qc.setQueryData<SessionDto>(sessionKey, (s) =>
        s
          ? {
              ...s,
              workspace: { ...s.workspace, name: w.name },
              workspaces: s.workspaces.map((x) => (x.id === w.id ? { ...x, name: w.name } : x)),
            }
          : s,
      );
    },
  });
}
