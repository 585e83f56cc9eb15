import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PartnershipAccountRole } from '@shared/partnerships';
import { isGuestRole, WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import type { AppDeps } from '../deps';
import { hashPassword } from '../lib/passwords';
import { NO_REQUEST, type Ctx } from '../lib/request-context';
import { inTransaction } from '../lib/tx';
import { recordActivity } from '../modules/activity/activity.recorder';
import { createAccountsService } from '../modules/accounts/accounts.service';
import { createAccessRequestsService } from '../modules/partnership-access/access-requests.service';
import { createPartnershipAccessService } from '../modules/partnership-access/partnership-access.service';
import { createPartnershipsService } from '../modules/partnerships/partnerships.service';
import { workspacesRepository } from '../modules/workspaces/workspaces.repository';
import { createWorkspacesService } from '../modules/workspaces/workspaces.service';
import { OUTBOX_BODY_PURPOSE } from '../modules/email/outbox';
import { createLocalPartnerAccessService } from '../modules/local-partners/local-partner-access.service';
import { createLocalPartnersService } from '../modules/local-partners/local-partners.service';
import { createMembersService } from '../modules/members/members.service';
import { queryRows } from './client';
import { outbox } from './schema/index';
import { desc, eq, sql } from 'drizzle-orm';
import { DEMO_SITE_PASSWORD, DEMO_SITE_TOTP_SECRET, DEMO_SITE_USERNAME } from '../../../demo-site/credentials';

/** The account on the demo target site (issue 5): Leo (Login-Only) and Northwind's Nate hold it as Collaborators. */
export const DEMO_ANALYTICS_LABEL = 'Demo Analytics';

/**
 * Demo data for the quick start: a brand ("Acme Corp") and an agency ("Northwind Agency"), a member
 * of every role in each, and a handful of accounts shared so every role has something to see; a
 * host-guest partnership between them and a local partner of Acme's with a Guest Admin.
 * Passwords are random per install, printed once at start and kept in <data dir>/demo-logins.txt
 * (mode 0600) so they can be found again. Runs only on an empty database.
 */
export interface DemoLogin {
  workspace: string;
  role: WorkspaceRole;
  email: string;
  password: string;
}

interface PersonSpec {
  role: WorkspaceRole;
  name: string;
  email: string;
}

interface AccountSpec {
  label: string;
  application: string;
  loginUrl: string;
  username: string;
  /** Emails of the workspace's members and the role each gets; the first Owner creates it. */
  owner: string;
  share?: Array<{ email: string; role: 'owner' | 'collaborator' }>;
  totp?: boolean;
  notes?: string;
  /** Fixed demo credentials (the demo target site's); otherwise a random password and TOTP secret. */
  fixed?: { password: string; totpSecret: string };
}

interface WorkspaceSpec {
  name: string;
  people: PersonSpec[];
  accounts: AccountSpec[];
}

const DEMO: WorkspaceSpec[] = [
  {
    name: 'Acme Corp',
    people: [
      { role: 'owner', name: 'Olivia Owens', email: 'olivia@acme.test' },
      { role: 'admin', name: 'Adam Alvarez', email: 'adam@acme.test' },
      { role: 'user', name: 'Uma Ueda', email: 'uma@acme.test' },
      { role: 'login_only', name: 'Leo Lund', email: 'leo@acme.test' },
    ],
    accounts: [
      {
        label: 'Acme Instagram',
        application: 'Instagram',
        loginUrl: 'https://www.instagram.com/accounts/login/',
        username: 'acme.official',
        owner: 'olivia@acme.test',
        share: [
          { email: 'uma@acme.test', role: 'collaborator' },
          { email: 'leo@acme.test', role: 'collaborator' },
        ],
        totp: true,
        notes: 'Main brand profile. Posting schedule lives in the content calendar.',
      },
      {
        label: 'Acme Facebook Ads',
        application: 'Meta Business Suite',
        loginUrl: 'https://business.facebook.com/',
        username: 'ads@acme.test',
        owner: 'olivia@acme.test',
        share: [{ email: 'adam@acme.test', role: 'owner' }],
      },
      {
        label: 'Acme TikTok',
        application: 'TikTok',
        loginUrl: 'https://www.tiktok.com/login',
        username: 'acme.tiktok',
        owner: 'uma@acme.test',
        share: [{ email: 'leo@acme.test', role: 'collaborator' }],
      },
      {
        label: 'Acme LinkedIn Page',
        application: 'LinkedIn',
        loginUrl: 'https://www.linkedin.com/login',
        username: 'social@acme.test',
        owner: 'adam@acme.test',
      },
      {
        // The demo target site (demo-site/, ADR 0013): Log in through the extension works out of the box.
        // Its login URL is set from the configured port below; shared into the Northwind partnership too.
        label: DEMO_ANALYTICS_LABEL,
        application: 'Demo Analytics',
        loginUrl: 'http://localhost:8090/login',
        username: DEMO_SITE_USERNAME,
        owner: 'adam@acme.test',
        share: [{ email: 'leo@acme.test', role: 'collaborator' }],
        fixed: { password: DEMO_SITE_PASSWORD, totpSecret: DEMO_SITE_TOTP_SECRET },
        notes: 'The demo target site started by npm start. Click Log in: the extension fills the password and the current code.',
      },
      {
        label: 'Acme Google Ads',
        application: 'Google Ads',
        loginUrl: 'https://ads.google.com/',
        username: 'marketing@acme.test',
        owner: 'olivia@acme.test',
        totp: true,
      },
    ],
  },
  {
    name: 'Northwind Agency',
    people: [
      { role: 'owner', name: 'Nora North', email: 'nora@northwind.test' },
      { role: 'admin', name: 'Nate Nakamura', email: 'nate@northwind.test' },
      { role: 'user', name: 'Nina Novak', email: 'nina@northwind.test' },
      { role: 'login_only', name: 'Noel Nash', email: 'noel@northwind.test' },
    ],
    accounts: [
      {
        label: 'Northwind Pinterest',
        application: 'Pinterest',
        loginUrl: 'https://www.pinterest.com/login/',
        username: 'northwind.studio',
        owner: 'nora@northwind.test',
        share: [{ email: 'nina@northwind.test', role: 'collaborator' }],
      },
      {
        label: 'Northwind Canva',
        application: 'Canva',
        loginUrl: 'https://www.canva.com/login',
        username: 'design@northwind.test',
        owner: 'nate@northwind.test',
        share: [{ email: 'noel@northwind.test', role: 'collaborator' }],
      },
    ],
  },
];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomBase32 = (n: number) => Array.from(randomBytes(n), (b) => BASE32[b % 32]).join('');
/** 18 characters from 108 random bits: well above the policy, easy to copy. */
const demoPassword = () => randomBytes(14).toString('base64url').slice(0, 18);

export async function isDatabaseEmpty(deps: Pick<AppDeps, 'db'>): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from workspaces`);
  return (row?.n ?? 0) === 0;
}

/** Seed the demo data. Returns the sign-ins to print, or null when the database already has data. */
export async function seedDemoData(deps: AppDeps): Promise<DemoLogin[] | null> {
  if (!(await isDatabaseEmpty(deps))) return null;
  const workspaces = createWorkspacesService(deps);
  const accountsService = createAccountsService(deps);
  const logins: DemoLogin[] = [];
  /** Per workspace name: its public Workspace ID and a Ctx builder by member email (for the partnership below). */
  const built = new Map<string, { publicId: string; ctxFor: (email: string) => Ctx; userIdOf: (email: string) => string }>();
  /** Account ids by label, for the partnership's shares. */
  const accountIds = new Map<string, string>();

  for (const spec of DEMO) {
    const ownerSpec = spec.people.find((p) => p.role === 'owner')!;
    const ownerPassword = demoPassword();
    const { workspace, owner } = await workspaces.createWorkspaceWithOwner({
      name: spec.name,
      owner: { email: ownerSpec.email, name: ownerSpec.name, password: ownerPassword },
    });
    logins.push({ workspace: spec.name, role: 'owner', email: owner.email, password: ownerPassword });
    const people = new Map<string, { userId: string; role: WorkspaceRole; name: string }>([
      [owner.email, { userId: owner.id, role: 'owner', name: owner.name }],
    ]);

    for (const person of spec.people.filter((p) => p.role !== 'owner')) {
      const password = demoPassword();
      const passwordHash = await hashPassword(password); // outside the transaction: argon2 is slow by design
      const user = await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const u = await workspacesRepository.insertUser(tx, { email: person.email, name: person.name, passwordHash, now });
        await workspacesRepository.insertMembership(tx, { workspaceId: workspace.id, userId: u.id, role: person.role, now });
        await recordActivity(
          tx,
          { type: 'User Created', data: { targetEmail: u.email, role: person.role } },
          { workspaceId: workspace.id, actor: { userId: owner.id, email: owner.email }, targetUserId: u.id, meta: NO_REQUEST, at: now },
        );
        return u;
      });
      people.set(user.email, { userId: user.id, role: person.role, name: user.name });
      logins.push({ workspace: spec.name, role: person.role, email: user.email, password });
    }

    const ctxFor = (email: string): Ctx => {
      const p = people.get(email)!;
      return {
        actor: {
          userId: p.userId,
          email,
          name: p.name,
          workspaceId: workspace.id,
          workspacePublicId: workspace.publicId,
          workspaceName: workspace.name,
          role: p.role,
          localPartnerId: null,
          sessionId: '00000000-0000-0000-0000-000000000000',
          mfaEnabled: false,
        },
        meta: NO_REQUEST,
      };
    };

    built.set(spec.name, { publicId: workspace.publicId, ctxFor, userIdOf: (email) => people.get(email)!.userId });

    for (const acc of spec.accounts) {
      const created = await accountsService.create(ctxFor(acc.owner), {
        label: acc.label,
        application: acc.application,
        loginUrl: acc.label === DEMO_ANALYTICS_LABEL ? `http://localhost:${deps.config.demoSitePort || 8090}/login` : acc.loginUrl,
        username: acc.username,
        password: acc.fixed?.password ?? `${randomBytes(12).toString('base64url')}!`,
        ...(acc.fixed ? { totpSecret: acc.fixed.totpSecret } : acc.totp ? { totpSecret: randomBase32(32) } : {}),
        notes: acc.notes ?? '',
        customFields: [],
      });
      accountIds.set(acc.label, created.id);
      for (const share of acc.share ?? []) {
        await accountsService.share(ctxFor(acc.owner), created.id, { userId: people.get(share.email)!.userId, role: share.role });
      }
    }
  }
  const acme = built.get('Acme Corp')!;
  const northwind = built.get('Northwind Agency')!;
  await seedPartnerships(deps, {
    hostAdmin: acme.ctxFor('adam@acme.test'),
    guestAdmin: northwind.ctxFor('nate@northwind.test'),
    guestPublicId: northwind.publicId,
    share: [
      { accountId: accountIds.get('Acme LinkedIn Page')!, role: 'manager' },
      { accountId: accountIds.get('Acme Facebook Ads')!, role: 'collaborator' },
      { accountId: accountIds.get(DEMO_ANALYTICS_LABEL)!, role: 'collaborator' },
    ],
    accessRequest: { accountId: accountIds.get('Acme LinkedIn Page')!, userId: northwind.userIdOf('nina@northwind.test') },
  });
  logins.push(
    await seedLocalPartner(deps, {
      admin: acme.ctxFor('adam@acme.test'),
      hostAdmin: acme.ctxFor('uma@acme.test'),
      shareAccountId: accountIds.get('Acme TikTok')!,
    }),
  );
  return logins;
}

/** The raw token of the last invite emailed to `email` (the demo joins through the real link). */
async function inviteTokenFromOutbox(deps: AppDeps, email: string): Promise<string> {
  const [row] = await deps.db.select().from(outbox).where(eq(outbox.toEmail, email)).orderBy(desc(outbox.createdAt)).limit(1);
  if (!row) throw new Error(`The demo seed found no invite email to ${email}.`);
  const body = await inTransaction(deps.db, (tx) => deps.vault.openSystem(tx, OUTBOX_BODY_PURPOSE, row.bodySealed));
  const m = /#token=([A-Za-z0-9_-]+)/.exec(body);
  if (!m) throw new Error(`The demo invite email to ${email} carries no link.`);
  return m[1]!;
}

/**
 * The demo local partner (ADR 0012), through the real services: Acme's Admin adds "Brightside
 * Studio" with Uma as Host Admin and invites Gina as its Guest Admin; Gina joins through the
 * emailed link (she sets up two-step verification at her first sign-in, as every guest must);
 * Uma shares the TikTok account she owns as Manager; Gina invites a Guest User, whose "Join as a
 * guest" email waits in the Dev mailbox.
 */
export async function seedLocalPartner(deps: AppDeps, v: { admin: Ctx; hostAdmin: Ctx; shareAccountId: string }): Promise<DemoLogin> {
  const partners = createLocalPartnersService(deps);
  const { partner } = await partners.create(v.admin, {
    companyName: 'Brightside Studio',
    guestAdminEmail: 'gina@brightside.test',
    hostAdminUserIds: [v.hostAdmin.actor.userId],
  });
  const password = demoPassword();
  const joined = await createMembersService(deps).acceptInvite(
    { token: await inviteTokenFromOutbox(deps, 'gina@brightside.test'), name: 'Gina', familyName: 'Gomez', password, acceptTerms: true },
    null,
    NO_REQUEST,
  );
  await createLocalPartnerAccessService(deps).share(v.hostAdmin, partner.id, [{ accountId: v.shareAccountId, role: 'manager' }]);
  const gina: Ctx = {
    actor: {
      ...v.admin.actor,
      userId: joined.view.user.id,
      email: joined.view.user.email,
      name: joined.view.user.name,
      role: 'guest_admin',
      localPartnerId: partner.id,
    },
    meta: NO_REQUEST,
  };
  await partners.invite(gina, partner.id, { email: 'gus@brightside.test', role: 'guest_user' });
  return { workspace: v.admin.actor.workspaceName, role: 'guest_admin', email: 'gina@brightside.test', password };
}

/**
 * The demo host-guest partnership, through the real services (events, emails, live updates):
 * Acme Corp's Admin asks (auto-approved, so they are the Partnership Owner), Northwind's Admin
 * accepts (so they are the guest contact), Acme's Admin shares two accounts they own (one as
 * Manager), and Northwind's Admin, as Manager, asks access for a colleague: a pending request
 * Acme's Admin finds on that account's Members tab.
 */
export async function seedPartnerships(
  deps: AppDeps,
  v: {
    hostAdmin: Ctx;
    guestAdmin: Ctx;
    guestPublicId: string;
    share: Array<{ accountId: string; role: PartnershipAccountRole }>;
    accessRequest: { accountId: string; userId: string };
  },
): Promise<{ activePartnershipId: string }> {
  const svc = createPartnershipsService(deps);
  const p = await svc.create(v.hostAdmin, { workspaceId: v.guestPublicId, partnerEmail: v.guestAdmin.actor.email });
  await svc.accept(v.guestAdmin, p.id);
  await createPartnershipAccessService(deps).share(v.hostAdmin, p.id, { accounts: v.share });
  await createAccessRequestsService(deps).create(v.guestAdmin, {
    accountId: v.accessRequest.accountId,
    userIds: [v.accessRequest.userId],
    role: 'collaborator',
  });
  return { activePartnershipId: p.id };
}

/** The sign-ins as printed at start (and parsed by the browser tests: keep the format). */
export function formatDemoLogins(logins: DemoLogin[]): string {
  const lines: string[] = ['Demo sign-ins (also saved in demo-logins.txt in the data directory):'];
  // Grouped by workspace, in the order each first appears.
  const order = [...new Set(logins.map((l) => l.workspace))];
  const grouped = order.flatMap((ws) => logins.filter((l) => l.workspace === ws));
  let current = '';
  for (const l of grouped) {
    if (l.workspace !== current) {
      current = l.workspace;
      lines.push(`  Workspace: ${current}`);
    }
    lines.push(`    ${WORKSPACE_ROLE_LABELS[l.role].padEnd(11)}  ${l.email.padEnd(24)}  ${l.password}`);
  }
  if (logins.some((l) => isGuestRole(l.role))) {
    lines.push('  Guests turn on two-step verification (an authenticator app) at their first sign-in.');
  }
  return lines.join('\n');
}

export async function saveDemoLogins(dataDir: string, logins: DemoLogin[]): Promise<string> {
  const file = path.join(dataDir, 'demo-logins.txt');
  await writeFile(file, formatDemoLogins(logins) + '\n', { mode: 0o600 });
  return file;
}
