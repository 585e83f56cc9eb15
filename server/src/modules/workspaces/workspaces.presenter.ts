import type { WorkspaceDto } from '@shared/workspaces';
import { workspaceAbilities } from '../../authz/workspace';
import type { Actor } from '../../lib/request-context';

export function presentWorkspace(
  actor: Pick<Actor, 'role'>,
  ws: { id: string; publicId: string; name: string; corporateDomains: string[] },
): WorkspaceDto {
  return { id: ws.id, publicId: ws.publicId, name: ws.name, corporateDomains: [...ws.corporateDomains], abilities: workspaceAbilities(actor) };
}
