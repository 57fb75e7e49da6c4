// A third-party OpenID provider for the interop test: npm's oidc-provider, mounted in Keycloak's URL
// layout (issuer http://127.0.0.1:<port>/realms/stafett, routes under /protocol/openid-connect/).
// Started by tests/test_auth_interop.py with a JSON config on argv[2]:
//   {"port": 0, "realm": "stafett", "jwk": {...private RSA JWK...},
//    "clients": [{client_id, client_secret, redirect_uris, ttl}],
//    "accounts": {"<login>": {"profile": {...}, "token_claims": {extra access-token claims},
//                             "id_token_claims": {what the realm's mappers also put into the ID token}}}}
// It prints one line "listening <port>" once the socket is bound. Login and consent run through
// oidc-provider's own devInteractions pages (any password; the login names an account).
import http from 'node:http';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2]);
const prefix = `/realms/${settings.realm}`;
const server = http.createServer();

server.listen(settings.port, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}${prefix}`;
  const ttlOf = Object.fromEntries(settings.clients.map((c) => [c.client_id, c.ttl ?? 300]));
  const account = (id) => settings.accounts[id];

  const provider = new Provider(issuer, {
    clients: settings.clients.map(({ ttl, ...client }) => ({
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    jwks: { keys: [settings.jwk] },
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
      revocation: '/protocol/openid-connect/revoke',
      introspection: '/protocol/openid-connect/token/introspect',
    },
    scopes: ['openid', 'profile', 'offline_access'],
    // Keycloak's mappers put stafett_person, municipality and groups into the ID token as well
    // ("Add to ID token"); claims only reach an ID token when a scope lists them.
    claims: {
      openid: ['sub', 'stafett_person', 'municipality', 'realm_access', 'groups'],
      profile: ['name', 'preferred_username'],
    },
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Resource indicators are absolute URIs; the audience in the token is the client id Keycloak
        // would put there: urn:stafett -> "stafett", urn:annen-tjeneste -> "annen-tjeneste".
        defaultResource: () => 'urn:stafett',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: 'openid profile',
          audience: resource.replace(/^urn:/, ''),
          accessTokenFormat: 'jwt',
          accessTokenTTL: ttlOf[client.clientId],
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    async findAccount(ctx, id) {
      if (!account(id)) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, ...account(id).profile, ...account(id).id_token_claims }),
      };
    },
    async extraTokenClaims(ctx, token) {
      const found = token.accountId && account(token.accountId);
      return found ? found.token_claims : undefined;
    },
  });
  provider.proxy = false;

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === prefix || req.url.startsWith(`${prefix}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(prefix.length) || '/';
      callback(req, res);
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  process.stdout.write(`listening ${port}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
