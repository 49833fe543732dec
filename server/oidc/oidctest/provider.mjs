// A test OpenID provider configured like ID-porten, on oidc-provider (panva).
// Started by package oidctest; never part of a deployment.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"port": N, "clients": [client metadata...]}. It prints one line
// "ready ISSUER" on stdout when it listens. Like ID-porten: authorization
// code flow only, PKCE (S256) required, PAR offered, private_key_jwt and
// client_secret_post, RFC 9207 iss in every authorization response, pid and
// acr in the ID token, pairwise sub.
//
// The login page (/interaction/UID) asks for a test person's identity number
// and the level of assurance; an empty number is a foreign eID without pid.
// Test-only controls (POST, JSON): /__test/tamper sets claims to overwrite in
// the next ID token (re-signed with the provider's key; "kid" re-signs with a
// key the JWKS does not hold), /__test/rotate replaces the signing key.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const salt = crypto.randomBytes(16).toString('hex');

async function newKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = crypto.randomBytes(8).toString('hex');
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}

let signingKey = await newKey();
let tamper = null;

function makeProvider(key) {
  const p = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [key] },
    clientAuthMethods: ['private_key_jwt', 'client_secret_post'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true },
      // RP-initiated logout, confirmed on a page of its own (the default
      // page loads fonts from the internet, which tests cannot reach).
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>TestID: logg ut</title></head>
<body><h1>Logg ut av TestID?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logg ut</button>
<button type="submit" form="op.logoutForm">Nei</button></body></html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>TestID</title></head><body><h1 id="loggedout">Logget ut</h1></body></html>';
        },
      },
    },
    responseTypes: ['code'],
    scopes: ['openid', 'profile'],
    claims: { openid: ['sub', 'pid'], profile: ['locale'] },
    conformIdTokenClaims: false,
    acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (ctx, accountId, client) =>
      crypto.createHash('sha256').update(`${client.sectorIdentifier}|${accountId}|${salt}`).digest('base64url'),
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    findAccount: async (ctx, id) => ({
      accountId: id,
      async claims() {
        const c = { sub: id };
        if (!id.startsWith('foreign-')) c.pid = id;
        return c;
      },
    }),
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const g = await ctx.oidc.provider.Grant.find(grantId);
        if (g) return g;
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['pid']);
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: 120, AccessToken: 120, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>error</title><h1 id="error">${escape(out.error)}</h1>`;
    },
  });
  p.proxy = false;
  // Overwrite claims of the next ID token when a test asked for it.
  p.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && tamper && ctx.body && ctx.body.id_token) {
      const t = tamper;
      tamper = null;
      const claims = { ...jose.decodeJwt(ctx.body.id_token), ...t.claims };
      for (const k of t.remove || []) delete claims[k];
      let key = signingKey;
      if (t.unknownKey) key = await newKey();
      const priv = await jose.importJWK(key, 'RS256');
      ctx.body.id_token = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .sign(priv);
    }
  });
  return p;
}

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let provider = makeProvider(signingKey);

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { data += d; if (data.length > 65536) req.destroy(); });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const loginPage = (uid) => `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>TestID</title></head>
<body><h1>TestID (test provider)</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="pid">Fødselsnummer</label> <input id="pid" name="pid" autocomplete="off">
<label for="acr">Level</label>
<select id="acr" name="acr">
<option value="idporten-loa-substantial">substantial</option>
<option value="idporten-loa-high">high</option>
<option value="idporten-loa-low">low</option>
</select>
<button id="login" type="submit">Log in</button>
</form></body></html>`;

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (m && req.method === 'GET' && !m[2]) {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') {
        await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(details.uid));
      return;
    }
    if (m && req.method === 'POST' && m[2]) {
      const form = new URLSearchParams(await readBody(req));
      const pid = (form.get('pid') || '').trim();
      const accountId = pid || `foreign-${crypto.randomBytes(6).toString('hex')}`;
      await provider.interactionFinished(req, res, {
        login: { accountId, acr: form.get('acr') || 'idporten-loa-substantial', amr: ['TestID'] },
      }, { mergeWithLastSubmission: false });
      return;
    }
    if (url.pathname === '/__test/tamper' && req.method === 'POST') {
      tamper = JSON.parse(await readBody(req) || 'null');
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/__test/rotate' && req.method === 'POST') {
      signingKey = await newKey();
      provider = makeProvider(signingKey);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kid: signingKey.kid }));
      return;
    }
    provider.callback()(req, res);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`test provider: ${err.message}`);
  }
});

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
