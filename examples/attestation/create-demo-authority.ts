// Makes a new demo attestation authority in this folder: npx tsx examples/attestation/create-demo-authority.ts
import { createDemoAttestationAuthority, saveDemoAttestationAuthority } from './demo-attestation-authority';

saveDemoAttestationAuthority(createDemoAttestationAuthority(new Date()));
