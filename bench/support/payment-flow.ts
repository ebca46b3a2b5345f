/** The command flow both benches send: create an intent for the bench terminal, authorize it, capture it. */
export const FLOW_AMOUNT = 10_000;
const cardPresent = { scheme: 'troy', last4: '4242', authorizationCode: 'A1B2C3', rrn: '123456789012' };

export const CREATE_BODY = JSON.stringify({
  amount: FLOW_AMOUNT,
  paymentMethodType: 'card_present',
  terminalId: 'trm_bench',
});
export const AUTHORIZE_BODY = JSON.stringify({ amount: FLOW_AMOUNT, cardPresent });
export const CAPTURE_BODY = JSON.stringify({});
