import { ActivityEventSchemas, type ActivityEventType } from '@shared/activity';
import { ACCOUNT_ROLE_LABELS, WORKSPACE_ROLE_LABELS } from '@shared/permissions';

/**
 * One line for people, per event type, e.g. `Olive Owner shared “Acme Instagram” with
 * sam@example.com as Collaborator`. Built from the stored payload (labels and emails as they were
 * at the time). A payload that does not parse falls back to the event name, never throws.
 */
export function summarizeActivity(type: string, data: unknown, actorName: string | null): string {
  const who = actorName ?? 'Latchkey';
  const schema = (ActivityEventSchemas as Record<string, (typeof ActivityEventSchemas)[ActivityEventType]>)[type];
  const parsed = schema?.safeParse(data);
  if (!parsed?.success) return `${who}: ${type}`;
  const d = parsed.data as Record<string, unknown>;
  const q = (s: unknown) => `“${String(s)}”`;
  const acc = q(d.accountLabel);
  const ws = (r: unknown) => WORKSPACE_ROLE_LABELS[r as keyof typeof WORKSPACE_ROLE_LABELS] ?? String(r);
  const ar = (r: unknown) => ACCOUNT_ROLE_LABELS[r as keyof typeof ACCOUNT_ROLE_LABELS] ?? String(r);
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

  switch (type as ActivityEventType) {
    case 'Login To Latchkey':
      return `${who} signed in${d.mfa ? ' with MFA' : ''}`;
    case 'Login To Latchkey Failed': {
      const reason = { invalid_credentials: 'wrong email or password', mfa_invalid: 'wrong authentication code', rate_limited: 'too many attempts' }[
        d.reason as string
      ];
      return actorName ? `${who} failed to sign in (${reason})` : `A sign-in failed (${reason})`;
    }
    case 'Logout From Latchkey':
      return `${who} signed out`;
    case 'Password Changed':
      return `${who} changed their password (${plural(d.endedSessions as number, 'other session')} ended)`;
    case 'MFA Enabled':
      return `${who} turned on MFA`;
    case 'MFA Disabled':
      return `${who} turned off MFA`;
    case 'Workspace Created':
      return `${who} created the workspace ${q(d.name)}`;
    case 'Workspace Updated':
      return `${who} renamed the workspace from ${q(d.from)} to ${q(d.to)}`;
    case 'User Invited':
      return `${who} invited ${d.targetEmail} as ${ws(d.role)}`;
    case 'User Invite Resent':
      return `${who} resent the invite to ${d.targetEmail}`;
    case 'User Invite Revoked':
      return `${who} revoked the invite to ${d.targetEmail}`;
    case 'User Created':
      return `${d.targetEmail} joined the workspace as ${ws(d.role)}`;
    case 'User Updated':
      return `${who} changed ${d.targetEmail}’s role from ${ws(d.fromRole)} to ${ws(d.toRole)}`;
    case 'User Deactivated':
      return `${who} removed ${d.targetEmail} from the workspace`;
    case 'Account Created':
      return `${who} added ${acc} (${d.application})`;
    case 'Account Updated': {
      const fields = d.fields as string[];
      return fields.length ? `${who} updated ${acc} (${fields.join(', ')})` : `${who} updated ${acc}`;
    }
    case 'Account Deleted':
      return `${who} deleted ${acc}`;
    case 'Account Restored':
      return `${who} restored ${acc}`;
    case 'Sharing Of Account':
      return `${who} shared ${acc} with ${d.targetEmail} as ${ar(d.role)}`;
    case 'Account Role Updated':
      return `${who} changed ${d.targetEmail}’s role on ${acc} from ${ar(d.fromRole)} to ${ar(d.toRole)}`;
    case 'Account Access Removed':
      return `${who} removed ${d.targetEmail}’s access to ${acc}`;
    case 'Password Retrieved':
      return `${who} revealed the ${d.field === 'totp' ? 'authenticator key' : 'password'} of ${acc}`;
    case 'Encryption Key Rotated':
      return `${who} rotated the encryption key (v${d.fromVersion} → v${d.toVersion})`;
  }
  return `${who}: ${type}`;
}
