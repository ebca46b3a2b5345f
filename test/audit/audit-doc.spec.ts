import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditDocWithCatalogue } from '../../scripts/audit-doc';
import { EVENT_SCHEMAS_BY_AGGREGATE } from '../../src/audit/event-catalogue';

describe('docs/audit.md', () => {
  const file = path.join(__dirname, '..', '..', 'docs', 'audit.md');
  const doc = readFileSync(file, 'utf8');

  it('holds the event catalogue the zod schemas give today (run npm run docs:audit when this fails)', async () => {
    assert.equal(doc, await auditDocWithCatalogue(doc, file));
  });

  it('lists every event type', () => {
    for (const schemas of Object.values(EVENT_SCHEMAS_BY_AGGREGATE)) {
      for (const type of Object.keys(schemas)) assert.match(doc, new RegExp(`#### ${type}\\n`));
    }
  });
});
