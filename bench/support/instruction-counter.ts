import { spawn } from 'node:child_process';

/** Counting stops with what perf printed; undefined where perf, or its hardware counters, are unavailable. */
export interface InstructionCount {
  stop(): Promise<number | undefined>;
}

/**
 * The user-space instructions a process runs while a measurement lasts, from `perf stat` attached to it. On a
 * shared VM a round's rate and CPU time move with the neighbours' load; the instructions a request takes do
 * not (they move with the code, and a little with JIT and GC timing), so they compare code where time cannot.
 */
export const countInstructions = async (pid: number): Promise<InstructionCount> => {
  let output = '';
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'instructions:u', '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  perf.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    perf.once('error', () => resolve());
    perf.once('exit', () => resolve());
  });
  // perf needs a moment to attach; the idle server runs next to nothing meanwhile.
  await new Promise<void>((resolve) => setTimeout(resolve, 150));
  return {
    stop: async () => {
      perf.kill('SIGINT');
      await exited;
      const line = output.split('\n').find((text) => text.includes('instructions'));
      const count = Number(line?.split(',')[0]);
      return Number.isFinite(count) && count > 0 ? count : undefined;
    },
  };
};
