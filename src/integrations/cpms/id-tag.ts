import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The OCPP idTag (Longship) or key identifier (Corpay) EdgePay sends with a charge's start: `EP` and 18 characters of the SHA-256 of
 * the charge id (Crockford base32, 90 bits). Deterministic, so after a restart the adapter finds the
 * charge's session by its idTag alone; 20 characters, the OCPP 1.6 CiString20 limit.
 */
export const idTagFor = (chargeId: string): string => {
  const hash = createHash('sha256').update(chargeId).digest();
  return `EP${Array.from(hash.subarray(0, 18), (byte) => CROCKFORD[byte & 31]).join('')}`;
};
