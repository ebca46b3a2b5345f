import { terminalAttestationEventCodec } from '../domain/terminal-attestation/terminal-attestation.events';
import type { TerminalDocument } from '../projections/terminals/terminal.document';
import { terminalFromStream } from '../projections/terminals/terminal.projection';
import { historyMapping, resourceAsOfEvent, type PublicEventMapping } from './public-event';

/** The terminal as subscribers see it: no credential ids, and health as a status and its problems. */
export const publicTerminal = (doc: TerminalDocument) => ({
  id: doc.id,
  object: doc.object,
  stationId: doc.stationId,
  serialNumber: doc.serialNumber,
  model: doc.model,
  manufacturer: doc.manufacturer,
  label: doc.label,
  firmwareVersion: doc.firmwareVersion,
  status: doc.status,
  statusReason: doc.statusReason,
  connectivity: doc.connectivity,
  lastSeenAt: doc.lastSeenAt,
  health: { status: doc.health.status, problems: doc.health.problems },
  metadata: doc.metadata,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  version: doc.version,
});

const asOfEvent = resourceAsOfEvent(terminalFromStream, publicTerminal);
const mapping = (domainEventType: string, publicType: string, build = asOfEvent) =>
  historyMapping(domainEventType, publicType, build);

/**
 * Health reports arrive every minute from every terminal (heartbeats): only a change of health status is
 * worth a webhook.
 */
const healthChanged: PublicEventMapping['build'] = (source) => {
  const previous = (source.event.data as { previousAttributes?: { healthStatus?: string } })
    .previousAttributes;
  return previous?.healthStatus === undefined ? null : asOfEvent(source);
};

export const terminalPublicEvents: readonly PublicEventMapping[] = [
  mapping('TerminalRegistered', 'terminal.registered'),
  mapping('TerminalStatusChanged', 'terminal.status_changed'),
  mapping('TerminalWentOffline', 'terminal.offline'),
  mapping('TerminalCameOnline', 'terminal.online'),
  mapping('TerminalHealthReported', 'terminal.health_changed', healthChanged),
];

const verdict =
  (trusted: boolean): PublicEventMapping['build'] =>
  ({ event }) => {
    const attested = terminalAttestationEventCodec.parse(event);
    if (attested.type === 'TerminalAttestationChallengeIssued') return null;
    return {
      merchantId: attested.data.merchantId,
      data: {
        terminalId: attested.data.terminalId,
        trusted,
        verifiedAt: attested.data.verifiedAt,
        expiresAt: attested.type === 'TerminalAttested' ? attested.data.expiresAt : null,
        reasons: attested.type === 'TerminalAttestationFailed' ? attested.data.reasons : [],
      },
    };
  };

/** Verdicts, so operators learn at once that a terminal became untrusted (and why); evidence stays out. */
export const terminalAttestationPublicEvents: readonly PublicEventMapping[] = [
  {
    domainEventType: 'TerminalAttested',
    publicType: 'terminal.attested',
    version: 1,
    needsHistory: false,
    build: verdict(true),
  },
  {
    domainEventType: 'TerminalAttestationFailed',
    publicType: 'terminal.attestation_failed',
    version: 1,
    needsHistory: false,
    build: verdict(false),
  },
];
