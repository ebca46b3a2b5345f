import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** CPU profiling of a measured stretch only (not start-up, not seeding), by the inspector. */
export const profiler = () => {
  let session: Session | undefined;
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session?.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  return {
    async start() {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async stop(file: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session?.disconnect();
      session = undefined;
      writeFileSync(file, JSON.stringify(profile));
    },
  };
};
