import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { merchantAttestationPolicyService } from '../commands/terminals/merchant-attestation-policy.service';
import { terminalAttestationService } from '../commands/terminals/terminal-attestation.service';
import { terminalCredentials } from '../commands/terminals/terminal-credentials';
import { terminalTrust } from '../commands/terminals/terminal-trust';
import { terminalService } from '../commands/terminals/terminal.service';
import { terminalAttestationRoutes } from '../http/routes/terminal-attestation.routes';
import { terminalRoutes } from '../http/routes/terminals.routes';
import { loadAttestationTrustAnchors } from '../infrastructure/attestation/attestation-trust-anchors';
import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../projections/read-model-freshness';
import { startTerminalOfflineWorker } from '../workers/terminal-offline';

export { TERMINAL_OFFLINE_QUEUE } from '../workers/terminal-offline';

export interface TerminalRuntimeDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  /** Waits for the read models: the projector in this process, or its checkpoint. */
  freshness: ReadModelFreshness;
  /** The attestation challenges' randomness; tests replay recorded evidence with its own challenge. */
  challengeBytes?: (size: number) => Uint8Array;
}

/** Terminals' part of the composition: services, routers, the offline worker, and the payment trust check. */
export const terminalRuntime = (deps: TerminalRuntimeDeps) => {
  const { config, logger, clock, eventStore, readStore, jobQueue, freshness } = deps;
  const readYourWritesTimeoutMs = config.READ_YOUR_WRITES_TIMEOUT_MS;
  const offlineAfterMs = config.TERMINAL_OFFLINE_AFTER_SECONDS * 1000;
  const terminals = terminalService({
    eventStore,
    clock,
    credentials: terminalCredentials({
      eventStore,
      clock,
      apiKeyEnvironment: config.EDGEPAY_ENV === 'development' ? 'test' : 'live',
    }),
    freshness,
    readYourWritesTimeoutMs,
    offlineAfterMs,
  });
  const policies = merchantAttestationPolicyService({
    eventStore,
    clock,
    freshness,
    readYourWritesTimeoutMs,
  });
  // Read at start: a bad roots or revocation file stops the gateway with its name, not the first attestation.
  const trustAnchors = loadAttestationTrustAnchors({
    ...(config.ATTESTATION_TRUSTED_ROOTS_FILE
      ? { trustedRootsFile: config.ATTESTATION_TRUSTED_ROOTS_FILE }
      : {}),
    ...(config.ATTESTATION_REVOCATION_FILE ? { revocationFile: config.ATTESTATION_REVOCATION_FILE } : {}),
  });
  const attestations = terminalAttestationService({
    eventStore,
    readStore,
    clock,
    freshness,
    readYourWritesTimeoutMs,
    policies,
    trustAnchors,
    challengeTtlMs: config.ATTESTATION_CHALLENGE_TTL_SECONDS * 1000,
    verdictTtlMs: config.ATTESTATION_VERDICT_TTL_MINUTES * 60_000,
    randomBytes: deps.challengeBytes ?? randomBytes,
  });

  return {
    terminalTrust: terminalTrust({
      // By head: what this process appended counts at once, another process's within the head cache's
      // check interval, the bound key revocation has (decision 0042).
      terminal: async (terminalId) => (await terminals.load(terminalId, { byHead: true })).state,
      policy: (merchantId) => policies.current(merchantId, { byHead: true }),
      attestation: async (terminalId) => (await attestations.load(terminalId, { byHead: true })).state,
    }),

    routers: (): Router[] => [
      terminalRoutes({ service: terminals, eventStore, readStore, freshness, readYourWritesTimeoutMs }),
      terminalAttestationRoutes({
        attestations,
        policies,
        eventStore,
        readStore,
        freshness,
        clock,
        readYourWritesTimeoutMs,
      }),
    ],

    startWorker: () =>
      startTerminalOfflineWorker({
        readStore,
        jobQueue,
        clock,
        logger,
        terminals,
        offlineAfterMs,
        sweepIntervalMs: config.TERMINAL_OFFLINE_SWEEP_INTERVAL_MS,
      }),
  };
};
