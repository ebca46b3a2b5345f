import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AttestationApplicationId,
  AttestationPackageInfo,
  AuthorizationList,
  id_ce_keyDescription,
  IntegerSet,
  KeyDescription,
  RootOfTrust,
  SecurityLevel,
  VerifiedBootState,
} from '@peculiar/asn1-android';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_basicConstraints,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

/**
 * A stand-in for Google's hardware attestation CA and a terminal's Keystore, for local use only: it
 * issues Android Key Attestation chains (leaf with a KeyDescription, intermediate, root) that answer a
 * gateway's challenge. The gateway trusts them only when started with ATTESTATION_TRUSTED_ROOTS_FILE
 * naming this root, so they prove nothing about real hardware.
 */
export interface DemoAttestationAuthority {
  rootPem: string;
  intermediatePem: string;
  intermediateKey: KeyObject;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const DAY_MS = 86_400_000;

const nameOf = (commonName: string): Name =>
  new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: commonName }) }),
    ]),
  ]);

const serialNumber = (): ArrayBuffer => {
  const bytes = randomBytes(16);
  // Positive, and no leading zero byte: DER wants the shortest encoding, OpenSSL refuses others.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new Uint8Array(bytes).buffer;
};

const issue = (options: {
  subject: string;
  issuer: string;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}): string => {
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: algorithm,
    issuer: nameOf(options.issuer),
    validity: new Validity({ notBefore: options.notBefore, notAfter: options.notAfter }),
    subject: nameOf(options.subject),
    subjectPublicKeyInfo: AsnConvert.parse(
      options.subjectKey.export({ type: 'spki', format: 'der' }),
      SubjectPublicKeyInfo,
    ),
    extensions: new Extensions(options.extensions),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), options.issuerKey);
  const certificate = new Certificate({
    tbsCertificate,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return new X509Certificate(Buffer.from(AsnConvert.serialize(certificate))).toString();
};

const caExtension = (): Extension =>
  new Extension({
    extnID: id_ce_basicConstraints,
    critical: true,
    extnValue: new OctetString(AsnConvert.serialize(new BasicConstraints({ cA: true }))),
  });

const ecKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A new root and intermediate, valid for `years` from `now`. */
export const createDemoAttestationAuthority = (now: Date, years = 20): DemoAttestationAuthority => {
  const root = ecKeyPair();
  const intermediate = ecKeyPair();
  const notBefore = new Date(now.getTime() - DAY_MS);
  const notAfter = new Date(now.getTime() + years * 365 * DAY_MS);
  const rootName = 'EdgePay demo attestation root (local use only)';
  const rootPem = issue({
    subject: rootName,
    issuer: rootName,
    subjectKey: root.publicKey,
    issuerKey: root.privateKey,
    notBefore,
    notAfter,
    extensions: [caExtension()],
  });
  const intermediatePem = issue({
    subject: 'EdgePay demo attestation intermediate',
    issuer: rootName,
    subjectKey: intermediate.publicKey,
    issuerKey: root.privateKey,
    notBefore,
    notAfter,
    extensions: [caExtension()],
  });
  return { rootPem, intermediatePem, intermediateKey: intermediate.privateKey };
};

const KEY_PURPOSE_SIGN = 2;

/** What a healthy terminal's TEE reports: locked bootloader, verified boot, a recent patch level. */
const keyDescriptionFor = (challenge: Uint8Array, applicationId: string): KeyDescription =>
  new KeyDescription({
    attestationVersion: 200,
    attestationSecurityLevel: SecurityLevel.trustedEnvironment,
    keymasterVersion: 200,
    keymasterSecurityLevel: SecurityLevel.trustedEnvironment,
    attestationChallenge: new OctetString(challenge),
    uniqueId: new OctetString(0),
    softwareEnforced: new AuthorizationList({
      attestationApplicationId: new OctetString(
        AsnConvert.serialize(
          new AttestationApplicationId({
            packageInfos: [
              new AttestationPackageInfo({
                packageName: new OctetString(Buffer.from(applicationId)),
                version: 1,
              }),
            ],
            signatureDigests: [new OctetString(randomBytes(32))],
          }),
        ),
      ),
    }),
    teeEnforced: new AuthorizationList({
      purpose: new IntegerSet([KEY_PURPOSE_SIGN]),
      rootOfTrust: new RootOfTrust({
        verifiedBootKey: new OctetString(randomBytes(32)),
        deviceLocked: true,
        verifiedBootState: VerifiedBootState.verified,
      }),
      osVersion: 140000,
      osPatchLevel: 202610,
    }),
  });

/**
 * The chain a terminal would post for `challenge` (the bytes of the gateway's base64 challenge): a fresh
 * key attested by the demo intermediate, leaf first, root last.
 */
export const demoAttestationChain = (
  authority: DemoAttestationAuthority,
  challenge: Uint8Array,
  now: Date,
  applicationId = 'com.edgepay.terminal',
): string => {
  const leafKey = ecKeyPair();
  const leafPem = issue({
    subject: 'Android Keystore Key',
    issuer: 'EdgePay demo attestation intermediate',
    subjectKey: leafKey.publicKey,
    issuerKey: authority.intermediateKey,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    extensions: [
      new Extension({
        extnID: id_ce_keyDescription,
        critical: false,
        extnValue: new OctetString(AsnConvert.serialize(keyDescriptionFor(challenge, applicationId))),
      }),
    ],
  });
  return [leafPem, authority.intermediatePem, authority.rootPem].join('');
};

const FILES = {
  root: 'demo-root.pem',
  intermediate: 'demo-intermediate.pem',
  intermediateKey: 'demo-intermediate.key.pem',
};

/** The demo authority kept in this folder (made by create-demo-authority.ts). */
export const DEMO_ROOT_FILE = path.join(__dirname, FILES.root);

export const loadDemoAttestationAuthority = (directory = __dirname): DemoAttestationAuthority => ({
  rootPem: readFileSync(path.join(directory, FILES.root), 'utf8'),
  intermediatePem: readFileSync(path.join(directory, FILES.intermediate), 'utf8'),
  intermediateKey: createPrivateKey(readFileSync(path.join(directory, FILES.intermediateKey), 'utf8')),
});

export const saveDemoAttestationAuthority = (authority: DemoAttestationAuthority, directory = __dirname) => {
  writeFileSync(path.join(directory, FILES.root), authority.rootPem);
  writeFileSync(path.join(directory, FILES.intermediate), authority.intermediatePem);
  writeFileSync(
    path.join(directory, FILES.intermediateKey),
    authority.intermediateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  );
};
