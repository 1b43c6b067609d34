import { z } from '@hono/zod-openapi';
import { schema } from '@tenantkit/db';
import type { SsoConnectionView } from '@tenantkit/identity';
import { storedText, uuidParam } from '../../shared.ts';

const claimName = storedText(z.string().regex(/^[A-Za-z0-9_:./-]{1,100}$/));
const scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/);
const roleKey = z.string().regex(/^[a-z][a-z0-9_-]{1,62}$/);
const emailDomain = z.string().min(4).max(253);

export const ConnectionParams = z.object({ connectionId: uuidParam('connectionId') });

const fields = {
  name: storedText(z.string().trim().min(1).max(100)),
  issuer: storedText(z.string().trim().min(8).max(2048)).openapi({
    description: 'The issuer identifier; its discovery document is fetched and checked',
    example: 'https://login.acme.com',
  }),
  clientId: storedText(z.string().min(1).max(512)),
  clientSecret: storedText(z.string().min(1).max(4096))
    .nullable()
    .openapi({ description: 'Stored encrypted; never returned' }),
  scopes: z.array(scope).min(1).max(20),
  idTokenAlg: z.enum(schema.ssoIdTokenAlgs),
  claims: z.strictObject({
    email: claimName.optional(),
    name: claimName.optional(),
    groups: claimName.optional(),
  }),
  groupRoles: z
    .record(storedText(z.string().min(1).max(256)), z.array(roleKey).max(20))
    .refine((m) => Object.keys(m).length <= 200, 'at most 200 groups')
    .openapi({
      description: 'IdP group -> tenant role keys',
      example: { engineering: ['member'] },
    }),
  jitEnabled: z.boolean(),
  emailDomains: z.array(emailDomain).max(50),
};

export const CreateConnectionBody = z
  .strictObject({
    ...fields,
    clientSecret: fields.clientSecret.optional(),
    scopes: fields.scopes.optional(),
    idTokenAlg: fields.idTokenAlg.optional(),
    claims: fields.claims.optional(),
    groupRoles: fields.groupRoles.optional(),
    jitEnabled: fields.jitEnabled.optional(),
    emailDomains: fields.emailDomains.optional(),
  })
  .openapi('CreateSsoConnection');

export const UpdateConnectionBody = z
  .strictObject({
    name: fields.name.optional(),
    issuer: fields.issuer.optional(),
    clientId: fields.clientId.optional(),
    clientSecret: fields.clientSecret.optional(),
    scopes: fields.scopes.optional(),
    idTokenAlg: fields.idTokenAlg.optional(),
    claims: fields.claims.optional(),
    groupRoles: fields.groupRoles.optional(),
    jitEnabled: fields.jitEnabled.optional(),
    emailDomains: fields.emailDomains.optional(),
  })
  .openapi('UpdateSsoConnection');

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    clientSecretSet: z.boolean(),
    scopes: z.array(z.string()),
    idTokenAlg: z.string(),
    claims: z.object({ email: z.string(), name: z.string(), groups: z.string() }),
    groupRoles: z.record(z.string(), z.array(z.string())),
    jitEnabled: z.boolean(),
    emailDomains: z.array(z.string()),
    enabled: z.boolean(),
    redirectPath: z.string().openapi({
      description: 'Register `https://<each host of the workspace><redirectPath>` at the IdP',
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('SsoConnection');

export function connectionBody(view: SsoConnectionView) {
  return {
    ...view,
    redirectPath: `/auth/sso/callback/${view.id}`,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}
