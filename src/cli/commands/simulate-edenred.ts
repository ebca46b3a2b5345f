import { UsageError, type CliCommand } from '../cli-command';
import {
  EdenredSimulator,
  GUIDE_TEST_USER,
  type EdenredSimulatorOptions,
} from '../../integrations/edenred/simulator/edenred-simulator';

/** EDENRED_* values already set are the simulator's own (a gateway with the same environment then fits it). */
const fromEnvironment = (env: NodeJS.ProcessEnv): EdenredSimulatorOptions => {
  const options: EdenredSimulatorOptions = {};
  const names: [keyof EdenredSimulatorOptions, string][] = [
    ['clientId', 'EDENRED_CLIENT_ID'],
    ['clientSecret', 'EDENRED_CLIENT_SECRET'],
    ['paymentClientId', 'EDENRED_PAYMENT_CLIENT_ID'],
    ['paymentClientSecret', 'EDENRED_PAYMENT_CLIENT_SECRET'],
    ['mid', 'EDENRED_MID'],
    ['batchNo', 'EDENRED_BATCH_NO'],
    ['serviceId', 'EDENRED_SERVICE_ID'],
    ['terminalNo', 'EDENRED_TERMINAL_NO'],
    ['transactionSource', 'EDENRED_TRANSACTION_SOURCE'],
    ['hashSecret', 'EDENRED_HASH_SECRET'],
  ];
  for (const [option, name] of names) if (env[name]) Object.assign(options, { [option]: env[name] });
  return options;
};

export const simulateEdenredCommand: CliCommand = {
  path: ['simulate', 'edenred'],
  summary: 'the Edenred SSO and Direct Payment simulator alone, on PORT',
  usage: '[--access-token-lifetime <seconds>]',
  details: [
    'Prints its URL, the test user (login, password, OTP) and the EDENRED_* variables a gateway needs',
    '(secrets included: they are the simulator credentials). EDENRED_* client ids, secrets, mid, batch,',
    'service and terminal numbers already set are used instead of generated ones.',
    '  --access-token-lifetime   seconds an access token lives (default 3600)',
  ].join('\n'),
  options: { 'access-token-lifetime': { type: 'string' } },
  keepsRunning: true,
  run: async ({ values, config, logger, out }) => {
    const lifetime = values['access-token-lifetime'];
    const accessTokenLifetimeSeconds = lifetime === undefined ? 3600 : Number(lifetime);
    if (!Number.isInteger(accessTokenLifetimeSeconds) || accessTokenLifetimeSeconds < 1) {
      throw new UsageError('--access-token-lifetime must be a whole number of seconds', 'simulate edenred');
    }
    const simulator = new EdenredSimulator({ ...fromEnvironment(process.env), accessTokenLifetimeSeconds });
    const url = await simulator.listen(config.PORT, config.HOST);
    logger.info('edenred simulator started', { url });
    out(`Edenred simulator on ${url} (login page: ${url}/connect/authorize)`);
    out(
      `test user: ${GUIDE_TEST_USER.login} / password ${GUIDE_TEST_USER.password} / OTP ${GUIDE_TEST_USER.otp}`,
    );
    for (const [name, value] of Object.entries(simulator.clientEnvironment())) out(`${name}=${value}`);
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
};
