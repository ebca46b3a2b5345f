import type { SimulatedUser } from './simulated-sso';

export interface SimulatedTransaction {
  orderRef: number;
  userId: string;
  amount: number;
  status: 'captured' | 'declined';
  code: string;
  authorizationId: string;
  authorizedAmount: number;
  capturedAmount: number;
  /** Turkey's date (YYYY-MM-DD) it counts against for the daily limits. */
  day: string;
}

export type PaymentOutcome =
  | { kind: 'captured'; transaction: SimulatedTransaction }
  | { kind: 'refused'; httpStatus: number; code: string };

/**
 * The simulated Direct Payment ledger: balances that go down on capture, daily amount and operation
 * limits (per Turkish day), and the order_ref rules as we read the guide (decision 0029): the same
 * order_ref as a captured transaction is TRANSACTION_DUPLICATED; any other order_ref not above the highest
 * one processed is REPEATING_REQUEST. A business decline consumes its order_ref; a rejected request does not.
 */
export class SimulatedLedger {
  private readonly transactions = new Map<number, SimulatedTransaction>();
  private highestOrderRef = 0;
  private nextAuthorizationId = 100_000;

  all(): SimulatedTransaction[] {
    return [...this.transactions.values()].map((transaction) => ({ ...transaction }));
  }

  captured(orderRef: number, userId: string): SimulatedTransaction | undefined {
    const transaction = this.transactions.get(orderRef);
    return transaction?.status === 'captured' && transaction.userId === userId
      ? { ...transaction }
      : undefined;
  }

  /** What the user could spend now, at most `amount`. */
  spendable(user: SimulatedUser, day: string, amount: number): number {
    const leftToday = Math.max(0, user.dailyAmountLimit - this.spentOn(user.id, day));
    return Math.max(0, Math.min(amount, user.balance, leftToday));
  }

  orderRefCheck(orderRef: number): PaymentOutcome | undefined {
    if (this.transactions.get(orderRef)?.status === 'captured') {
      return { kind: 'refused', httpStatus: 400, code: 'TRANSACTION_DUPLICATED' };
    }
    if (orderRef <= this.highestOrderRef)
      return { kind: 'refused', httpStatus: 400, code: 'REPEATING_REQUEST' };
    return undefined;
  }

  /** Authorize and capture in one step (capture_mode auto); the order_ref must have passed `orderRefCheck`. */
  pay(user: SimulatedUser, orderRef: number, amount: number, day: string): PaymentOutcome {
    this.highestOrderRef = Math.max(this.highestOrderRef, orderRef);
    const decline = (code: string): PaymentOutcome => {
      this.record(user, orderRef, amount, day, 'declined', code, 0);
      return { kind: 'refused', httpStatus: 400, code };
    };
    const operationsToday = this.all().filter(
      (transaction) =>
        transaction.userId === user.id && transaction.day === day && transaction.status === 'captured',
    ).length;
    if (operationsToday >= user.dailyOperationLimit) return decline('CARD_DAILY_OPERATION_NUMBER_EXCEEDED');
    if (this.spentOn(user.id, day) + amount > user.dailyAmountLimit)
      return decline('DAILY_TRANSACTION_AMOUNT_EXCEEDED');
    let granted = amount;
    if (amount > user.balance) {
      if (!user.partialAuthorization || user.balance === 0) return decline('INADEQUATE_BALANCE');
      granted = user.balance;
    }
    user.balance -= granted;
    const code = granted < amount ? 'PARTIAL_AUTH' : 'SUCCESS';
    return {
      kind: 'captured',
      transaction: this.record(user, orderRef, amount, day, 'captured', code, granted),
    };
  }

  private record(
    user: SimulatedUser,
    orderRef: number,
    amount: number,
    day: string,
    status: SimulatedTransaction['status'],
    code: string,
    granted: number,
  ): SimulatedTransaction {
    this.nextAuthorizationId += 1;
    const transaction: SimulatedTransaction = {
      orderRef,
      userId: user.id,
      amount,
      status,
      code,
      authorizationId: String(this.nextAuthorizationId),
      authorizedAmount: granted,
      capturedAmount: granted,
      day,
    };
    this.transactions.set(orderRef, transaction);
    return { ...transaction };
  }

  private spentOn(userId: string, day: string): number {
    let spent = 0;
    for (const transaction of this.transactions.values()) {
      if (transaction.userId === userId && transaction.day === day) spent += transaction.capturedAmount;
    }
    return spent;
  }
}
