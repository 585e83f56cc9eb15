/**
 * Run the demo target site on its own: `node --import tsx demo-site/main.ts`
 * (port from LATCHKEY_DEMO_SITE_PORT, default 8090). `npm start` starts it beside Latchkey anyway.
 */
import { startDemoSite } from './server';

const port = Number(process.env.LATCHKEY_DEMO_SITE_PORT ?? 8090);
const site = await startDemoSite({ port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`Demo Analytics (demo target site) is running at ${site.url}/login`);
const stop = () => void site.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
