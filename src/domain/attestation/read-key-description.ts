import {
  AttestationApplicationId,
  id_ce_keyDescription,
  NonStandardKeyDescription,
  type NonStandardAuthorizationList,
} from '@peculiar/asn1-android';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
import type { AttestationSecurityLevel, VerifiedBootState } from './attestation-verdict';

/** KeyDescription (OID 1.3.6.1.4.1.11129.2.1.17), as the Keystore that made the key states it. */
export type KeyDescriptionClaims = {
  attestationVersion: number;
  securityLevel: AttestationSecurityLevel;
  challenge: Buffer;
  purposes: number[];
  rootOfTrust?: { deviceLocked: boolean; verifiedBootState: VerifiedBootState };
  osVersion?: number;
  osPatchLevel?: number;
  applicationIds: string[];
};

export type KeyDescriptionReading =
  { ok: true; claims: KeyDescriptionClaims | undefined } | { ok: false; problem: string };

export const KEY_PURPOSE_ATTEST_KEY = 7;

const SECURITY_LEVELS: Record<number, AttestationSecurityLevel> = {
  0: 'Software',
  1: 'TrustedEnvironment',
  2: 'StrongBox',
};
const BOOT_STATES: Record<number, VerifiedBootState> = {
  0: 'Verified',
  1: 'SelfSigned',
  2: 'Unverified',
  3: 'Failed',
};

// asn1-schema's OctetString only looks like an ArrayBufferView, and asn1-android types some
// OCTET STRINGs as OctetString that it actually decodes to a bare ArrayBuffer.
const bytesOf = (value: ArrayBuffer | ArrayBufferView): Buffer =>
  value instanceof ArrayBuffer
    ? Buffer.from(value)
    : Buffer.from(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);

const enumValue = <T>(table: Record<number, T>, value: number, what: string): T => {
  const named = table[value];
  if (named === undefined) throw new Error(`unknown ${what} ${value}`);
  return named;
};

/** Hardware-enforced values win; the software list is the fallback the schema allows. */
const propertyOf = <
  K extends 'purpose' | 'rootOfTrust' | 'osVersion' | 'osPatchLevel' | 'attestationApplicationId',
>(
  lists: NonStandardAuthorizationList[],
  key: K,
) => {
  for (const list of lists) {
    const value = list.findProperty(key);
    if (value !== undefined) return value;
  }
  return undefined;
};

const applicationIdsOf = (encoded: ArrayBuffer | ArrayBufferView | undefined): string[] => {
  if (encoded === undefined) return [];
  const applicationId = AsnConvert.parse(bytesOf(encoded), AttestationApplicationId);
  return applicationId.packageInfos.map((info) => bytesOf(info.packageName).toString('utf8'));
};

const claimsOf = (description: NonStandardKeyDescription): KeyDescriptionClaims => {
  const hardwareFirst = [description.teeEnforced, description.softwareEnforced];
  const rootOfTrust = propertyOf(hardwareFirst, 'rootOfTrust');
  const osVersion = propertyOf(hardwareFirst, 'osVersion');
  const osPatchLevel = propertyOf(hardwareFirst, 'osPatchLevel');
  return {
    attestationVersion: description.attestationVersion,
    securityLevel: enumValue(SECURITY_LEVELS, description.attestationSecurityLevel, 'security level'),
    challenge: bytesOf(description.attestationChallenge),
    purposes: [...(propertyOf(hardwareFirst, 'purpose') ?? [])],
    ...(rootOfTrust && {
      rootOfTrust: {
        deviceLocked: rootOfTrust.deviceLocked,
        verifiedBootState: enumValue(BOOT_STATES, rootOfTrust.verifiedBootState, 'verified boot state'),
      },
    }),
    ...(osVersion !== undefined && { osVersion }),
    ...(osPatchLevel !== undefined && { osPatchLevel }),
    // Android puts the application id in the software list; read both in case a vendor did not.
    applicationIds: applicationIdsOf(
      propertyOf([description.softwareEnforced, description.teeEnforced], 'attestationApplicationId'),
    ),
  };
};

/** undefined claims: the certificate carries no KeyDescription (a CA certificate). */
export const readKeyDescription = (certificate: Certificate): KeyDescriptionReading => {
  const extension = certificate.tbsCertificate.extensions?.find(
    (candidate) => candidate.extnID === id_ce_keyDescription,
  );
  if (!extension) return { ok: true, claims: undefined };
  try {
    return { ok: true, claims: claimsOf(AsnConvert.parse(extension.extnValue, NonStandardKeyDescription)) };
  } catch (error) {
    return { ok: false, problem: `unreadable KeyDescription: ${(error as Error).message}` };
  }
};
