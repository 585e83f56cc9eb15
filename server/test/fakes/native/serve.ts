/**
 * Run the three fake platforms with the sample worlds, for a local look or the demo:
 *   node --import tsx server/test/fakes/native/serve.ts [--base-port 4101]
 * (with --base-port N: meta on N, tiktok on N+1, pinterest on N+2; else free ports).
 * Prints the base URLs (for LATCHKEY_*_API_URL) and the credentials; Ctrl-C stops them.
 */
import { NATIVE_PLATFORMS } from '../../../src/modules/native-partners/connectors/types';
import { createFakeNativePlatform } from './index';
import { sampleWorld } from './sample';

const out = (line: string) => process.stdout.write(`${line}\n`);

const flag = process.argv.indexOf('--base-port');
const basePort = flag >= 0 ? Number(process.argv[flag + 1]) : 0;

const servers = await Promise.all(
  NATIVE_PLATFORMS.map(async (platform, i) => {
    const sample = sampleWorld(platform);
    const fake = await createFakeNativePlatform(platform, sample.world, { port: basePort ? basePort + i : 0 });
    out(`${platform}: ${fake.baseUrl}  hub ${sample.hub.businessId} token ${sample.hub.token}`);
    for (const p of sample.partners) out(`  partner ${p.name}: ${p.businessId} token ${p.token}`);
    return fake;
  }),
);
const stop = () => void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
