import express, { Router } from 'express';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Swagger UI's files, served from the installed package: the reference page needs no network at run time. */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>EdgePay Edge Gateway API</title>
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" />
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// A file, not an inline script, so the page's Content-Security-Policy can forbid inline code.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  docExpansion: 'list',
  displayOperationId: true,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The contract as YAML and JSON and a rendered reference at /docs, all without credentials: they describe
 * the API, they hold no data.
 */
export const docsRoutes = (specFile: string): Router => {
  const yamlText = readFileSync(specFile, 'utf8');
  const jsonText = JSON.stringify(parse(yamlText));
  const router = Router();
  router.get('/openapi.yaml', (_req, res) => void res.type('application/yaml').send(yamlText));
  router.get('/openapi.json', (_req, res) => void res.type('application/json').send(jsonText));
  router.get(
    '/docs',
    (_req, res) => void res.set('Content-Security-Policy', DOCS_CSP).type('html').send(DOCS_PAGE),
  );
  router.get('/docs/init.js', (_req, res) => void res.type('text/javascript').send(DOCS_INIT));
  const assets = express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false });
  router.use('/docs/assets', (req, res, next) =>
    SWAGGER_UI_FILES.includes(req.path.slice(1)) ? assets(req, res, next) : next(),
  );
  return router;
};
