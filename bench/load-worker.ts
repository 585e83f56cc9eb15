/**
 * The load generator, in its own worker thread so that it never shares an event loop with the
 * server under test (it still shares the machine's cores: see bench/README.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { summarize, type LoadJob, type LoadResult } from './stats';

const job = workerData as LoadJob;

function once(duration: number, record: boolean): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const status = new Map<number, number>();
    const started = process.hrtime.bigint();
    const inst = autocannon(
      { url: job.url, connections: job.connections, pipelining: 1, duration, headers: job.headers, timeout: 10 },
      (err, res) => {
        if (err) return reject(err);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({
          ...summarize(latencies),
          requests: latencies.length,
          seconds,
          rps: latencies.length / seconds,
          errors: res.errors,
          timeouts: res.timeouts,
          non2xx: res.non2xx,
          statusCodes: Object.fromEntries(status),
        });
      },
    );
    inst.on('response', (_c, code, _b, ms) => {
      if (record) latencies.push(ms);
      status.set(code, (status.get(code) ?? 0) + 1);
    });
  });
}

async function main(): Promise<void> {
  if (job.warmup > 0) await once(job.warmup, false);
  const result = await once(job.duration, true);
  parentPort!.postMessage(result);
}

main().catch((err: unknown) => {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
});
