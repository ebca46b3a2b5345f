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

/** Undefined when the signature holds for `publicKey`; otherwise why not. */
export const checkpointSignatureProblem = (
  checkpoint: SignedCheckpoint,
  publicKey: KeyObject,
): string | undefined => {
  const { signature, ...body } = checkpoint;
  const keyId = keyIdOf(publicKey);
  if (body.keyId !== keyId) return `signed with key ${body.keyId}, not the trusted key ${keyId}`;
  const valid = verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'));
  return valid ? undefined : 'the signature does not match the checkpoint';
};
