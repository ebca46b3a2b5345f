import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { reason, type AttestationReason } from './attestation-verdict';

/** Real chains have 3 to 7 certificates; the cap keeps hostile input from costing much. */
export const MAX_CHAIN_LENGTH = 10;
const MAX_PEM_CHARACTERS = 64 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** One certificate seen twice: Node's view verifies signatures, the ASN.1 view exposes extensions. */
export type ChainCertificate = { x509: X509Certificate; asn: Certificate };

export type ChainReading = { ok: true; chain: ChainCertificate[] } | { ok: false; reason: AttestationReason };

const malformed = (message: string): ChainReading => ({
  ok: false,
  reason: reason('malformed_evidence', message),
});

const pemBlocksOf = (chainPem: unknown): string[] | string => {
  const parts: unknown[] = Array.isArray(chainPem) ? chainPem : [chainPem];
  const blocks: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') return 'the certificate chain must be PEM text';
    const found = part.match(PEM_CERTIFICATE);
    if (!found) return 'no PEM certificate found in the evidence';
    blocks.push(...found);
  }
  return blocks;
};

const readCertificate = (pem: string, index: number): ChainCertificate | string => {
  try {
    const x509 = new X509Certificate(pem);
    return { x509, asn: AsnConvert.parse(x509.raw, Certificate) };
  } catch (error) {
    return `certificate ${index} is not a readable X.509 certificate (${(error as Error).message})`;
  }
};

/** Leaf first, root last, as Android's KeyStore.getCertificateChain() returns it. */
export const readCertificateChain = (chainPem: string | string[]): ChainReading => {
  const totalCharacters = [chainPem].flat().reduce((sum, part) => sum + String(part).length, 0);
  if (totalCharacters > MAX_PEM_CHARACTERS) return malformed('the certificate chain is too large');
  const blocks = pemBlocksOf(chainPem);
  if (typeof blocks === 'string') return malformed(blocks);
  if (blocks.length > MAX_CHAIN_LENGTH) {
    return malformed(`the chain has ${blocks.length} certificates, more than ${MAX_CHAIN_LENGTH}`);
  }
  const chain: ChainCertificate[] = [];
  for (const [index, block] of blocks.entries()) {
    const certificate = readCertificate(block, index);
    if (typeof certificate === 'string') return malformed(certificate);
    chain.push(certificate);
  }
  return { ok: true, chain };
};
