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
    /** The organization's own email domains: nobody on them may be invited as a guest (R-LP-05). */
    corporateDomains: z.array(z.string()),
    /** What the signed-in member may do in this workspace, from the role table. */
    abilities: z.record(WorkspaceAction, z.boolean()),
  })
  .meta({ id: 'Workspace' });
export type WorkspaceDto = z.infer<typeof WorkspaceDtoSchema>;

export const CORPORATE_DOMAINS_MAX = 50;

/** An email domain such as "acme.com" (lower-cased; a leading "@" is dropped). */
export const EmailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'Enter a domain such as "acme.com".'),
  );

export const UpdateWorkspaceRequestSchema = z
  .object({
    name: WorkspaceNameSchema.optional(),
    corporateDomains: z
      .array(EmailDomainSchema)
      .max(CORPORATE_DOMAINS_MAX, `At most ${CORPORATE_DOMAINS_MAX} domains.`)
      .optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.corporateDomains !== undefined, 'Send a name or corporate domains to change.')
  .meta({ id: 'UpdateWorkspaceRequest' });
export type UpdateWorkspaceRequest = z.input<typeof UpdateWorkspaceRequestSchema>;
