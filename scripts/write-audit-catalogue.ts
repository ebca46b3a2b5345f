import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditDocWithCatalogue } from './audit-doc';

/** `npm run docs:audit`: rewrites the event catalogue of docs/audit.md from the zod schemas. */
const main = async () => {
  const file = path.join(__dirname, '..', 'docs', 'audit.md');
  writeFileSync(file, await auditDocWithCatalogue(readFileSync(file, 'utf8'), file));
  process.stdout.write(`updated the event catalogue in ${file}\n`);
};

void main();
