/**
 * The browser tests sign in with the demo passwords the server prints at start. This pins the
 * parser (support/server.ts) to the seed's real format (formatDemoLogins, indented by main.ts's
 * banner and mixed with JSON log lines), so a format change fails here and not as a timeout.
 */
import { expect, test } from 'vitest';
import { formatDemoLogins, type DemoLogin } from '../server/src/db/seed';
import { parseDemoLogins } from './support/server';

test('parseDemoLogins reads back every sign-in of the printed banner', () => {
  const logins: DemoLogin[] = [
    { workspace: 'Acme Corp', role: 'owner', email: 'olivia@acme.test', password: 'y_67_MXjVSEbQ4-oZY' },
    { workspace: 'Acme Corp', role: 'login_only', email: 'leo@acme.test', password: '-7AJ8hFph0V0lVD4Th' },
    { workspace: 'Northwind Agency', role: 'admin', email: 'a.very.long.address@northwind.test', password: 'G1xeQqbJCrOd8o5UKv' },
    { workspace: 'Northwind Agency', role: 'user', email: 'nina@northwind.test', password: 'Fu8Ns0xDZG3G8TeGpR' },
  ];
  const banner = [
    '{"level":30,"msg":"Server listening at http://127.0.0.1:1234"}',
    '',
    '  Latchkey is running at http://127.0.0.1:1234   (ready in 1.0 s)',
    '',
    ...formatDemoLogins(logins).split('\n').map((l) => `  ${l}`),
    '',
    '  Press Ctrl+C to stop.',
    '{"level":40,"msg":"DEV MAILBOX IS ON"}',
  ].join('\n');

  expect(parseDemoLogins(banner)).toEqual([
    { workspace: 'Acme Corp', role: 'Owner', email: 'olivia@acme.test', password: 'y_67_MXjVSEbQ4-oZY' },
    { workspace: 'Acme Corp', role: 'Login-Only', email: 'leo@acme.test', password: '-7AJ8hFph0V0lVD4Th' },
    { workspace: 'Northwind Agency', role: 'Admin', email: 'a.very.long.address@northwind.test', password: 'G1xeQqbJCrOd8o5UKv' },
    { workspace: 'Northwind Agency', role: 'User', email: 'nina@northwind.test', password: 'Fu8Ns0xDZG3G8TeGpR' },
  ]);
});
