/** Polls until `check` passes or the deadline ends; then rethrows its last failure. */
export const eventually = async <T>(
  check: () => Promise<T>,
  timeoutMs = 5000,
  intervalMs = 25,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
};
