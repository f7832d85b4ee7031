// page.test.mjs: the search page of `ghsearch serve` driven in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core): type a
// Japanese query, see highlighted passages with page numbers, apply the
// language filter, move with the keyboard, open a document page. Prints TAP.
//
// Needs GHS_BUILD_ROOT (cli/ghsearch and the sample corpus in corpus/).
// Skips when Chromium or node_modules/playwright-core is missing, unless
// CI=true, where that is a failure (tools/setup.sh installs both).
// Set GHS_WEB_SCREENSHOT=FILE.png to keep a screenshot of the results.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CI = process.env.CI === 'true';
const BUILD = process.env.GHS_BUILD_ROOT || '';
const GHSEARCH = join(BUILD, 'cli', 'ghsearch');
const CORPUS = join(BUILD, 'corpus');
const CHROMIUM = process.env.GHS_CHROMIUM || '/usr/bin/chromium';
const UHC_JA = 'ユニバーサル・ヘルス・カバレッジ';

function skipAll(reason) {
  if (CI) {
    console.log(`1..1\nnot ok 1 - the browser test can run (CI=true): ${reason}`);
    process.exit(1);
  }
  console.log(`1..0 # SKIP ${reason}`);
  process.exit(0);
}

if (!existsSync(GHSEARCH) || !existsSync(CORPUS)) skipAll(`no ghsearch or corpus under GHS_BUILD_ROOT=${BUILD}`);
if (!existsSync(CHROMIUM)) skipAll(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  skipAll('playwright-core is not installed (npm ci --prefix tests/web)');
}

// ------------------------------------------------------------------ harness

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
    const proc = spawn(GHSEARCH, ['serve', '--db', db, '--listen', '127.0.0.1:0'],
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

// ------------------------------------------------------------------ set-up

const tmp = mkdtempSync(join(tmpdir(), 'ghs-web-'));
const db = join(tmp, 'db');
execFileSync(GHSEARCH, ['index', '--db', db, CORPUS], { stdio: 'ignore' });
const { proc: server, url: base } = await startServer(db);
// Never leave a server behind: on any way out, and after a time limit.
const cleanup = () => { if (server.exitCode === null) server.kill('SIGTERM'); };
process.on('exit', cleanup);
setTimeout(() => { console.log('Bail out! the browser test ran past 240 s'); cleanup(); process.exit(1); },
  240000);
let browser;
try {
  browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // playwright gives each launch a fresh, empty profile (--user-data-dir)
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  console.log(`Bail out! Chromium did not start: ${e.message.split('\n')[0]}`);
  process.exit(1);
}
const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, locale: 'ja-JP' });
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

async function api(path) {
  const resp = await fetch(base + path, { headers: { Accept: 'application/json' } });
  return resp.json();
}

// The marked texts of the first passage on the page, and what the API's
// code point offsets say they should be.
async function firstMarks() {
  return page.evaluate(() => [...document.querySelector('#results .passage').querySelectorAll('mark')]
    .map((m) => m.textContent));
}
async function shownLangs() {
  return page.$$eval('#results > li.doc', (ds) => ds.map((d) => d.getAttribute('lang')));
}
async function waitForResults() {
  await page.waitForFunction(() => {
    const s = document.getElementById('status').textContent;
    return s && !s.startsWith('Searching');
  });
}

// ------------------------------------------------------------------ tests

try {
  await test('the page loads with a query box and no script errors', async () => {
    await page.goto(base + '/');
    check(await page.title() === 'ghsearch', await page.title());
    check(await page.isVisible('#q'), 'no query box');
    check(consoleErrors.length === 0, consoleErrors);
  });

  await test('a Japanese query typed and submitted with Enter shows highlighted passages with page numbers', async () => {
    await page.fill('#q', UHC_JA);
    await page.press('#q', 'Enter');
    await page.waitForSelector('#results .passage mark');
    await waitForResults();
    const marks = await page.$$eval('#results .passage mark', (ms) => ms.map((m) => m.textContent));
    check(marks.some((m) => m.includes('ヘルス') || m.includes('カバレッジ')), marks);
    const pages = await page.$$eval('#results .page-badge', (bs) => bs.map((b) => b.textContent));
    check(pages.length > 0 && pages.every((p) => /^p\. \d+$/.test(p)), pages);
    const cites = await page.$$eval('#results .cite', (cs) => cs.map((c) => c.textContent));
    check(cites.some((c) => /p\. \d+/.test(c)), cites);
  });

  await test('highlights cover exactly the code points the API gives', async () => {
    const data = await api('/search?limit=10&q=' + encodeURIComponent(UHC_JA));
    const h = data.hits[0];
    const cps = Array.from(h.passage);
    // (line breaks inside a passage are shown as a space or nothing)
    const squash = (t) => t.replace(/\s/g, '');
    const expected = h.highlights.map(([s, e]) => squash(cps.slice(s, e).join('')));
    const shown = (await firstMarks()).map(squash);
    check(expected.length > 0 && JSON.stringify(shown) === JSON.stringify(expected),
      { page: shown, api: expected });
  });

  await test('the query is kept in the URL so the search can be shared', async () => {
    const u = new URL(page.url());
    check(u.searchParams.get('q') === UHC_JA, page.url());
    const other = await browser.newPage();
    await other.goto(page.url());
    await other.waitForSelector('#results .passage mark');
    check(await other.inputValue('#q') === UHC_JA, 'query box not filled from the URL');
    await other.close();
  });

  await test('the language filter keeps only English or only Japanese documents', async () => {
    await page.fill('#q', 'UHC');
    await page.press('#q', 'Enter');
    await page.waitForSelector('#results .passage');
    await waitForResults();
    const all = new Set(await shownLangs());
    check(all.has('ja') && all.has('en'), [...all]);
    for (const lang of ['en', 'ja']) {
      await page.click(`button[data-filter="lang"][data-value="${lang}"]`);
      await page.waitForFunction((l) => new URL(location.href).searchParams.get('lang') === l, lang);
      await waitForResults();
      await page.waitForFunction((l) => {
        const ds = [...document.querySelectorAll('#results > li.doc')];
        return ds.length > 0 && ds.every((d) => d.getAttribute('lang') === l);
      }, lang);
      const pressed = await page.getAttribute(`button[data-filter="lang"][data-value="${lang}"]`, 'aria-pressed');
      check(pressed === 'true', `filter ${lang} not shown as pressed`);
    }
    const counts = await page.$$eval('button[data-filter="lang"] .count', (cs) => cs.map((c) => c.textContent));
    check(counts.length >= 2 && counts.every((c) => /^\(\d+\)$/.test(c)), counts);
    await page.click('button[data-filter="lang"][data-value=""]');
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('lang'));
  });

  await test('the keyboard reaches the query box and walks the results', async () => {
    await page.click('h1');
    await page.keyboard.press('/');
    check(await page.evaluate(() => document.activeElement.id) === 'q', 'slash does not focus the query');
    await page.keyboard.press('ArrowDown');
    const first = await page.evaluate(() => document.activeElement.classList.contains('passage'));
    check(first, 'ArrowDown from the query does not reach the first result');
    await page.keyboard.press('ArrowDown');
    const idx = await page.evaluate(() =>
      [...document.querySelectorAll('#results .passage')].indexOf(document.activeElement));
    check(idx === 1, `focus at result ${idx}, not 1`);
  });

  await test('a result opens its document page with the page text and page links', async () => {
    await page.fill('#q', UHC_JA);
    await page.press('#q', 'Enter');
    await page.waitForSelector('#results .page-badge');
    await waitForResults();
    const href = await page.getAttribute('#results .page-badge', 'href');
    check(/^\/doc\/.+\/page\/\d+$/.test(href), href);
    await page.click('#results .page-badge');
    await page.waitForSelector('#doc-view:not([hidden]) .page-text p');
    check(new URL(page.url()).pathname === href, page.url());
    const text = await page.textContent('#doc-view .page-text');
    check(text.length > 50, text);
    const cite = await page.textContent('#doc-view .cite');
    check(/p\. \d+/.test(cite), cite);
    await page.goBack();
    await page.waitForSelector('#results .passage mark');
  });

  await test('a malformed query shows the error and where it is', async () => {
    await page.fill('#q', '保健 "財政');
    await page.press('#q', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    const msg = await page.textContent('#error');
    check(/4/.test(msg) && msg.includes('^'), msg);
    const caret = await page.evaluate(() => document.getElementById('q').selectionStart);
    check(caret === 3, `cursor at ${caret}, not before the quote`);
  });

  if (process.env.GHS_WEB_SCREENSHOT) {
    await page.goto(base + '/?q=' + encodeURIComponent(UHC_JA));
    await page.waitForSelector('#results .passage mark');
    await page.screenshot({ path: process.env.GHS_WEB_SCREENSHOT, fullPage: true });
  }

  await test('no script errors or blocked resources along the way', async () => {
    check(consoleErrors.filter((e) => !/status of 400/.test(e)).length === 0, consoleErrors);
  });
} finally {
  await browser.close();
  cleanup();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
