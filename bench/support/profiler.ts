import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Profiling of a measured stretch only (not start-up, not seeding), by the inspector: CPU samples, or with
 * `BENCH_PROFILE=heap` the sampling heap profiler (bytes allocated by call site, kept or not).
 */
export const profiler = (
  kind: 'cpu' | 'heap' = process.env.BENCH_PROFILE?.startsWith('heap') ? 'heap' : 'cpu',
) => {
  // `heap-promoted`: only what outlived the young generation, which is what makes its collections slow.
  const promotedOnly = process.env.BENCH_PROFILE === 'heap-promoted';
  let session: Session | undefined;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session?.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  return {
    kind,
    async start() {
      session = new Session();
      session.connect();
      if (kind === 'heap') {
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: !promotedOnly,
        });
        return;
      }
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async stop(file: string) {
      const stopped = kind === 'heap' ? 'HeapProfiler.stopSampling' : 'Profiler.stop';
      const { profile } = (await post(stopped)) as { profile: unknown };
      session?.disconnect();
      session = undefined;
      writeFileSync(
        kind === 'heap' ? file.replace(/\.cpuprofile$/, '.heapprofile') : file,
        JSON.stringify(profile),
      );
    },
  };
};
