import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { parse } from 'yaml';
import { OPENAPI_SPEC } from '../../src/http/app';
import { launchChromium } from '../support/headless-chromium';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

interface Operation {
  method: string;
  path: string;
  operationId: string;
  tag: string;
}

const operationsOf = (document: any): Operation[] =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({
      method,
      path,
      operationId: item[method].operationId,
      tag: item[method].tags?.[0] ?? 'default',
    })),
  );

describe('HTTP: the contract and its rendered reference', () => {
  const document = parse(readFileSync(OPENAPI_SPEC, 'utf8'));
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway();
  });
  after(() => api.close());

  it('serves the contract as JSON and YAML without credentials', async () => {
    const json = await api.request('GET', '/openapi.json');
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(json.body, document);
    const yaml = await fetch(`${api.url}/openapi.yaml`);
    assert.equal(yaml.status, 200);
    assert.match(yaml.headers.get('content-type') ?? '', /^application\/yaml/);
    assert.equal(await yaml.text(), readFileSync(OPENAPI_SPEC, 'utf8'));
  });

  it('serves only the reference page its assets need', async () => {
    assert.equal((await fetch(`${api.url}/docs/assets/swagger-ui-bundle.js`)).status, 200);
    const other = await api.request('GET', '/docs/assets/package.json');
    assert.equal(other.status, 401, 'anything else under /docs is an ordinary protected route');
  });

  describe('in headless Chromium', function () {
    this.timeout(60_000);
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(() => browser?.close());

    it('renders every operation of the document, loading nothing from outside the gateway', async () => {
      const page = await browser.newPage();
      const outside: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(api.url) && !request.url().startsWith('data:'))
          outside.push(request.url());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${api.url}/docs`);
      const operations = operationsOf(document);
      assert.ok(operations.length >= 40, `only ${operations.length} operations in the document`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      const rendered = await page.$$eval('.opblock', (blocks) =>
        blocks.map((block) => ({
          id: block.id,
          method: block.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase(),
          path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
        })),
      );
      const missing = operations.filter(
        (operation) =>
          !rendered.some(
            (block) =>
              block.id === `operations-${operation.tag}-${operation.operationId}` &&
              block.method === operation.method &&
              block.path === operation.path,
          ),
      );
      assert.deepEqual(missing, [], 'operations the page does not show');
      assert.deepEqual(outside, [], 'requests that left the gateway');
      assert.deepEqual(problems, [], 'errors in the page');
      await page.close();
    });

    it("shows an operation's request and response examples when it is opened", async () => {
      const page = await browser.newPage();
      await page.goto(`${api.url}/docs#/Payments/createPaymentIntent`);
      const operation = page.locator('#operations-Payments-createPaymentIntent');
      await operation.locator('.opblock-body').waitFor({ timeout: 30_000 });
      const shown = await operation.textContent();
      const example =
        document.paths['/v1/payment-intents'].post.requestBody.content['application/json'].example;
      assert.ok(shown?.includes(`"paymentMethodType": "${example.paymentMethodType}"`), 'no request example');
      assert.ok(shown?.includes('"status": "captured"'), 'no response example');
      await page.close();
    });
  });
});
