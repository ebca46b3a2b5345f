import { z } from 'zod';

const YEAR_MONTH = /^(19|20|21)\d{2}(0[1-9]|1[0-2])$/;

/** Android package names: dot-separated segments of letters, digits and underscores. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

export const attestationPolicySchema = z
  .object({
    allowedSecurityLevels: z.array(z.enum(['TrustedEnvironment', 'StrongBox'])).min(1),
    requireDeviceLocked: z.boolean(),
    requireVerifiedBoot: z.boolean(),
    /** YYYYMM, as Android reports osPatchLevel. */
    minimumOsPatchLevel: z
      .number()
      .int()
      .refine((value) => YEAR_MONTH.test(String(value)), 'must be a year and month as YYYYMM')
      .optional(),
    /** Package names a terminal app may have; absent means any application. */
    allowedApplicationIds: z.array(z.string().max(255).regex(PACKAGE_NAME)).min(1).optional(),
  })
  .strict();

export type AttestationPolicy = z.infer<typeof attestationPolicySchema>;

export const DEFAULT_ATTESTATION_POLICY: AttestationPolicy = {
  allowedSecurityLevels: ['TrustedEnvironment', 'StrongBox'],
  requireDeviceLocked: true,
  requireVerifiedBoot: true,
};
