/** The part of a credential that limits what it reaches: its merchant, and for a terminal, that terminal. */
export interface AccessScope {
  merchantId: string;
  terminalId?: string;
}

export const canReach = (
  scope: AccessScope,
  resource: { merchantId: string; terminalId: string | null },
): boolean =>
  resource.merchantId === scope.merchantId &&
  (scope.terminalId === undefined || resource.terminalId === scope.terminalId);
