/** Polls `condition` until it holds, failing after `timeoutMs`: no fixed sleeps, so a busy machine only slows it. */
export const waitUntil = async (
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10, message = 'condition' } = {},
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
