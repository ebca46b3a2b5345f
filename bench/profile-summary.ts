/**
 * Summarises a V8 .cpuprofile of a gateway (from `BENCH_PROFILE=1 npm run bench`): where the event loop's
 * time went, by area of the request path, and the busiest functions.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/gateway-FULL-round*.cpuprofile [top=20]
 *
 * Each sample is charged to one area: background work (projector, workers, subscriptions) when such a
 * frame is anywhere on the stack, otherwise the area of the deepest frame on the stack that has one, so
 * time inside SQLite, mingo or node's own code is charged to the code that asked for it. V8 samples the thread even while it is
 * blocked in a system call, so an fsync shows up as time in the statement that committed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..');

const fileOf = (url: string): string => {
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
};

const packageOf = (url: string): string | undefined => {
  const at = url.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const [scope, name] = url.slice(at + 'node_modules/'.length).split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : scope;
};

const HTTP_PACKAGES = new Set([
  'express',
  'router',
  'body-parser',
  'raw-body',
  'type-is',
  'media-typer',
  'content-type',
  'parseurl',
  'path-to-regexp',
  'finalhandler',
  'on-finished',
  'iconv-lite',
  'bytes',
  'qs',
  'accepts',
  'negotiator',
  'mime-types',
  'http-errors',
  'statuses',
  'debug',
  'depd',
  'proxy-addr',
  'send',
  'side-channel',
]);
const VALIDATOR_PACKAGES = new Set([
  'express-openapi-validator',
  'ajv',
  'ajv-formats',
  'ajv-draft-04',
  'fast-uri',
  'json-schema-traverse',
  'multer',
  'busboy',
  'ono',
  '@jsdevtools/ono',
  'lodash.clonedeep',
]);
const LOGGING_PACKAGES = new Set([
  'winston',
  'logform',
  'triple-beam',
  'readable-stream',
  'safe-stable-stringify',
  'winston-transport',
  '@colors/colors',
  'fecha',
  '@dabh/diagnostics',
]);

/** The area of one frame, or undefined when the frame is shared plumbing charged to its caller. */
const areaOf = ({ url, functionName }: CallFrame): string | undefined => {
  const pkg = packageOf(url);
  if (pkg !== undefined) {
    if (HTTP_PACKAGES.has(pkg)) return 'express, router, body parsing (as in the bare route)';
    if (VALIDATOR_PACKAGES.has(pkg)) return 'OpenAPI request validation (express-openapi-validator, ajv)';
    if (LOGGING_PACKAGES.has(pkg)) return 'logging (winston, redaction)';
    if (pkg === 'prom-client' || pkg === 'tdigest' || pkg === 'bintrees') return 'metrics (prom-client)';
    if (pkg === 'zod') return 'zod: event schemas (codec.parse)';
    return undefined; // better-sqlite3, mingo, ulid, tsx, ...: charged to the caller
  }
  const file = fileOf(url);
  if (!file.startsWith('src/')) return undefined;
  if (file.startsWith('src/http/auth/') || file === 'src/http/middleware/authenticate.ts') {
    return 'API key authentication (read-model lookup, hash)';
  }
  if (file.startsWith('src/infrastructure/idempotency/') || file === 'src/http/middleware/idempotency.ts') {
    return 'idempotency (request hash, SQLite claim + complete)';
  }
  if (file === 'src/infrastructure/event-store/sqlite-event-store.ts') {
    if (/append|Append/.test(functionName)) return 'event store append (SQLite transaction)';
    if (/readStream|toRecordedEvent/.test(functionName)) return 'event store: read the stream (SQLite, JSON)';
    return undefined;
  }
  if (file.startsWith('src/infrastructure/logging/')) return 'logging (winston, redaction)';
  if (file.startsWith('src/infrastructure/metrics/') || file === 'src/runtime/instrument-event-store.ts') {
    return 'metrics (prom-client)';
  }
  if (file === 'src/domain/shared/event-codec.ts') return 'zod: event schemas (codec.parse)';
  if (file.startsWith('src/domain/') || file.startsWith('src/commands/')) {
    return 'command handling (fold, decide, build events)';
  }
  if (
    file.startsWith('src/http/routes/') ||
    file === 'src/http/resource.ts' ||
    file.startsWith('src/projections/')
  ) {
    return 'route handler, rendering the answer';
  }
  if (file.startsWith('src/http/'))
    return 'other middleware (request id, rate limit, card guard, scope, errors)';
  return undefined;
};

const NOT_COUNTED = 'the profiler itself (not counted)';

/** Background work in the same event loop, recognised anywhere on the stack, in this order. */
const BACKGROUND: [RegExp, string][] = [
  [/node:inspector/, NOT_COUNTED],
  [/\/src\/projections\/projection-runner/, 'projector (applies events to the in-memory read models)'],
  [
    /\/src\/(workers|webhooks|public-events)\//,
    'workers (webhook dispatcher, expiry sweep, process managers)',
  ],
  [/\/src\/infrastructure\/event-store\/polling-subscription/, 'subscriptions: reading new events (SQLite)'],
];

const leafArea = ({ functionName, url }: CallFrame): string => {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(program)') return 'V8/native, no JS frame';
  if (url.startsWith('node:')) return 'node core (http parser, sockets, timers)';
  return `other: ${packageOf(url) ?? (fileOf(url) || functionName)}`;
};

const frameName = (frame: CallFrame) => {
  const where = packageOf(frame.url) ?? fileOf(frame.url);
  return `${frame.functionName || '(anonymous)'} ${where || '(native)'}`;
};

const main = () => {
  const args = process.argv.slice(2);
  const files = args.filter((arg) => arg.endsWith('.cpuprofile'));
  const top = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 20);
  if (files.length === 0) throw new Error('usage: profile-summary.ts <file.cpuprofile>... [top]');
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalUs = 0;

  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

    const areaCache = new Map<number, string>();
    const classify = (id: number): string => {
      const cached = areaCache.get(id);
      if (cached !== undefined) return cached;
      const stack: CallFrame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        stack.push((byId.get(at) as ProfileNode).callFrame);
      }
      const background = BACKGROUND.find(([pattern]) => stack.some((frame) => pattern.test(frame.url)));
      const area =
        background?.[1] ??
        stack.map(areaOf).find((found) => found !== undefined) ??
        leafArea(stack[0] as CallFrame);
      areaCache.set(id, area);
      return area;
    };

    profile.samples.forEach((id, index) => {
      const us = profile.timeDeltas[index] ?? 0;
      const area = classify(id);
      if (area === NOT_COUNTED) return;
      totalUs += us;
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const name = frameName((byId.get(id) as ProfileNode).callFrame);
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    });
  }

  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([name, us]) =>
        console.log(
          `${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
        ),
      );
  };
  console.log(`${files.length} profile(s), ${(totalUs / 1e6).toFixed(1)} s sampled`);
  print('time by area (each sample charged once)', byArea);
  print('self time by function', byFunction);
};

main();
