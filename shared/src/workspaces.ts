import { z } from 'zod';
import { WorkspaceAction } from './permissions';

/** Workspace contracts (GET/PATCH /workspace), shared by the API and the web app. */

export const WORKSPACE_NAME_MAX = 100;

export const WorkspaceNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a workspace name.')
  .max(WORKSPACE_NAME_MAX, `The workspace name can be at most ${WORKSPACE_NAME_MAX} characters.`);

export const WorkspaceDtoSchema = z
  .object({
    /** Internal id (used with POST /session/workspace). */
    id: z.uuid(),
    /** The Workspace ID people share with partners. */
    publicId: z.string(),
    name: z.string(),
    /** What the signed-in member may do in this workspace, from the role table. */
    abilities: z.record(WorkspaceAction, z.boolean()),
  })
  .meta({ id: 'Workspace' });
export type WorkspaceDto = z.infer<typeof WorkspaceDtoSchema>;

export const UpdateWorkspaceRequestSchema = z
  .object({ name: WorkspaceNameSchema })
  .strict()
  .meta({ id: 'UpdateWorkspaceRequest' });
export type UpdateWorkspaceRequest = z.input<typeof UpdateWorkspaceRequestSchema>;
