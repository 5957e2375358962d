// A real OpenID Connect provider for the tests of staff single sign-on (issue 14): panva's
// certified `oidc-provider` (npm, dev dependency) on 127.0.0.1, started once per test session by
// `ponte.core.tests.oidc.identity_provider`. It stands for the Comune's identity provider: the
// accounts (username, password, claims, amr, acr) are read from ACCOUNTS_FILE at every sign-in,
// so a test adds the people it needs; its own sign-in page is plain HTML.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, CALLBACK_PATH, LOGOUT_PATH, ACCOUNTS_FILE.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, CALLBACK_PATH, LOGOUT_PATH, ACCOUNTS_FILE } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;

function accounts() {
  return JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8'));
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [`http://testserver${CALLBACK_PATH}`],
    post_logout_redirect_uris: [`http://testserver${LOGOUT_PATH}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  async findAccount(ctx, sub) {
    const account = Object.values(accounts()).find((candidate) => candidate.claims.sub === sub);
    return account && { accountId: sub, claims: async () => account.claims };
  },
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    iss: null,
    sid: null,
    // Like most providers (Keycloak, Entra ID), the ID token says how the person signed in.
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  cookies: { keys: ['a-test-provider-only-cookie-key'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) { // the default page loads a web font from the internet
        ctx.body = `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Uscita</title></head>
<body><main><h1>Vuoi uscire dal tuo account del Comune?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sì, esci</button>
<button type="submit" form="op.logoutForm">No, resta collegato</button></main></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Errore</title><h1>Errore</h1><pre>${escape(JSON.stringify(out))}</pre>`;
  },
});

// Ponte's live server listens on a port chosen after this provider starts: any loopback port
// of the callback (and of the page after logout) is accepted, as RFC 8252 does for native apps.
function loopback(value, path) {
  const url = URL.parse(value);
  return url !== null && url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname) && url.pathname === path && !url.search;
}
const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
provider.Client.prototype.redirectUriAllowed = function allowed(value) {
  return redirectUriAllowed.call(this, value) || loopback(value, CALLBACK_PATH);
};
provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
  return postLogoutRedirectUriAllowed.call(this, value) || loopback(value, LOGOUT_PATH);
};

function signInPage(uid, error) {
  return `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Comune di Testopoli – accesso</title></head>
<body><main><h1>Comune di Testopoli: accesso ai servizi</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="username">Nome utente</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Entra</button></p>
</form></main></body></html>`;
}

async function formBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

async function consent(details) {
  // The Comune's provider trusts Ponte: no consent page.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  return { consent: { grantId: await grant.save() } };
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    return provider.interactionFinished(req, res, await consent(details), { mergeWithLastSubmission: true });
  }
  if (action !== 'login' || req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(signInPage(uid));
  }
  const { username, password } = await formBody(req);
  const account = accounts()[username];
  if (!account || account.password !== password) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(signInPage(uid, 'Nome utente o password errati.'));
  }
  const login = { accountId: account.claims.sub, amr: account.amr, acr: account.acr, remember: false };
  return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/]+)(?:\/(login))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return callback(req, res);
  return interaction(req, res, match[1], match[2]).catch((error) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  });
});
server.listen(Number(PORT), '127.0.0.1', () => process.stdout.write(`listening ${issuer}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // a browser's kept-alive connections would hold the close
  });
}
