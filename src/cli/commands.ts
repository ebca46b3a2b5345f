import type { CliCommand } from './cli-command';
import { auditCommands } from './commands/audit';
import { cpmsSimulatorCommand } from './commands/cpms-simulator';
import { keysCreateCommand } from './commands/keys-create';
import { keysListCommand } from './commands/keys-list';
import { keysRevokeCommand } from './commands/keys-revoke';
import { ocpiCommands } from './commands/ocpi';
import { roleCommands } from './commands/roles';
import { simulateEdenredCommand } from './commands/simulate-edenred';
import { simulateCommands } from './commands/simulate';
import { webhooksListenCommand } from './commands/webhooks-listen';

/** Every `edgepay` command, in the order `edgepay --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  ...roleCommands,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  webhooksListenCommand,
  cpmsSimulatorCommand,
  simulateEdenredCommand,
  ...simulateCommands,
  ...ocpiCommands,
  ...auditCommands,
];
