import { Router, type Request, type Response } from 'express';
import type { MerchantAttestationPolicyService } from '../../commands/terminals/merchant-attestation-policy.service';
import type { TerminalAttestationService } from '../../commands/terminals/terminal-attestation.service';
import { DEFAULT_ATTESTATION_POLICY } from '../../domain/attestation/attestation-policy';
import { terminalAttestationStreamName } from '../../domain/terminal-attestation/terminal-attestation.decider';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { MerchantAttestationPolicyDocument } from '../../projections/terminals/merchant-attestation-policy.projection';
import type { TerminalAttestationDocument } from '../../projections/terminals/terminal-attestation.document';
import { TERMINAL_ATTESTATIONS_COLLECTION } from '../../projections/terminals/terminal-attestation.projection';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';
import { etagOf, parseIfMatch } from '../resource';
import { commandContext, scopeOf } from '../request-context';
import { readModelLagging, waitForReadModels } from '../read-your-writes';
import { attestationView, terminalNotFound } from './terminals.views';

export interface TerminalAttestationRoutesDeps {
  attestations: TerminalAttestationService;
  policies: MerchantAttestationPolicyService;
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  clock: Clock;
  readYourWritesTimeoutMs: number;
}

const idParam = (req: Request): string => req.params.id as string;

export const terminalAttestationRoutes = (deps: TerminalAttestationRoutesDeps): Router => {
  const router = Router();
  const { attestations, policies } = deps;

  const sendAttestation = (res: Response, status: number, doc: TerminalAttestationDocument) => {
    res.setHeader('ETag', etagOf(doc.version));
    res
      .status(status)
      .json(attestationView({ id: doc.terminalId, merchantId: doc.merchantId }, doc, deps.clock.now()));
  };

  router.post('/v1/terminals/:id/attestation/challenge', async (req, res) => {
    const result = await attestations.issueChallenge(idParam(req), scopeOf(res), commandContext(res));
    const doc = result.view;
    const challenge = result.state.status === 'challenge_pending' ? result.state.challenge : undefined;
    if (!doc?.pendingChallenge || !challenge) throw new Error('no challenge was recorded');
    res.status(201).json({
      object: 'terminal_attestation_challenge',
      id: challenge.challengeId,
      terminalId: doc.terminalId,
      challenge: challenge.challenge,
      issuedAt: doc.pendingChallenge.issuedAt,
      expiresAt: challenge.expiresAt,
    });
  });

  router.post('/v1/terminals/:id/attestation', async (req, res) => {
    const { result, effective } = await attestations.submitEvidence(
      idParam(req),
      req.body,
      scopeOf(res),
      commandContext(res),
    );
    // The verdict is recorded; until payments can see it, promising it would mislead the terminal.
    if (!effective) throw readModelLagging();
    const doc = result.view;
    if (!doc) throw new Error('no verdict was recorded');
    sendAttestation(res, 200, doc);
  });

  router.get('/v1/terminals/:id/attestation', async (req, res) => {
    const id = idParam(req);
    const scope = scopeOf(res);
    if (scope.terminalId && scope.terminalId !== id) throw terminalNotFound(id);
    const terminal = await deps.readStore
      .collection<TerminalDocument>(TERMINALS_COLLECTION)
      .findOne({ _id: id });
    if (!terminal || terminal.merchantId !== scope.merchantId) throw terminalNotFound(id);
    const head = await deps.eventStore.streamHead(terminalAttestationStreamName(id));
    await waitForReadModels(deps.freshness, head?.position, deps.readYourWritesTimeoutMs);
    const doc = await deps.readStore
      .collection<TerminalAttestationDocument>(TERMINAL_ATTESTATIONS_COLLECTION)
      .findOne({ _id: id });
    if (doc) return sendAttestation(res, 200, doc);
    res.setHeader('ETag', etagOf(0));
    res.json(attestationView(terminal, null, deps.clock.now()));
  });

  const sendPolicy = (res: Response, merchantId: string, doc: MerchantAttestationPolicyDocument | null) => {
    const view = {
      object: 'attestation_policy' as const,
      merchantId,
      requireAttestation: doc?.requireAttestation ?? false,
      policy: doc?.policy ?? DEFAULT_ATTESTATION_POLICY,
      updatedAt: doc?.updatedAt ?? null,
      version: doc?.version ?? 0,
    };
    res.setHeader('ETag', etagOf(view.version));
    res.json(view);
  };

  router.get('/v1/attestation-policy', async (_req, res) => {
    const { merchantId } = scopeOf(res);
    sendPolicy(res, merchantId, (await policies.load(merchantId)).view);
  });

  router.put('/v1/attestation-policy', async (req, res) => {
    const { result, effective } = await policies.set(
      req.body,
      scopeOf(res),
      commandContext(res),
      parseIfMatch(req.get('if-match')),
    );
    if (!effective) throw readModelLagging();
    sendPolicy(res, scopeOf(res).merchantId, result.view);
  });

  return router;
};
