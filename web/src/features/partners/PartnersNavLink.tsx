import { NavLink } from 'react-router';
import { useCan } from '../auth/api';
import { usePartnerships } from './api';

const HandshakeIcon = () => (
  <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d="M1.5 5.5l2.5-1.5 3 1 2-1 3 .5 2.5 1.5M1.5 5.5v4l2 .5M14.5 6v3.5l-2 .5" />
    <path d="M5 10.5l1.5 1.5a1 1 0 001.4 0l3.1-3-2.5-2-2 1.2a1 1 0 01-1.3-.3" />
  </svg>
);

/**
 * "Partners" in the left navigation (partners.view), with a badge counting the partnership requests
 * waiting for this workspace's decision. The list query is shared with the Partners page and
 * refreshed by the live stream's 'partnerships' topic.
 */
export function PartnersNavLink() {
  const canView = useCan('partners.view');
  const q = usePartnerships('current', canView);
  if (!canView) return null;
  const waiting = q.data?.awaitingMyDecision ?? 0;
  return (
    <NavLink to="/partners">
      <HandshakeIcon /> Partners
      {waiting > 0 ? (
        <span className="nav-badge">
          {waiting}
          <span className="visually-hidden"> {waiting === 1 ? 'request awaits' : 'requests await'} your decision</span>
        </span>
      ) : null}
    </NavLink>
  );
}
