import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/infrastructure/clock';
import { EdenredError } from '../../../src/integrations/edenred/edenred-port';
import { GUIDE_TEST_USER } from '../../../src/integrations/edenred/simulator/edenred-simulator';
import {
  POST_LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  rejection,
  simulatedEdenred,
  type SimulatedEdenred,
} from './simulated-edenred';

/** What a browser does on the simulator's login page: open it, post the form, read the redirect. */
const logInThroughThePage = async (
  edenred: SimulatedEdenred,
  credentials: { username: string; password: string; otp: string },
  state = 'st-123',
): Promise<Response> => {
  const page = await fetch(edenred.client.authorizationUrl({ state, redirectUri: REDIRECT_URI }));
  assert.equal(page.status, 200);
  const html = await page.text();
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [
      match[1],
      (match[2] ?? '').replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code))),
    ]),
  );
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  assert.equal(action, '/connect/authorize');
  return fetch(`${edenred.simulator.url}${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...credentials }).toString(),
    redirect: 'manual',
  });
};

describe('Edenred login: authorization code, refresh, end of session (simulator over HTTP)', () => {
  let edenred: SimulatedEdenred;
  const clock = new ManualClock(new Date());

  beforeEach(async () => {
    clock.set(new Date());
    edenred = await simulatedEdenred({
      simulator: { clock, accessTokenLifetimeSeconds: 60 },
      deps: { clock },
    });
  });
  afterEach(() => edenred.close());

  it('builds the authorize URL with client, redirect URI, code flow, scopes and state', () => {
    const url = new URL(edenred.client.authorizationUrl({ state: 'abc', redirectUri: REDIRECT_URI }));
    assert.equal(`${url.origin}${url.pathname}`, `${edenred.simulator.url}/connect/authorize`);
    assert.equal(url.searchParams.get('client_id'), edenred.config.EDENRED_CLIENT_ID);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT_URI);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('scope'), 'openid offline_access');
    assert.equal(url.searchParams.get('state'), 'abc');
    assert.equal(url.searchParams.get('client_secret'), null);
  });

  it('logs in on the page (username, password, OTP), redirects with code and state, and exchanges the code', async () => {
    const answer = await logInThroughThePage(edenred, {
      username: GUIDE_TEST_USER.login,
      password: GUIDE_TEST_USER.password,
      otp: GUIDE_TEST_USER.otp,
    });
    assert.equal(answer.status, 302);
    const location = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
    assert.equal(location.searchParams.get('state'), 'st-123');
    const code = location.searchParams.get('code') ?? '';
    const tokens = await edenred.client.exchangeCode({ code, redirectUri: REDIRECT_URI });
    assert.equal(tokens.username, GUIDE_TEST_USER.id);
    assert.equal(tokens.accessTokenExpiresAt, new Date(clock.now().getTime() + 60_000).toISOString());
    assert.ok(tokens.accessToken && tokens.refreshToken && tokens.idToken);
    const balance = await edenred.client.balance({
      accessToken: tokens.accessToken,
      username: tokens.username,
    });
    assert.equal(balance.availableAmount, GUIDE_TEST_USER.balance);
  });

  it('carries any state through the page unchanged (escaped in the HTML)', async () => {
    const state = '"><script>alert(1)</script>&x=1';
    const answer = await logInThroughThePage(
      edenred,
      { username: GUIDE_TEST_USER.login, password: GUIDE_TEST_USER.password, otp: GUIDE_TEST_USER.otp },
      state,
    );
    assert.equal(new URL(answer.headers.get('location') ?? '').searchParams.get('state'), state);
    const page = await fetch(edenred.client.authorizationUrl({ state, redirectUri: REDIRECT_URI }));
    assert.doesNotMatch(await page.text(), /<script>/);
  });

  it('refuses an unknown client or a redirect URI that is not http(s) on the login page', async () => {
    const unknown = new URL(edenred.client.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI }));
    unknown.searchParams.set('client_id', 'someone-else');
    assert.equal((await fetch(unknown)).status, 400);
    const badRedirect = edenred.client.authorizationUrl({ state: 's', redirectUri: 'javascript:alert(1)' });
    assert.equal((await fetch(badRedirect)).status, 400);
  });

  it('refuses a wrong OTP on the page and issues no code', async () => {
    const answer = await logInThroughThePage(edenred, {
      username: GUIDE_TEST_USER.login,
      password: GUIDE_TEST_USER.password,
      otp: '000000',
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('location'), null);
    assert.match(await answer.text(), /Wrong username, password or OTP/);
  });

  it('burns a code on its first use: a second exchange is invalid_grant (reauthenticate)', async () => {
    const code = edenred.simulator.issueCode({ username: GUIDE_TEST_USER.login, redirectUri: REDIRECT_URI });
    await edenred.client.exchangeCode({ code, redirectUri: REDIRECT_URI });
    const error = await rejection(edenred.client.exchangeCode({ code, redirectUri: REDIRECT_URI }));
    assert.ok(error instanceof EdenredError);
    assert.equal(error.errorClass, 'reauthenticate');
    assert.equal(error.code, 'invalid_grant');
    assert.equal(error.httpStatus, 400);
  });

  it('burns a code even when its exchange fails (another redirect URI), and never retries the exchange', async () => {
    const code = edenred.simulator.issueCode({ username: GUIDE_TEST_USER.login, redirectUri: REDIRECT_URI });
    const wrong = await rejection(
      edenred.client.exchangeCode({ code, redirectUri: 'https://elsewhere.example/cb' }),
    );
    assert.equal(wrong.code, 'invalid_grant');
    const again = await rejection(edenred.client.exchangeCode({ code, redirectUri: REDIRECT_URI }));
    assert.equal(again.code, 'invalid_grant');

    const next = edenred.simulator.issueCode({ username: GUIDE_TEST_USER.login, redirectUri: REDIRECT_URI });
    edenred.simulator.failNext({ operation: 'token', httpStatus: 503 });
    const unavailable = await rejection(
      edenred.client.exchangeCode({ code: next, redirectUri: REDIRECT_URI }),
    );
    assert.equal(unavailable.errorClass, 'retry_later');
    assert.deepEqual(edenred.sleeps, []);
  });

  it('expires the access token, refreshes it (rotating the refresh token) and works again', async () => {
    const tokens = await edenred.logIn();
    clock.advance(61_000);
    const expired = await rejection(
      edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username }),
    );
    assert.equal(expired.errorClass, 'reauthenticate');
    assert.equal(expired.code, 'INVALID_TOKEN');

    const refreshed = await edenred.client.refresh(tokens.refreshToken);
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
    assert.equal(refreshed.username, tokens.username);
    assert.equal(refreshed.accessTokenExpiresAt, new Date(clock.now().getTime() + 60_000).toISOString());
    const balance = await edenred.client.balance({
      accessToken: refreshed.accessToken,
      username: refreshed.username,
    });
    assert.equal(balance.availableAmount, GUIDE_TEST_USER.balance);

    const reused = await rejection(edenred.client.refresh(tokens.refreshToken));
    assert.equal(reused.errorClass, 'reauthenticate');
  });

  it('ends the session: every token of the user becomes invalid', async () => {
    const first = await edenred.logIn();
    const second = await edenred.logIn();
    await edenred.client.endSession({
      idToken: second.idToken ?? '',
      postLogoutRedirectUri: POST_LOGOUT_REDIRECT_URI,
    });
    for (const tokens of [first, second]) {
      const error = await rejection(
        edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username }),
      );
      assert.equal(error.code, 'INVALID_TOKEN');
      assert.equal((await rejection(edenred.client.refresh(tokens.refreshToken))).code, 'invalid_grant');
    }
  });

  it('refuses a forged id_token_hint at end of session', async () => {
    const tokens = await edenred.logIn();
    const forged = `${(tokens.idToken ?? '').slice(0, -4)}AAAA`;
    const error = await rejection(
      edenred.client.endSession({ idToken: forged, postLogoutRedirectUri: POST_LOGOUT_REDIRECT_URI }),
    );
    assert.equal(error.errorClass, 'configuration');
    await edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username });
  });

  it('refuses a wrong client secret at the token endpoint as configuration (invalid_client)', async () => {
    const other = await simulatedEdenred({ env: { EDENRED_CLIENT_SECRET: 'not-the-secret' } });
    try {
      const error = await rejection(other.logIn());
      assert.equal(error.errorClass, 'configuration');
      assert.equal(error.code, 'invalid_client');
    } finally {
      await other.close();
    }
  });

  it('refuses a token of another user for a username (INVALID_TOKEN_ISSUER) and an inactive user', async () => {
    edenred.simulator.addUser({ login: 'second@edps.com', id: 'second-user' });
    const tokens = await edenred.logIn();
    const error = await rejection(
      edenred.client.balance({ accessToken: tokens.accessToken, username: 'second-user' }),
    );
    assert.equal(error.code, 'INVALID_TOKEN_ISSUER');
    assert.equal(error.errorClass, 'reauthenticate');
    edenred.simulator.updateUser(GUIDE_TEST_USER.login, { active: false });
    const inactive = await rejection(
      edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username }),
    );
    assert.equal(inactive.code, 'USER_INACTIVE');
  });

  it('takes the username from the configured id_token claim, and refuses an id_token without it', async () => {
    const other = await simulatedEdenred({ env: { EDENRED_USERNAME_CLAIM: 'preferred_username' } });
    try {
      const error = await rejection(other.logIn());
      assert.equal(error.errorClass, 'configuration');
      assert.equal(error.code, 'UNEXPECTED_TOKEN_ANSWER');
    } finally {
      await other.close();
    }
  });
});
