import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person at the simulated enterprise, with the claims its IdP asserts about them. */
export interface TestIdpAccount {
  /** The login name typed on the IdP's form (also the `sub`, unless `sub` is given). */
  login: string;
  sub?: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestIdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** The algorithm this IdP signs the client's ID tokens with (default RS256). */
  idTokenAlg?: 'RS256' | 'ES256' | 'PS256';
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`: discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** Adds or replaces an account (claims are read at each sign-in). */
  setAccount(account: TestIdpAccount): void;
  registerClient(client: TestIdpClient): void;
  /**
   * Replaces the signing keys with new ones (old keys are no longer published), as an IdP does
   * after a compromise. Sessions, clients and accounts survive.
   */
  rotateKeys(): Promise<void>;
  /** The key ids the IdP publishes now. */
  keyIds(): string[];
  close(): Promise<void>;
}

type Stored = { payload: Record<string, unknown>; expiresAt: number };

/** oidc-provider's storage contract, kept in a Map of this IdP only. */
function memoryAdapterFactory(store: Map<string, Stored>) {
  const live = (key: string) => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class MemoryAdapter {
    constructor(readonly model: string) {}
    key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      store.set(this.key(id), { payload: { ...payload }, expiresAt });
      if (typeof payload.uid === 'string') {
        store.set(`uid:${payload.uid}`, { payload: { id }, expiresAt });
      }
      if (typeof payload.grantId === 'string') {
        const grantKey = `grant:${payload.grantId}`;
        const members = (live(grantKey)?.keys as string[] | undefined) ?? [];
        store.set(grantKey, {
          payload: { keys: [...members, this.key(id)] },
          expiresAt: Number.POSITIVE_INFINITY,
        });
      }
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      const ref = live(`uid:${uid}`);
      return ref ? live(this.key(ref.id as string)) : undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      const members = (live(`grant:${grantId}`)?.keys as string[] | undefined) ?? [];
      for (const key of members) store.delete(key);
      store.delete(`grant:${grantId}`);
    }
  };
}

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  return [
    { ...rsa, kid: `rsa-${randomUUID().slice(0, 8)}`, use: 'sig' },
    { ...ec, kid: `ec-${randomUUID().slice(0, 8)}`, use: 'sig' },
  ];
}

const LOGIN_FORM = (uid: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head>
<body><h1>Test IdP</h1>
<form method="post" action="/interaction/${uid}/login">
<label for="login">IdP username</label><input id="login" name="login" autocomplete="off">
<button type="submit">Sign in at IdP</button>
</form></body></html>`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/**
 * A real OpenID Provider (the `oidc-provider` package) on a random loopback port: one per
 * simulated enterprise, with its own keys, accounts and clients the test controls, PKCE
 * required. Sign-in is a plain HTML form at `/interaction/<uid>` (field `login`, the account's
 * login name); consent is granted automatically, as enterprise IdPs do for admin-approved apps.
 */
export async function startTestIdp({
  accounts = [],
  codeTtlSeconds = 60,
}: {
  accounts?: TestIdpAccount[];
  /** Lifetime of authorization codes (short ones let tests see a code expire). */
  codeTtlSeconds?: number;
} = {}): Promise<TestIdp> {
  const people = new Map<string, TestIdpAccount>();
  const setAccount = (a: TestIdpAccount) => people.set(a.sub ?? a.login, a);
  for (const a of accounts) setAccount(a);
  const store = new Map<string, Stored>();
  const Adapter = memoryAdapterFactory(store);

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let keys = signingKeys();
  const build = () => {
    const provider = new Provider(issuer, {
      adapter: Adapter,
      jwks: { keys },
      findAccount: async (_ctx: unknown, sub: string) => {
        const person = people.get(sub);
        if (!person) return undefined;
        return {
          accountId: sub,
          claims: async () => ({
            sub,
            email: person.email,
            email_verified: person.emailVerified ?? true,
            name: person.name ?? person.login,
            groups: person.groups ?? [],
          }),
        };
      },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['name'],
        groups: ['groups'],
      },
      scopes: ['openid', 'email', 'profile', 'groups'],
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      enabledJWA: {
        idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      },
      cookies: { keys: ['test-idp-cookie-key'] },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: codeTtlSeconds,
        Grant: 3600,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
      },
      renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = 'json';
        ctx.body = JSON.stringify(out);
      },
    });
    return provider;
  };

  const install = (provider: Provider) => {
    const callback = provider.callback();
    handler = async (req, res) => {
      try {
        const url = new URL(req.url ?? '/', issuer);
        const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
        if (!match) return callback(req, res);
        const details = await provider.interactionDetails(req, res);
        const accountId =
          details.prompt.name === 'login'
            ? await loginFrom(req, match[2] !== undefined, res, details.uid)
            : (details.session?.accountId as string | undefined);
        if (!accountId) return;
        const grant = new provider.Grant({
          accountId,
          clientId: details.params.client_id as string,
        });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/plain');
        res.end(`test idp: ${(error as Error).message}`);
      }
    };
  };

  const loginFrom = async (
    req: IncomingMessage,
    submitted: boolean,
    res: ServerResponse,
    uid: string,
  ): Promise<string | undefined> => {
    if (!submitted || req.method !== 'POST') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(LOGIN_FORM(uid));
      return undefined;
    }
    const login = (await readForm(req)).get('login') ?? '';
    const person = [...people.entries()].find(([, p]) => p.login === login);
    if (!person) {
      res.statusCode = 401;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(LOGIN_FORM(uid));
      return undefined;
    }
    return person[0];
  };

  install(build());

  return {
    issuer,
    setAccount,
    registerClient(client) {
      store.set(`Client:${client.clientId}`, {
        payload: {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: client.redirectUris,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: client.idTokenAlg ?? 'RS256',
        },
        expiresAt: Number.POSITIVE_INFINITY,
      });
    },
    async rotateKeys() {
      keys = signingKeys();
      install(build());
    },
    keyIds: () => keys.map((k) => k.kid),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
