import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM } from '../../../src/domain/attestation/google-hardware-attestation-roots';
import { loadAttestationTrustAnchors } from '../../../src/infrastructure/attestation/attestation-trust-anchors';

const STATUS_JSON = path.resolve(__dirname, '../../fixtures/android-key-attestation/status.json');

describe('attestation trust anchors from configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgepay-anchors-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("defaults to Google's roots and an empty revocation list", () => {
    const anchors = loadAttestationTrustAnchors({});
    assert.deepEqual(anchors.trustedRootsPem, [...GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM]);
    assert.deepEqual(anchors.revocation().entries, {});
  });

  it('reads every certificate of a roots file', () => {
    const file = path.join(dir, 'roots.pem');
    writeFileSync(file, `# roots\n${GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM.join('\n\n')}\n`);
    assert.equal(loadAttestationTrustAnchors({ trustedRootsFile: file }).trustedRootsPem.length, 2);
  });

  it('fails at start on a roots file without certificates or a bad revocation list', () => {
    const roots = path.join(dir, 'roots.pem');
    writeFileSync(roots, 'nothing here');
    assert.throws(() => loadAttestationTrustAnchors({ trustedRootsFile: roots }), /no PEM certificate/);
    const list = path.join(dir, 'status.json');
    writeFileSync(list, '{"entries": {"not-hex": {"status": "REVOKED"}}}');
    assert.throws(() => loadAttestationTrustAnchors({ revocationFile: list }), /status\.json/);
    assert.throws(() => loadAttestationTrustAnchors({ revocationFile: path.join(dir, 'missing.json') }));
  });

  it("reads Google's status list, follows changes to the file, and keeps the last good list on a bad one", () => {
    const file = path.join(dir, 'status.json');
    writeFileSync(file, readFileSync(STATUS_JSON));
    const anchors = loadAttestationTrustAnchors({ revocationFile: file });
    assert.equal(anchors.revocation().entries['6681152659205225093']?.status, 'REVOKED');

    const later = new Date(Date.now() + 60_000);
    writeFileSync(file, '{"entries": {"abc": {"status": "SUSPENDED"}}}');
    utimesSync(file, later, later);
    assert.deepEqual(Object.keys(anchors.revocation().entries), ['abc']);

    const evenLater = new Date(Date.now() + 120_000);
    writeFileSync(file, '{ broken');
    utimesSync(file, evenLater, evenLater);
    assert.deepEqual(Object.keys(anchors.revocation().entries), ['abc']);
  });
});
