import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { WORKSPACE_ROLE_LABELS } from '@shared/permissions';
import { ActivityIcon, KeyIcon, MailIcon, SettingsIcon, UsersIcon } from '../components/Icons';
import { useToast } from '../components/Toast';
import { errorMessage } from '../api/client';
import { initials } from '../lib/format';
import { useLiveUpdates } from '../lib/live';
import { useCan, useLogout, useSession, useSwitchWorkspace } from '../features/auth/api';
import { useMailboxAvailable } from '../features/mailbox/api';
import { PartnersNavLink } from '../features/partners/PartnersNavLink';

function WorkspaceSwitcher() {
  const session = useSession();
  const switchWs = useSwitchWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const id = useId();

  if (session.workspaces.length <= 1) {
    return (
      <div className="switcher">
        <div className="switcher-name" title={session.workspace.name}>
          {session.workspace.name}
        </div>
      </div>
    );
  }
  return (
    <div className="switcher field">
      <label htmlFor={id}>Workspace</label>
      <select
        id={id}
        className="input select"
        value={session.workspace.id}
        disabled={switchWs.isPending}
        onChange={(e) =>
          switchWs.mutate(e.target.value, {
            onSuccess: (s) => {
              toast.success(`Switched to ${s.workspace.name}.`);
              void navigate('/accounts');
            },
            onError: (err) => toast.error(errorMessage(err)),
          })
        }
      >
        {session.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({WORKSPACE_ROLE_LABELS[w.role]})
          </option>
        ))}
      </select>
    </div>
  );
}

function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        ref.current?.querySelector<HTMLButtonElement>('.menu-trigger')?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu" ref={ref}>
      <button
        type="button"
        className="menu-trigger"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(session.user.name)}
        </span>
        <span className="who">
          <span className="person-name">{session.user.name}</span>
          <span className="person-email">{session.roleLabel}</span>
        </span>
        <span className="visually-hidden">Open user menu</span>
      </button>
      {open ? (
        <div className="menu-popover" role="menu" id={menuId} aria-label="User menu">
          <div className="person-email" style={{ padding: '6px 10px' }}>
            {session.user.email}
          </div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              void navigate('/settings');
            }}
          >
            Settings
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() =>
              logout.mutate(undefined, {
                onSettled: () => void navigate('/sign-in', { replace: true }),
              })
            }
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** The signed-in layout: left navigation, workspace switcher, user menu, and the page. */
export function AppShell() {
  const session = useSession();
  // One live-updates stream per tab: other people's changes refresh this tab's pages.
  useLiveUpdates(`${session.user.id}:${session.workspace.id}`);
  const canSeeMembers = useCan('members.view');
  // Guests of a local partner have no workspace settings (their own security stays in the user menu).
  const canSeeSettings = useCan('workspace.view');
  // A developer tool: shown to those the role table allows, when the server keeps email.
  const canSeeMailbox = useCan('devMailbox.view');
  const mailbox = useMailboxAvailable() && canSeeMailbox;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="/favicon.svg" alt="" />
          <span>Latchkey</span>
        </div>
        <WorkspaceSwitcher />
        <nav className="nav" aria-label="Main">
          <NavLink to="/accounts">
            <KeyIcon /> All accounts
          </NavLink>
          {canSeeMembers ? (
            <NavLink to="/members">
              <UsersIcon /> Members
            </NavLink>
          ) : null}
          <PartnersNavLink />
          <NavLink to="/activity">
            <ActivityIcon /> Activity
          </NavLink>
          {canSeeSettings ? (
            <NavLink to="/settings">
              <SettingsIcon /> Settings
            </NavLink>
          ) : null}
          {mailbox ? (
            <>
              <div className="nav-section">Developer</div>
              <NavLink to="/dev/mailbox">
                <MailIcon /> Dev mailbox
              </NavLink>
            </>
          ) : null}
        </nav>
        <div className="sidebar-footer">
          <UserMenu />
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <div className="content">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
