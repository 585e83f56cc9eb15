import { ActivityEventSchemas, type ActivityEventType } from '@shared/activity';
import { PARTNERSHIP_STATE_LABELS } from '@shared/partnerships';
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
  // Host-guest partnerships: every event carries both workspace names.
  const host = q(d.hostWorkspaceName);
  const guest = q(d.guestWorkspaceName);
  const pship = `the partnership between ${host} and ${guest}`;
  const viaPartnership = d.partnershipId ? ' (through a partnership)' : '';
  const cascade = (grantsEnded: unknown, requests: unknown) => {
    const parts = [`${plural(grantsEnded as number, 'grant')} ended`];
    if ((requests as number) > 0) parts.push(`${plural(requests as number, 'access request')} cancelled`);
    return ` (${parts.join(', ')})`;
  };

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
      return d.reason === 'partner_removed'
        ? `${who} removed ${d.targetEmail} from the workspace with their local partner`
        : `${who} removed ${d.targetEmail} from the workspace`;
    case 'User MFA Reset':
      return `${who} reset ${d.targetEmail}’s two-step verification (${plural(d.endedSessions as number, 'session')} ended)`;
    case 'User Password Reset Forced':
      return `${who} asked ${d.targetEmail} to choose a new password (${plural(d.endedSessions as number, 'session')} ended)`;
    case 'Password Reset':
      return `${who} chose a new password with a reset link`;
    case 'Workspace Settings Updated': {
      const parts = [
        ...((d.corporateDomainsAdded as string[]).length ? [`added ${(d.corporateDomainsAdded as string[]).join(', ')}`] : []),
        ...((d.corporateDomainsRemoved as string[]).length ? [`removed ${(d.corporateDomainsRemoved as string[]).join(', ')}`] : []),
      ];
      return `${who} changed the corporate domains (${parts.join('; ')})`;
    }
    case 'Local Partner Added':
      return `${who} added the local partner ${q(d.companyName)} and invited ${d.guestAdminEmail} as Guest Admin`;
    case 'Local Partner Updated': {
      const people = (d.targetEmails as string[]).join(', ');
      return d.change === 'host_admin_added'
        ? `${who} made ${people} Host Admin of ${q(d.companyName)}`
        : `${who} removed ${people} as Host Admin of ${q(d.companyName)}`;
    }
    case 'Local Partner Removed':
      return `${who} removed the local partner ${q(d.companyName)} (${plural(d.removedGuests as number, 'guest')} removed, ${plural(d.endedGrants as number, 'grant')} ended)`;
    case 'Account Shared Via Local Partner': {
      const to = (d.targetEmails as string[]).length ? ` (${(d.targetEmails as string[]).join(', ')})` : '';
      return `${who} shared ${acc} with ${q(d.companyName)} as ${ar(d.role)}${to}`;
    }
    case 'Account Removed From Local Partner':
      return `${who} removed ${acc} from ${q(d.companyName)} (${plural(d.endedGrants as number, 'grant')} ended)`;
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
      return `${who} changed ${d.targetEmail}’s role on ${acc} from ${ar(d.fromRole)} to ${ar(d.toRole)}${viaPartnership}`;
    case 'Account Access Removed':
      return `${who} removed ${d.targetEmail}’s access to ${acc}${viaPartnership}`;
    case 'Password Retrieved':
      return `${who} revealed the ${d.field === 'totp' ? 'authenticator key' : 'password'} of ${acc}`;
    case 'Partnership Requested':
      return `${who} requested a partnership with ${guest} (${d.partnerEmail})${d.autoApproved ? ', approved automatically' : ''}`;
    case 'Partnership Accepted':
      return d.side === 'host'
        ? `${who} approved the partnership request from ${host} to ${guest}`
        : `${who} accepted the partnership with ${host}`;
    case 'Partnership Declined': {
      const reason = typeof d.reason === 'string' && d.reason.trim() ? `: ${q(d.reason.trim())}` : '';
      return d.side === 'host'
        ? `${who} declined the partnership request from ${host} to ${guest}${reason}`
        : `${who} declined the partnership with ${host}${reason}`;
    }
    case 'Partnership Updated': {
      const fields = Array.isArray(d.fields) && d.fields.length ? ` (${(d.fields as string[]).join(', ')})` : '';
      const target = typeof d.targetEmail === 'string' ? d.targetEmail : 'someone';
      switch (d.change) {
        case 'reminder_sent':
          return `${who} sent a reminder about ${pship}`;
        case 'request_resent':
          return `${who} resent the partnership request to ${guest}`;
        case 'details_edited':
          return `${who} edited ${pship}${fields}`;
        case 'setting_changed':
          return `${who} changed a setting of ${pship}${fields}`;
        case 'owner_added':
          return `${who} made ${target} an owner of ${pship}`;
        case 'owner_removed':
          return `${who} removed ${target} as an owner of ${pship}`;
        case 'owners_transferred':
          return `${who} transferred the ownership of ${pship} to ${target}`;
        case 'guest_contact_changed':
          return `${who} made ${target} the guest contact of ${pship}`;
      }
      return `${who} updated ${pship}`;
    }
    case 'Partnership Expired': {
      const from = PARTNERSHIP_STATE_LABELS[d.fromState as keyof typeof PARTNERSHIP_STATE_LABELS];
      return `The partnership request from ${host} to ${guest} expired${from ? ` (${from.toLowerCase()})` : ''}`;
    }
    case 'Partnership Removed':
      return `${who} removed ${pship}${cascade(d.endedGrants, d.cancelledRequests)}`;
    case 'Account Shared Via Partnership':
      return `${who} shared ${acc} with ${guest} (${d.targetEmail} as ${ar(d.role)})`;
    case 'Account Removed From Partnership':
      return `${who} removed ${acc} from ${pship}${cascade(d.endedGrants, d.cancelledRequests)}`;
    case 'Access Requested':
      return `${who} requested ${ar(d.role)} access to ${acc} for ${d.targetEmail}`;
    case 'Access Request Accepted':
      return `${who} accepted the request for ${d.targetEmail}: ${ar(d.role)} access to ${acc}`;
    case 'Access Request Declined':
      return `${who} declined the request for ${d.targetEmail} to access ${acc}`;
    case 'Access Request Cancelled': {
      const why = {
        requester_removed: ' (the member who asked is no longer in the partner workspace)',
        requester_lost_manager: ' (the member who asked is no longer a Manager of it)',
        target_removed: ' (the member is no longer in the partner workspace)',
      }[d.reason as string];
      return `${who} cancelled the request for ${d.targetEmail} to access ${acc}${why ?? ''}`;
    }
    case 'Encryption Key Rotated':
      return `${who} rotated the encryption key (v${d.fromVersion} → v${d.toVersion})`;
    case 'Device Paired':
      return `${who} trusted a new device (${String(d.browser)} on ${String(d.os)})`;
    case 'Device Revoked':
      return `${who} revoked a trusted device (${String(d.browser)} on ${String(d.os)})`;
    case 'Log in':
      return `${who} logged in to ${acc} with the extension (${String(d.browser)} on ${String(d.os)})`;
    case 'Login attempt': {
      const why = {
        ticket_unknown: 'unknown log-in ticket',
        ticket_used: 'log-in ticket already used',
        ticket_expired: 'log-in ticket expired',
        ticket_wrong_device: 'log-in ticket from another device',
        ticket_origin_mismatch: `page${d.origin ? ` ${String(d.origin)}` : ''} is not the account's login address`,
        ticket_access_revoked: 'access to the account ended',
        device_revoked: 'the device was revoked',
      }[d.reason as string];
      const target = d.accountLabel ? ` to ${acc}` : '';
      return `${who} could not log in${target} with the extension (${why ?? String(d.reason)})`;
    }
  }
  return `${who}: ${type}`;
}
