import type { AttestationPolicy } from './attestation-policy';
import { reason, type AttestationFacts, type AttestationReason } from './attestation-verdict';

/** Every unmet requirement is named, so an operator sees all that is wrong with a device at once. */
export const policyReasons = (facts: AttestationFacts, policy: AttestationPolicy): AttestationReason[] => {
  const reasons: AttestationReason[] = [];
  const level = facts.securityLevel;
  if (level === 'Software' || !policy.allowedSecurityLevels.includes(level)) {
    reasons.push(
      reason(
        'security_level_not_allowed',
        `the key lives in ${level}; the policy allows ${policy.allowedSecurityLevels.join(', ')}`,
      ),
    );
  }
  if (policy.requireDeviceLocked && !facts.deviceLocked) {
    reasons.push(reason('device_unlocked', 'the bootloader is unlocked'));
  }
  if (policy.requireVerifiedBoot && facts.verifiedBootState !== 'Verified') {
    reasons.push(reason('boot_not_verified', `the verified boot state is ${facts.verifiedBootState}`));
  }
  const minimum = policy.minimumOsPatchLevel;
  if (minimum !== undefined && (facts.osPatchLevel === undefined || facts.osPatchLevel < minimum)) {
    reasons.push(
      reason(
        'os_patch_too_old',
        `the OS patch level is ${facts.osPatchLevel ?? 'not attested'}; at least ${minimum} is required`,
      ),
    );
  }
  const allowed = policy.allowedApplicationIds;
  // Packages sharing a user id all appear; each of them could use the key, so each must be allowed.
  if (
    allowed &&
    (facts.applicationIds.length === 0 ||
      facts.applicationIds.some((applicationId) => !allowed.includes(applicationId)))
  ) {
    reasons.push(
      reason(
        'application_not_allowed',
        `the key belongs to ${facts.applicationIds.join(', ') || 'no attested application'}; the policy allows ${allowed.join(', ')}`,
      ),
    );
  }
  return reasons;
};
