import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { extensionVersion, requestExtensionLogin } from './extension';

type State = { kind: 'idle' } | { kind: 'opening' } | { kind: 'done'; ok: boolean; message: string };

/** What to say when the extension answers with a failure code. */
function failureMessage(code: string | undefined, message: string | undefined, label: string): string {
  if (message) return message;
  switch (code) {
    case 'device_revoked':
    case 'device_unknown':
    case 'extension_not_paired':
      return 'The extension is not paired with Latchkey. Open it and pair it again.';
    case 'not_found':
    case 'ticket_access_revoked':
      return `You can no longer log in to “${label}”.`;
    default:
      return `Could not log in to “${label}”. Try again.`;
  }
}

/**
 * "Log in" for an account the user may log in to (abilities.login): hands the request to the
 * browser extension, which opens the login page in a new tab and fills it. The password never
 * reaches this page. Without the extension, explains how to install and pair it.
 */
export function LoginButton({ accountId, label, size = 'md', className }: { accountId: string; label: string; size?: 'sm' | 'md'; className?: string }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [help, setHelp] = useState(false);

  const start = async () => {
    if (!extensionVersion()) {
      setHelp(true);
      return;
    }
    setState({ kind: 'opening' });
    const r = await requestExtensionLogin(accountId);
    setState(
      r.ok
        ? { kind: 'done', ok: true, message: `Opened “${label}” in a new tab and filled the login.` }
        : { kind: 'done', ok: false, message: failureMessage(r.code, r.message, label) },
    );
  };

  return (
    <span className={['login-button', className ?? ''].filter(Boolean).join(' ')}>
      <Button variant="primary" size={size} busy={state.kind === 'opening'} onClick={() => void start()} aria-label={`Log in to ${label}`}>
        Log in
      </Button>
      <span className="login-status" role="status" aria-live="polite">
        {state.kind === 'opening' ? `Opening ${label}…` : state.kind === 'done' ? state.message : ''}
      </span>
      <ExtensionHelpDialog open={help} onClose={() => setHelp(false)} />
    </span>
  );
}

/** How to get the extension and pair it (shown when it is absent). */
export function ExtensionHelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Log in with the Latchkey extension"
      description="Latchkey fills the login page for you, so you never see or copy the password."
      footer={
        <Button variant="primary" onClick={onClose}>
          Got it
        </Button>
      }
    >
      <ol className="extension-help">
        <li>Install the Latchkey browser extension (ask your Admin for the package, or build it with <code>npm run build</code> and load <code>extension/dist</code> as an unpacked extension).</li>
        <li>Open the extension and choose <strong>Connect</strong>. It shows a code like BCDF-GHJK and opens a page here.</li>
        <li>Check the code and choose <strong>Approve this device</strong>. The browser then appears under <Link to="/settings">Settings → Trusted devices</Link>.</li>
        <li>Come back and choose <strong>Log in</strong> again.</li>
      </ol>
    </Dialog>
  );
}
