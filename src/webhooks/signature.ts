import { createHmac } from 'node:crypto';
import { signingKeyOf } from './signing-secret';

export interface SignedContent {
  /** webhook-id */
  id: string;
  /** webhook-timestamp, in whole seconds since the epoch */
  timestamp: number;
  body: string;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the Standard Webhooks symmetric signature. */
export const sign = (secret: string, content: SignedContent): string =>
  `v1,${createHmac('sha256', signingKeyOf(secret))
    .update(`${content.id}.${content.timestamp}.${content.body}`)
    .digest('base64')}`;

/** One signature per secret, space separated: during a rotation receivers holding either secret verify. */
export const signatureHeader = (secrets: readonly string[], content: SignedContent): string =>
  secrets.map((secret) => sign(secret, content)).join(' ');

export const webhookHeaders = (
  secrets: readonly string[],
  content: SignedContent,
): Record<string, string> => ({
  'webhook-id': content.id,
  'webhook-timestamp': String(content.timestamp),
  'webhook-signature': signatureHeader(secrets, content),
});
