import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../infrastructure/event-store/hash-chain';
import type { StreamHead } from './chain-verifier';
import { keyIdOf } from './signing-key';

export const CHECKPOINT_STREAM = 'audit-checkpoints';
export const CHECKPOINT_EVENT_TYPE = 'AuditCheckpointSigned';

/** The heads of every stream up to `position` (the global position of the newest event covered). */
export interface CheckpointBody {
  algorithm: 'Ed25519';
  keyId: string;
  /** True when signed with the development key: such a checkpoint proves nothing. */
  developmentKey: boolean;
  signedAt: string;
  position: string;
  eventCount: number;
  streamCount: number;
  heads: StreamHead[];
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 over the canonical JSON of the body, base64. */
  signature: string;
}

const byStreamName = (a: StreamHead, b: StreamHead): number =>
  a.streamName < b.streamName ? -1 : a.streamName > b.streamName ? 1 : 0;

export const signCheckpoint = (
  body: Omit<CheckpointBody, 'algorithm' | 'keyId'>,
  key: { privateKey: KeyObject; publicKey: KeyObject },
): SignedCheckpoint => {
  const full: CheckpointBody = {
    algorithm: 'Ed25519',
    keyId: keyIdOf(key.publicKey),
    ...body,
    heads: [...body.heads].sort(byStreamName),
  };
  const signature = sign(null, Buffer.from(canonicalJson(full)), key.privateKey).toString('base64');
  return { ...full, signature };
};

/**
 * Undefined when the signature holds for the trusted key it names; otherwise why not. Several keys are
 * trusted across a key rotation: each checkpoint names (by keyId) the one that signed it.
 */
export const checkpointSignatureProblem = (
  checkpoint: SignedCheckpoint,
  trusted: KeyObject | readonly KeyObject[],
): string | undefined => {
  const { signature, ...body } = checkpoint;
  const keys = Array.isArray(trusted) ? trusted : [trusted as KeyObject];
  const publicKey = keys.find((key) => keyIdOf(key) === body.keyId);
  if (!publicKey) {
    return `signed with key ${body.keyId}, not the trusted key ${keys.map(keyIdOf).join(' or ')}`;
  }
  const valid = verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'));
  return valid ? undefined : 'the signature does not match the checkpoint';
};
