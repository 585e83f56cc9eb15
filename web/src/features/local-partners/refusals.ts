import { isApiError } from '../../api/client';

/** Where a refusal belongs: the server names the field in `details.field` when it can. */
export function refusalField(e: unknown): 'companyName' | 'guestAdminEmail' | 'hostAdminUserIds' | null {
  if (!isApiError(e)) return null;
  const field = (e.details as { field?: unknown } | undefined)?.field;
  if (field === 'companyName' || field === 'guestAdminEmail' || field === 'hostAdminUserIds') return field;
  // Corporate domain (R-LP-05) and "already a member / guest / invited" (R-LP-04) are about the email.
  if (isApiError(e, 'rule_violation') || isApiError(e, 'already_exists')) return 'guestAdminEmail';
  return null;
}
