// openapi.test.mjs: the OpenAPI 3.1 description `ghsearch serve` answers at
// /openapi.json, checked with an OpenAPI validator from npm
// (@seriousme/openapi-schema-validator, offline), and held to the server:
// every path it describes answers, with the example values it gives, an
// answer of the shape it describes. (tests/test_openapi.c checks the other
// way: every route of the server is described.) Prints TAP.
//
// Needs GHS_BUILD_ROOT (cli/ghsearch and the sample corpus in corpus/).
// Skips when node_modules is missing, unless CI=true, where that is a
// failure (tools/setup.sh runs npm ci).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CI = process.env.CI === 'true';
const BUILD = process.env.GHS_BUILD_ROOT || '';
const GHSEARCH = join(BUILD, 'cli', 'ghsearch');
const CORPUS = join(BUILD, 'corpus');

function skipAll(reason) {
  if (CI) {
    console.log(`1..1\nnot ok 1 - the OpenAPI test can run (CI=true): ${reason}`);
    process.exit(1);
  }
  console.log(`1..0 # SKIP ${reason}`);
  process.exit(0);
}

if (!existsSync(GHSEARCH) || !existsSync(CORPUS)) skipAll(`no ghsearch or corpus under GHS_BUILD_ROOT=${BUILD}`);
let Validator, Ajv2020;
try {
  ({ Validator } = await import('@seriousme/openapi-schema-validator'));
  // the validator's own JSON Schema engine, to check answers against the shapes
  ({ default: Ajv2020 } = await import('ajv/dist/2020.js'));
} catch {
  skipAll('@seriousme/openapi-schema-validator is not installed (npm ci --prefix tests/web)');
}

let n = 0;
let failed = 0;
async function test(name, fn) {
  n++;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(e && e.stack || e).split('\n')) console.log(`# ${line}`);
  }
}
function check(cond, what) {
  if (!cond) throw new Error(typeof what === 'string' ? what : JSON.stringify(what));
}

function startServer(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(GHSEARCH, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve({ proc, url: m[1] }); else reject(new Error(`bad banner: ${line} ${stderr}`));
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'ghs-openapi-'));
const db = join(tmp, 'db');
execFileSync(GHSEARCH, ['index', '--db', db, CORPUS], { stdio: 'ignore' });
const { proc: server, url: base } = await startServer(db);

try {
  const resp = await fetch(base + '/openapi.json');
  const doc = await resp.json();

  await test('/openapi.json is a valid OpenAPI 3.1 description', async () => {
    check(resp.status === 200 && doc.openapi === '3.1.0', { status: resp.status, openapi: doc.openapi });
    const result = await new Validator().validate(structuredClone(doc));
    check(result.valid, result.errors);
  });

  await test('the validator refuses a broken description (it is not a rubber stamp)', async () => {
    const broken = structuredClone(doc);
    delete broken.paths['/search'].get.parameters[0].in;
    broken.paths['/stats'].get.responses = { 200: { content: {} } };
    const result = await new Validator().validate(broken);
    check(!result.valid, 'a parameter without "in" and a response without a description passed');
  });

  // Answers are checked against the description's own schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  const conforms = (schema, value) => {
    const ref = schema.$ref ? { $ref: 'openapi.json' + schema.$ref } : schema;
    const validate = ajv.compile(ref);
    return validate(value) ? null : validate.errors;
  };

  await test('every path the description names answers 200 with the example values, in the shape described', async () => {
    const paths = Object.keys(doc.paths);
    check(paths.length >= 7, paths);
    for (const [template, item] of Object.entries(doc.paths)) {
      const op = item.get;
      const params = (op.parameters || []).map((p) => (p.$ref
        ? doc.components.parameters[p.$ref.split('/').pop()] : p));
      let path = template;
      const query = new URLSearchParams();
      for (const p of params) {
        if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(p.example));
        else if (p.name === 'q') query.set('q', p.example);
      }
      const qs = query.toString();   // (URLSearchParams.size is newer than Node 18)
      const url = base + path + (qs ? '?' + qs : '');
      const r = await fetch(url, { headers: { Accept: 'application/json' } });
      check(r.status === 200, `${url}: ${r.status}`);
      const type = r.headers.get('content-type').split(';')[0];
      const described = op.responses['200'].content;
      check(type in described, `${template}: ${type} is not among ${Object.keys(described)}`);
      if (type === 'application/json') {
        const errors = conforms(described[type].schema, await r.json());
        check(!errors, { template, errors });
      }
    }
  });

  await test('each /search parameter answers 200 with its example, and errors have the Error shape', async () => {
    for (const p of doc.paths['/search'].get.parameters) {
      const query = new URLSearchParams({ q: 'UHC' });
      for (const v of [].concat(p.example)) query.append(p.name, String(v));
      const r = await fetch(`${base}/search?${query}`);
      check(r.status === 200, `${p.name}=${p.example}: ${r.status} ${await r.text()}`);
      const schema = p.schema.items || p.schema;
      const wrong = schema.maxLength ? 'x'.repeat(schema.maxLength + 1) : 'not a valid value 1';
      const bad = new URLSearchParams({ q: 'UHC', [p.name]: wrong });
      const e = await fetch(`${base}/search?${bad}`);
      const declared = doc.paths['/search'].get.responses[String(e.status)];
      check(declared, `${p.name}: status ${e.status} is not described`);
      const errors = conforms({ $ref: '#/components/schemas/Error' }, await e.json());
      check(!errors, { param: p.name, errors });
    }
    const nf = await fetch(`${base}/doc/no-such-doc`);
    check(nf.status === 404 && !conforms({ $ref: '#/components/schemas/Error' }, await nf.json()), 'a 404');
  });

  // A member the schema does not name passes the validator (objects are
  // open), so a new field could go undocumented: every one must be named.
  await test('every member of the hits the server sends is described in the Hit schema', async () => {
    const hit = doc.components.schemas.Hit;
    const seen = new Set(), seenAlso = new Set();
    for (const q of ['UHC', 'diagnostics', 'wildlife', 'ユニバーサル・ヘルス・カバレッジ']) {
      const r = await fetch(`${base}/search?` + new URLSearchParams({ q, limit: '50', per_doc: '10' }));
      check(r.status === 200, `${q}: ${r.status}`);
      for (const h of (await r.json()).hits) {
        Object.keys(h).forEach((k) => seen.add(k));
        for (const a of h.also_in) Object.keys(a).forEach((k) => seenAlso.add(k));
      }
    }
    const missing = [...seen].filter((k) => !(k in hit.properties));
    const alsoDescribed = hit.properties.also_in.items.properties;
    missing.push(...[...seenAlso].filter((k) => !(k in alsoDescribed)).map((k) => 'also_in.' + k));
    check(missing.length === 0, `sent but not described: ${missing.join(', ')}`);
    check(seen.has('open_url'), `no hit had an open_url: ${[...seen]}`);
  });
} finally {
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
