import type { ReactNode } from 'react';

/** The centred card of the signed-out pages (sign-in, invite). */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-brand">
        <img src="/favicon.svg" alt="" />
        <span>Latchkey</span>
      </div>
      <div className="card auth-card">{children}</div>
      <p className="auth-foot">Shared logins, without sharing passwords.</p>
    </main>
  );
}
