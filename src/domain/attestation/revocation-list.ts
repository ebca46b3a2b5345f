import { z } from 'zod';
import { invalid } from '../shared/domain-error';

const revocationEntrySchema = z.object({
  status: z.enum(['REVOKED', 'SUSPENDED']),
  reason: z.string().optional(),
  comment: z.string().optional(),
  expires: z.string().optional(),
});

/** The document Google serves at its attestation status URL; loaded from configuration here. */
const revocationListSchema = z.object({
  entries: z.record(
    z.string().regex(/^[0-9a-fA-F]+$/, 'must be a hexadecimal serial'),
    revocationEntrySchema,
  ),
});

export type RevocationEntry = z.infer<typeof revocationEntrySchema>;

/** Keyed by serial in lowercase hex without leading zeros; build it with parseRevocationList. */
export type RevocationList = { entries: Record<string, RevocationEntry> };

export const EMPTY_REVOCATION_LIST: RevocationList = { entries: {} };

/**
 * Google writes serials as BigInteger.toString(16): lowercase hex, no leading zeros. Some look
 * decimal ("6681152659205225093") but are hex too; Node prints serials in uppercase with zeros.
 */
export const normalizeSerial = (hex: string): string => hex.toLowerCase().replace(/^0+(?=.)/, '');

export const parseRevocationList = (json: unknown): RevocationList => {
  const parsed = revocationListSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid('invalid_revocation_list', `revocation list: ${z.prettifyError(parsed.error)}`);
  }
  const entries: Record<string, RevocationEntry> = {};
  for (const [serial, entry] of Object.entries(parsed.data.entries)) entries[normalizeSerial(serial)] = entry;
  return { entries };
};

export const revocationOf = (list: RevocationList, serialHex: string): RevocationEntry | undefined =>
  Object.hasOwn(list.entries, normalizeSerial(serialHex))
    ? list.entries[normalizeSerial(serialHex)]
    : undefined;
