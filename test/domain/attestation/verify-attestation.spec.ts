import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  attestationPolicySchema,
  DEFAULT_ATTESTATION_POLICY,
  EMPTY_REVOCATION_LIST,
  GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM,
  parseRevocationList,
  verifyAttestation,
  type AttestationReasonCode,
  type AttestationVerdict,
  type VerifyAttestationInput,
} from '../../../src/domain/attestation/verify-attestation';
import {
  GOOGLE_HARDWARE_ATTESTATION_ROOT_2016,
  GOOGLE_HARDWARE_ATTESTATION_ROOT_2019,
} from '../../../src/domain/attestation/google-hardware-attestation-roots';

// Unaltered chains from google/android-key-attestation (test/fixtures/android-key-attestation/NOTICE).
const VECTORS = path.resolve(__dirname, '../../fixtures/android-key-attestation');
const readVector = (name: string): string => fs.readFileSync(path.join(VECTORS, name), 'utf8');

const NORMAL_CHAIN = readVector('normal_cert_chain.pem');
const ATTEST_KEYS_CHAIN = readVector('cert_chain_with_attest_keys.pem');
const TEE_CHAIN = [0, 1, 2, 3].map((index) => readVector(`algorithm_EC_SecurityLevel_TEE/cert${index}.pem`));

// The 2023 chains are valid together only from 2023-02-19T18:28:36Z to 2023-03-24T01:33:52Z.
const INSIDE_2023_WINDOW = new Date('2023-03-01T00:00:00Z');
const INSIDE_TEE_WINDOW = new Date('2024-01-01T00:00:00Z');
const ascii = (text: string): Buffer => Buffer.from(text, 'utf8');

const blocksOf = (pem: string): string[] =>
  pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
const derOf = (pem: string): Buffer => new X509Certificate(pem).raw;
const pemOf = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const flipByte = (der: Buffer, offset: number): Buffer => {
  const copy = Buffer.from(der);
  copy[offset] = copy[offset]! ^ 0x01;
  return copy;
};
const NORMAL = blocksOf(NORMAL_CHAIN);
const withCertificate = (chain: string[], index: number, pem: string): string[] =>
  chain.map((block, at) => (at === index ? pem : block));

const givenEvidence = (chainPem: string | string[]) => ({
  whenVerified: (overrides: Partial<Omit<VerifyAttestationInput, 'chainPem'>> = {}): AttestationVerdict =>
    verifyAttestation({
      chainPem,
      expectedChallenge: ascii('challenge'),
      trustedRootsPem: GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM,
      revocation: EMPTY_REVOCATION_LIST,
      policy: DEFAULT_ATTESTATION_POLICY,
      at: INSIDE_2023_WINDOW,
      ...overrides,
    }),
});
const givenTeeEvidence = (chainPem: string | string[] = TEE_CHAIN) => ({
  whenVerified: (overrides: Partial<Omit<VerifyAttestationInput, 'chainPem'>> = {}): AttestationVerdict =>
    givenEvidence(chainPem).whenVerified({
      expectedChallenge: ascii('abc'),
      at: INSIDE_TEE_WINDOW,
      ...overrides,
    }),
});

const thenTrusted = (verdict: AttestationVerdict): void => {
  assert.deepEqual(verdict.reasons, []);
  assert.equal(verdict.trusted, true);
};
/** The refusal names exactly these reasons, each with a message an operator can read. */
const thenRefusedFor = (verdict: AttestationVerdict, codes: AttestationReasonCode[]): void => {
  assert.equal(verdict.trusted, false);
  assert.deepEqual(verdict.reasons.map((found) => found.code).sort(), [...codes].sort());
  for (const found of verdict.reasons) assert.ok(found.message.length > 0);
};

describe('Android Key Attestation verifier', () => {
  describe('given genuine evidence inside its validity window', () => {
    it('accepts the normal chain and reports what the device attests', () => {
      const verdict = givenEvidence(NORMAL_CHAIN).whenVerified();
      thenTrusted(verdict);
      assert.deepEqual(verdict.facts, {
        securityLevel: 'TrustedEnvironment',
        attestationVersion: 200,
        challengeMatches: true,
        deviceLocked: true,
        verifiedBootState: 'Verified',
        osVersion: 130000,
        osPatchLevel: 202302,
        applicationIds: ['com.google.attestationexample'],
        leafSerial: '1',
        leafPublicKeySpki: new X509Certificate(NORMAL[0]!).publicKey
          .export({ type: 'spki', format: 'der' })
          .toString('base64'),
        chainLength: 5,
      });
    });

    it('accepts the chain with attest keys, reading the leaf attestation', () => {
      const verdict = givenEvidence(ATTEST_KEYS_CHAIN).whenVerified();
      thenTrusted(verdict);
      assert.equal(verdict.facts?.chainLength, 7);
      assert.equal(verdict.facts?.challengeMatches, true);
    });

    it('accepts the chain given as one PEM per certificate', () =>
      thenTrusted(givenEvidence(NORMAL).whenVerified()));

    it('anchors on the root key: a reissued root over the same key is trusted', () =>
      thenTrusted(
        givenEvidence(NORMAL_CHAIN).whenVerified({
          trustedRootsPem: [GOOGLE_HARDWARE_ATTESTATION_ROOT_2016],
        }),
      ));
  });

  describe('given the unlocked, unverified TEE device', () => {
    it('refuses it under the default policy, naming both the unlocked device and the unverified boot', () => {
      const verdict = givenTeeEvidence().whenVerified();
      thenRefusedFor(verdict, ['device_unlocked', 'boot_not_verified']);
      assert.equal(verdict.facts?.deviceLocked, false);
      assert.equal(verdict.facts?.verifiedBootState, 'Unverified');
      assert.equal(verdict.facts?.attestationVersion, 3);
    });

    it('accepts its chain when the policy does not ask for a locked, verified device', () =>
      thenTrusted(
        givenTeeEvidence().whenVerified({
          policy: { ...DEFAULT_ATTESTATION_POLICY, requireDeviceLocked: false, requireVerifiedBoot: false },
        }),
      ));

    it('names every unmet requirement at once, not just the first', () =>
      thenRefusedFor(
        givenTeeEvidence().whenVerified({
          expectedChallenge: ascii('another'),
          policy: {
            allowedSecurityLevels: ['StrongBox'],
            requireDeviceLocked: true,
            requireVerifiedBoot: true,
            minimumOsPatchLevel: 202001,
            allowedApplicationIds: ['com.edgepay.terminal'],
          },
        }),
        [
          'challenge_mismatch',
          'security_level_not_allowed',
          'device_unlocked',
          'boot_not_verified',
          'os_patch_too_old',
          'application_not_allowed',
        ],
      ));

    it('does not date the root it trusts by key: the 2016 root certificate expired on 2026-05-24', () =>
      thenRefusedFor(givenTeeEvidence().whenVerified({ at: new Date('2026-06-01T00:00:00Z') }), [
        'device_unlocked',
        'boot_not_verified',
      ]));
  });

  describe('given a challenge other than the one issued', () => {
    it('refuses the evidence', () => {
      const verdict = givenEvidence(NORMAL_CHAIN).whenVerified({ expectedChallenge: ascii('challengf') });
      thenRefusedFor(verdict, ['challenge_mismatch']);
      assert.equal(verdict.facts?.challengeMatches, false);
    });

    it('refuses an empty expected challenge rather than matching an empty one', () =>
      thenRefusedFor(givenEvidence(NORMAL_CHAIN).whenVerified({ expectedChallenge: new Uint8Array() }), [
        'challenge_mismatch',
      ]));
  });

  describe('given tampered evidence', () => {
    NORMAL.forEach((block, index) => {
      it(`refuses a flipped byte in the signature of certificate ${index}`, () => {
        const der = derOf(block);
        const tampered = withCertificate(NORMAL, index, pemOf(flipByte(der, der.length - 1)));
        thenRefusedFor(givenEvidence(tampered).whenVerified(), ['signature_invalid']);
      });
    });

    it('refuses a leaf whose signed challenge was altered, as a broken signature', () => {
      const der = derOf(NORMAL[0]!);
      const tampered = withCertificate(NORMAL, 0, pemOf(flipByte(der, der.indexOf(ascii('challenge')) + 2)));
      thenRefusedFor(givenEvidence(tampered).whenVerified(), ['signature_invalid']);
    });

    it('refuses a leaf whose DER structure was broken, as malformed evidence', () => {
      const tampered = withCertificate(NORMAL, 0, pemOf(flipByte(derOf(NORMAL[0]!), 1)));
      thenRefusedFor(givenEvidence(tampered).whenVerified(), ['malformed_evidence']);
    });

    it('refuses a flipped byte anywhere in the leaf, and never throws', () => {
      const der = derOf(NORMAL[0]!);
      // Every seventh byte walks each field of the certificate at a seventh of the cost of all.
      for (let offset = 0; offset < der.length; offset += 7) {
        const verdict = givenEvidence(
          withCertificate(NORMAL, 0, pemOf(flipByte(der, offset))),
        ).whenVerified();
        assert.equal(verdict.trusted, false, `byte ${offset} flipped was accepted`);
        assert.ok(verdict.reasons.length > 0);
      }
    });

    it('refuses text that holds no certificate', () => {
      thenRefusedFor(givenEvidence('').whenVerified(), ['malformed_evidence']);
      thenRefusedFor(givenEvidence('not a certificate').whenVerified(), ['malformed_evidence']);
      thenRefusedFor(
        givenEvidence(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']).whenVerified(),
        ['malformed_evidence'],
      );
      thenRefusedFor(givenEvidence([NORMAL[0]!, 42 as any]).whenVerified(), ['malformed_evidence']);
    });

    it('refuses a chain padded with more certificates than any device sends', () =>
      thenRefusedFor(givenEvidence([...NORMAL, ...NORMAL, ...NORMAL]).whenVerified(), [
        'malformed_evidence',
      ]));
  });

  describe('given a chain cut short or rearranged', () => {
    it('refuses the leaf alone', () =>
      thenRefusedFor(givenEvidence(NORMAL.slice(0, 1)).whenVerified(), ['chain_too_short']));

    it('refuses the leaf with the root only', () =>
      thenRefusedFor(givenEvidence([NORMAL[0]!, NORMAL[4]!]).whenVerified(), ['chain_too_short']));

    it('refuses the chain without its root', () =>
      thenRefusedFor(givenEvidence(NORMAL.slice(0, -1)).whenVerified(), ['untrusted_root']));

    it('refuses a chain with a certificate left out of the middle', () =>
      thenRefusedFor(givenEvidence([NORMAL[0]!, ...NORMAL.slice(2)]).whenVerified(), ['issuer_mismatch']));

    it('refuses a second attestation that is not for an attest key', () =>
      thenRefusedFor(givenEvidence([NORMAL[0]!, ...NORMAL]).whenVerified(), [
        'unexpected_attestation_in_chain',
      ]));

    it('refuses a chain whose leaf carries no KeyDescription', () =>
      thenRefusedFor(givenEvidence(NORMAL.slice(1)).whenVerified(), ['missing_key_description']));
  });

  describe('given a verification time outside the window', () => {
    it('refuses it after the TEE intermediate expired', () => {
      const verdict = givenEvidence(NORMAL_CHAIN).whenVerified({ at: new Date('2023-03-25T00:00:00Z') });
      thenRefusedFor(verdict, ['certificate_expired']);
      assert.match(verdict.reasons[0]!.message, /d05facf443ed535548d994f6845e6d3c/);
    });

    it('refuses it before the Droid CA3 intermediate is valid', () =>
      thenRefusedFor(givenEvidence(NORMAL_CHAIN).whenVerified({ at: new Date('2023-02-19T00:00:00Z') }), [
        'certificate_not_yet_valid',
      ]));
  });

  describe('given a revocation list', () => {
    it('refuses a revoked leaf serial', () =>
      thenRefusedFor(
        givenEvidence(NORMAL_CHAIN).whenVerified({
          revocation: parseRevocationList({
            entries: { '1': { status: 'REVOKED', reason: 'KEY_COMPROMISE' } },
          }),
        }),
        ['certificate_revoked'],
      ));

    it('refuses a suspended intermediate, whatever case and leading zeros its serial is written in', () =>
      thenRefusedFor(
        givenEvidence(ATTEST_KEYS_CHAIN).whenVerified({
          revocation: parseRevocationList({
            entries: { '00D05FACF443ED535548D994F6845E6D3C': { status: 'SUSPENDED' } },
          }),
        }),
        ['certificate_suspended'],
      ));

    it("loads Google's status.json, none of whose serials is in the test chains", () => {
      const revocation = parseRevocationList(JSON.parse(readVector('status.json')));
      assert.deepEqual(Object.keys(revocation.entries).sort(), [
        '11244410301401252959',
        '6681152659205225093',
        '8350192447815228107',
        '9408173275444922801',
        'cc66e9a93713b6e643b26c15879786f7',
      ]);
      assert.equal(revocation.entries['cc66e9a93713b6e643b26c15879786f7']?.status, 'SUSPENDED');
      thenTrusted(givenEvidence(NORMAL_CHAIN).whenVerified({ revocation }));
      thenTrusted(givenEvidence(ATTEST_KEYS_CHAIN).whenVerified({ revocation }));
      thenRefusedFor(givenTeeEvidence().whenVerified({ revocation }), [
        'device_unlocked',
        'boot_not_verified',
      ]);
    });

    it('rejects a list that is not in Google’s format', () => {
      assert.throws(() => parseRevocationList({ entries: { 'not-hex': { status: 'REVOKED' } } }), /not-hex/);
      assert.throws(() => parseRevocationList({ entries: { ab: { status: 'GONE' } } }), /status/);
      assert.throws(() => parseRevocationList([]));
    });
  });

  describe('given a trust list', () => {
    it('refuses a chain whose root is not in it', () =>
      thenRefusedFor(givenEvidence(NORMAL_CHAIN).whenVerified({ trustedRootsPem: [] }), ['untrusted_root']));

    it('refuses a chain when only another certificate of it is configured as a root', () =>
      thenRefusedFor(givenEvidence(NORMAL_CHAIN).whenVerified({ trustedRootsPem: [NORMAL[3]!] }), [
        'untrusted_root',
      ]));

    it('refuses a chain that stops below a root, even at a configured key', () =>
      thenRefusedFor(givenEvidence(NORMAL.slice(0, -1)).whenVerified({ trustedRootsPem: [NORMAL[3]!] }), [
        'untrusted_root',
      ]));

    it('treats a configured root that is not a certificate as a deployment error', () =>
      assert.throws(
        () => givenEvidence(NORMAL_CHAIN).whenVerified({ trustedRootsPem: ['garbage'] }),
        /trusted attestation root 0/,
      ));

    it('ships both Google roots that end the test chains', () =>
      assert.deepEqual(
        [GOOGLE_HARDWARE_ATTESTATION_ROOT_2016, GOOGLE_HARDWARE_ATTESTATION_ROOT_2019].map(
          (pem) => new X509Certificate(pem).serialNumber,
        ),
        ['E8FA196314D2FA18', 'D50FF25BA3F2D6B3'],
      ));
  });

  describe('given a merchant policy', () => {
    const withPolicy = (policy: Partial<typeof DEFAULT_ATTESTATION_POLICY>) => ({
      policy: { ...DEFAULT_ATTESTATION_POLICY, ...policy },
    });

    it('refuses a TEE key when only StrongBox is allowed', () =>
      thenRefusedFor(
        givenEvidence(NORMAL_CHAIN).whenVerified(withPolicy({ allowedSecurityLevels: ['StrongBox'] })),
        ['security_level_not_allowed'],
      ));

    it('refuses an application that is not allowed, and accepts one that is', () => {
      thenRefusedFor(
        givenEvidence(NORMAL_CHAIN).whenVerified(
          withPolicy({ allowedApplicationIds: ['com.edgepay.terminal'] }),
        ),
        ['application_not_allowed'],
      );
      thenTrusted(
        givenEvidence(NORMAL_CHAIN).whenVerified(
          withPolicy({ allowedApplicationIds: ['com.edgepay.terminal', 'com.google.attestationexample'] }),
        ),
      );
    });

    it('refuses an application sharing its user id with packages the policy does not allow', () =>
      thenRefusedFor(
        givenTeeEvidence().whenVerified(
          withPolicy({
            requireDeviceLocked: false,
            requireVerifiedBoot: false,
            allowedApplicationIds: ['android'],
          }),
        ),
        ['application_not_allowed'],
      ));

    it('refuses an OS patch level below the minimum, and accepts one at it', () => {
      thenRefusedFor(givenEvidence(NORMAL_CHAIN).whenVerified(withPolicy({ minimumOsPatchLevel: 202303 })), [
        'os_patch_too_old',
      ]);
      thenTrusted(givenEvidence(NORMAL_CHAIN).whenVerified(withPolicy({ minimumOsPatchLevel: 202302 })));
    });

    it('validates a policy merchants send over HTTP', () => {
      assert.deepEqual(attestationPolicySchema.parse(DEFAULT_ATTESTATION_POLICY), DEFAULT_ATTESTATION_POLICY);
      assert.ok(
        attestationPolicySchema.safeParse({
          ...DEFAULT_ATTESTATION_POLICY,
          minimumOsPatchLevel: 202401,
          allowedApplicationIds: ['com.edgepay.terminal'],
        }).success,
      );
      for (const bad of [
        { ...DEFAULT_ATTESTATION_POLICY, allowedSecurityLevels: [] },
        { ...DEFAULT_ATTESTATION_POLICY, allowedSecurityLevels: ['Software'] },
        { ...DEFAULT_ATTESTATION_POLICY, minimumOsPatchLevel: 202313 },
        { ...DEFAULT_ATTESTATION_POLICY, minimumOsPatchLevel: 20240105 },
        { ...DEFAULT_ATTESTATION_POLICY, allowedApplicationIds: ['not a package'] },
        { ...DEFAULT_ATTESTATION_POLICY, requireDeviceLocked: undefined },
        { ...DEFAULT_ATTESTATION_POLICY, somethingElse: true },
      ]) {
        assert.equal(attestationPolicySchema.safeParse(bad).success, false, JSON.stringify(bad));
      }
    });
  });
});
