import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '@shared/errors';
import { UpdateWorkspaceRequestSchema, WorkspaceDtoSchema } from '@shared/workspaces';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createWorkspacesService } from './workspaces.service';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema };
const tags = ['workspace'];

/** The current workspace: its name, Workspace ID, corporate domains and the caller's abilities; settings. */
export const workspacesModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createWorkspacesService(deps);

  app.get(
    '/workspace',
    { schema: { tags, summary: 'The current workspace: name, Workspace ID, abilities', response: { 200: WorkspaceDtoSchema, ...errors } } },
    async (request) => svc.get(ctxOf(request)),
  );

  app.patch(
    '/workspace',
    {
      schema: {
        tags,
        summary: 'Rename the workspace or set its corporate domains (Admin, Owner)',
        body: UpdateWorkspaceRequestSchema,
        response: { 200: WorkspaceDtoSchema, ...errors },
      },
    },
    async (request) => svc.update(ctxOf(request), request.body),
  );
};
