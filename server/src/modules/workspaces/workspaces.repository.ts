import { and, eq } from 'drizzle-orm';
import type { WorkspaceRole } from '@shared/permissions';
import type { Db } from '../../db/client';
import { memberships, users, workspaces } from '../../db/schema/index';

export const workspacesRepository = {
  async insert(tx: Db, v: { publicId: string; name: string; now: Date }) {
    const [row] = await tx
      .insert(workspaces)
      .values({ publicId: v.publicId, name: v.name, createdAt: v.now, updatedAt: v.now })
      .returning();
    return row!;
  },

  async findById(tx: Db, workspaceId: string) {
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    return row ?? null;
  },

  /** Lock the workspace row; used to serialise changes to the Owner and to membership counts. */
  async lockById(tx: Db, workspaceId: string) {
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
    return row ?? null;
  },

  async update(tx: Db, workspaceId: string, set: { name?: string; corporateDomains?: string[] }, now: Date) {
    await tx
      .update(workspaces)
      .set({ ...set, updatedAt: now })
      .where(eq(workspaces.id, workspaceId));
  },

  /** A guest membership names its local partner and the Terms of Service they accepted (ADR 0012). */
  async insertMembership(
    tx: Db,
    v: { workspaceId: string; userId: string; role: WorkspaceRole; now: Date; localPartnerId?: string | null; termsVersion?: string | null },
  ) {
    await tx.insert(memberships).values({
      workspaceId: v.workspaceId,
      userId: v.userId,
      role: v.role,
      joinedAt: v.now,
      localPartnerId: v.localPartnerId ?? null,
      termsAcceptedAt: v.termsVersion ? v.now : null,
      termsVersion: v.termsVersion ?? null,
    });
  },

  async findMembership(tx: Db, workspaceId: string, userId: string) {
    const [row] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return row ?? null;
  },

  async findUserByEmail(tx: Db, email: string) {
    const [row] = await tx.select().from(users).where(eq(users.email, email));
    return row ?? null;
  },

  async insertUser(tx: Db, v: { email: string; name: string; passwordHash: string; now: Date }) {
    const [row] = await tx
      .insert(users)
      .values({ email: v.email, name: v.name, passwordHash: v.passwordHash, passwordChangedAt: v.now, createdAt: v.now, updatedAt: v.now })
      .returning();
    return row!;
  },
};
