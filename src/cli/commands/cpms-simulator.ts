import { ConfigError } from '../../infrastructure/config';
import { CpmsSimulator } from '../../integrations/cpms/simulator/cpms-simulator';
import type { CliCommand } from '../cli-command';

export const cpmsSimulatorCommand: CliCommand = {
  path: ['cpms-simulator'],
  summary: 'the CPMS simulator alone, on PORT',
  usage: '',
  details: [
    'For workers on several hosts: set their CPMS_SIMULATOR_URL to it, and the same CPMS_SIMULATOR_TOKEN',
    '(at least 16 characters) here and everywhere.',
  ].join('\n'),
  keepsRunning: true,
  run: async ({ config, logger }) => {
    if (!config.CPMS_SIMULATOR_TOKEN) throw new ConfigError('cpms-simulator needs CPMS_SIMULATOR_TOKEN');
    const simulator = new CpmsSimulator({ token: config.CPMS_SIMULATOR_TOKEN });
    const url = await simulator.listen(config.PORT, config.HOST);
    logger.info('cpms simulator started', { url });
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
};
