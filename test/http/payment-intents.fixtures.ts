export const cardPresent = {
  scheme: 'troy',
  last4: '4242',
  authorizationCode: 'A1B2C3',
  rrn: '123456789012',
};

export const createBody = (amount = 10_000, extra: Record<string, unknown> = {}) => ({
  amount,
  paymentMethodType: 'card_present',
  terminalId: 'trm_1',
  ...extra,
});

export const authorizeBody = (amount = 10_000) => ({ amount, cardPresent });
