import type { ReactNode } from 'react';
import { initials } from '../lib/format';

/** A person in a table cell: avatar with initials, name with an optional badge, optional email below. */
export function PersonCell({ name, email, badge }: { name: string; email?: string; badge?: ReactNode }) {
  return (
    <div className="person">
      <span className="avatar" aria-hidden="true">
        {initials(name)}
      </span>
      <div>
        <div className="person-name">
          {name} {badge}
        </div>
        {email !== undefined ? <div className="person-email">{email}</div> : null}
      </div>
    </div>
  );
}
