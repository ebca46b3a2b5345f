const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The hidden fields that carry the authorization request through the login form. */
export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  state: string;
  scope: string;
}

/** The simulated Edenred login: username, password and the OTP on one page (Edenred uses two steps). */
export const loginPage = (request: AuthorizationRequest, error?: string): string => {
  const hidden = Object.entries(request)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Edenred (simulator): log in</title></head>
  <body>
    <h1>Edenred simulator</h1>
    ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/connect/authorize">
      ${hidden}
      <label>Username <input name="username" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <label>OTP <input name="otp" inputmode="numeric" autocomplete="one-time-code"></label>
      <button type="submit">Log in</button>
    </form>
  </body>
</html>
`;
};

export const errorPage = (message: string): string =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Edenred (simulator)</title></head>` +
  `<body><h1>Edenred simulator</h1><p role="alert">${escapeHtml(message)}</p></body></html>\n`;
