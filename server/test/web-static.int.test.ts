import { mkdtemp, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { createTestApp, type TestApp } from './harness';

/**
 * The built web app served from a directory that changes while the server runs (a rebuild of
 * web/dist): files are looked up per request, a missing asset is a 404 (never the app shell),
 * client-side routes get the current index.html, and nothing here ever answers 500.
 */
describe('serving the web app from a web dist that is rebuilt while the server runs', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let root: string;
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await createTestApp();
    root = await mkdtemp(path.join(os.tmpdir(), 'latchkey-web-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>v1</title><script src="/assets/index-v1.js"></script>');
    await writeFile(path.join(root, 'assets/index-v1.js'), 'console.log("v1");');
    await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(root, '.env'), 'SECRET=1');
    app = await buildApp(t.deps, { serveWeb: true, webRoot: root, logger: new Writable({ write: (_chunk, _enc, done) => done() }) });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('serves the shell on client routes and the assets that exist', async () => {
    for (const url of ['/', '/sign-in', '/accounts/0b8e9f7e-1111-4222-8333-944445555666', '/partners?tab=requests']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.body, url).toContain('<title>v1</title>');
    }
    const js = await get('/assets/index-v1.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).toBe('console.log("v1");');
    expect((await get('/favicon.svg')).headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('answers 404 JSON for an asset that does not exist, not the app shell', async () => {
    for (const url of ['/assets/index-nope.js', '/assets/style-nope.css', '/missing.png', '/assets/']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/json/);
      expect(res.json(), url).toMatchObject({ error: { code: 'route_not_found' } });
    }
  });

  it('never serves dotfiles or anything outside the web root', async () => {
    for (const url of ['/.env', '/assets/../.env', '/%2e%2e/package.json', '/..%2f..%2fetc%2fpasswd', '/assets/%2e%2e/%2e%2e/package.json']) {
      const res = await get(url);
      expect([200, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('SECRET');
      expect(res.body, url).not.toContain('"name": "latchkey"');
    }
  });

  it('after a rebuild: new hashed assets are served, old ones are 404, the shell is the new one', async () => {
    await unlink(path.join(root, 'assets/index-v1.js'));
    await writeFile(path.join(root, 'assets/index-v2.js'), 'console.log("v2");');
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>v2</title><script src="/assets/index-v2.js"></script>');

    const js = await get('/assets/index-v2.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).toBe('console.log("v2");');
    const old = await get('/assets/index-v1.js');
    expect(old.statusCode).toBe(404);
    expect(old.json()).toMatchObject({ error: { code: 'route_not_found' } });
    const page = await get('/sign-in');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>v2</title>');
  });

  it('while index.html is missing mid-rebuild: a clear 503 on client routes, never a 500', async () => {
    await unlink(path.join(root, 'index.html'));
    for (const url of ['/sign-in', '/', '/index.html']) {
      const res = await get(url);
      expect(res.statusCode, url).not.toBe(500);
      expect(res.headers['content-type'], url).toMatch(/^application\/json/);
      expect(res.json(), url).toMatchObject({ error: { code: expect.stringMatching(/^(unavailable|route_not_found)$/) } });
    }
    expect((await get('/sign-in')).statusCode).toBe(503);
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>v3</title>');
    const back = await get('/sign-in');
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('<title>v3</title>');
  });

  it('keeps /api paths out of the fallback', async () => {
    const res = await get('/api/v1/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'route_not_found' } });
  });
});
