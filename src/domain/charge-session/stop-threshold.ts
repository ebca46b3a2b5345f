/**
 * The running cost (including VAT) at which the gateway asks the CPMS to stop: the authorization less a
 * margin for the energy that still flows while the stop travels. The larger of the fixed and the
 * percentage margin applies; never below zero.
 */
export const stopThreshold = (
  amountAuthorized: number,
  margin: { minor: number; percent: number },
): number => {
  const byPercent = Math.ceil((amountAuthorized * margin.percent) / 100);
  return Math.max(0, amountAuthorized - Math.max(margin.minor, byPercent));
};
