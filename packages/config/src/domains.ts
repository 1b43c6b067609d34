import { z } from 'zod';

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Custom domains and TLS of the API. HTTPS is off unless `HTTPS_PORT` is set, and then needs
 * the platform certificate (served for platform subdomains and unknown SNI names). ACME is off
 * unless `ACME_DIRECTORY_URL` is set (the worker issues; the api only answers HTTP-01).
 */
export const domainsConfigSchema = z
  .object({
    HTTPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    TLS_CERT_FILE: z.string().optional(),
    TLS_KEY_FILE: z.string().optional(),
    DOMAIN_CNAME_TARGET: z.string().optional(),
    DOMAIN_APEX_ADDRESSES: csv.default([]),
    DOMAIN_VERIFY_WINDOW_HOURS: z.coerce.number().positive().default(72),
    ACME_DIRECTORY_URL: z.url().optional(),
    ACME_CONTACT_EMAIL: z.email().optional(),
    ACME_CA_BUNDLE_FILE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.HTTPS_PORT !== undefined && (!env.TLS_CERT_FILE || !env.TLS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TLS_CERT_FILE'],
        message: 'HTTPS_PORT needs TLS_CERT_FILE and TLS_KEY_FILE (the platform certificate)',
      });
    }
    if (env.ACME_DIRECTORY_URL && !env.ACME_CONTACT_EMAIL) {
      ctx.addIssue({
        code: 'custom',
        path: ['ACME_CONTACT_EMAIL'],
        message: 'is required with ACME_DIRECTORY_URL',
      });
    }
  })
  .transform((env) => ({
    httpsPort: env.HTTPS_PORT,
    tlsCertFile: env.TLS_CERT_FILE,
    tlsKeyFile: env.TLS_KEY_FILE,
    cnameTarget: env.DOMAIN_CNAME_TARGET,
    apexAddresses: env.DOMAIN_APEX_ADDRESSES,
    verifyWindowMs: env.DOMAIN_VERIFY_WINDOW_HOURS * 3_600_000,
    acme: env.ACME_DIRECTORY_URL
      ? {
          directoryUrl: env.ACME_DIRECTORY_URL,
          contactEmail: env.ACME_CONTACT_EMAIL ?? '',
          caBundleFile: env.ACME_CA_BUNDLE_FILE,
        }
      : undefined,
  }));
export type DomainsConfig = z.output<typeof domainsConfigSchema>;
