// page.test.mjs: the search page of `ghsearch serve` driven in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core): type a
// Japanese query, see highlighted passages with page numbers, apply the
// language and publisher filters, follow a "did you mean", move with the
// keyboard, open a document page with the passage marked and the hit's PDF,
// copy a hit's citation to the clipboard, read it in dark mode and on a
// 390 px touch screen. Prints TAP.
//
// Needs GHS_BUILD_ROOT (cli/ghsearch and the sample corpus in corpus/).
// Skips when Chromium or node_modules/playwright-core is missing, unless
// CI=true, where that is a failure (tools/setup.sh installs both).
// Set GHS_WEB_SCREENSHOT=FILE.png to keep a screenshot of the results.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
// Two more publishers beside the corpus's, for the publisher filter.
const records = join(tmp, 'publishers.jsonl');
writeFileSync(records, [
  { id: 'pub-who-note', title: 'WHO note on UHC', lang: 'en', publisher: 'World Health Organization',
    date: '2022-03-01', text: 'Universal health coverage (UHC) means access to care for everyone.' },
  { id: 'pub-jcie-note', title: 'JCIE note on UHC', lang: 'en', publisher: 'JCIE',
    date: '2021-06-01', text: 'A note on UHC and primary health care in Asia.' },
].map((r) => JSON.stringify(r)).join('\n') + '\n');
execFileSync(GHSEARCH, ['index', '--db', db, CORPUS, records], { stdio: 'ignore' });
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
async function waitForResultsOn(p) {
  await p.waitForFunction(() => {
    const s = document.getElementById('status').textContent;
    return s && !s.startsWith('Searching');
  });
}
async function waitForResults() {
  await waitForResultsOn(page);
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
    const href = new URL(base + await page.getAttribute('#results .page-badge', 'href'));
    check(/^\/doc\/.+\/page\/\d+$/.test(href.pathname) && href.searchParams.get('q') === UHC_JA, href);
    await page.click('#results .page-badge');
    await page.waitForSelector('#doc-view:not([hidden]) .page-text p');
    check(new URL(page.url()).pathname === href.pathname, page.url());
    const text = await page.textContent('#doc-view .page-text');
    check(text.length > 50, text);
    const cite = await page.textContent('#doc-view .cite');
    check(/p\. \d+/.test(cite), cite);
    await page.goBack();
    await page.waitForSelector('#results .passage mark');
  });

  await test('the publisher filter is built from the facets and narrows to one publisher', async () => {
    await page.goto(base + '/?q=UHC');
    await waitForResults();
    await page.waitForSelector('#publisher-group:not([hidden])');
    const values = await page.$$eval('button[data-filter="publisher"]', (bs) => bs.map((b) => b.dataset.value));
    check(values.includes('JCIE') && values.includes('World Health Organization'), values);
    const count = await page.textContent('button[data-filter="publisher"][data-value="JCIE"] .count');
    check(count === '(1)', count);
    await page.click('button[data-filter="publisher"][data-value="JCIE"]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('publisher') === 'JCIE');
    await waitForResults();
    await page.waitForFunction(() => {
      const ts = [...document.querySelectorAll('#results > li.doc h2')].map((h) => h.textContent);
      return ts.length === 1 && ts[0] === 'JCIE note on UHC';
    });
    check(await page.getAttribute('button[data-filter="publisher"][data-value="JCIE"]', 'aria-pressed') === 'true',
      'JCIE not shown as pressed');
    await page.click('button[data-filter="publisher"][data-value=""]');
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('publisher'));
  });

  await test('a query that finds nothing offers the corrected words as a link, and the filters stay', async () => {
    await page.goto(base + '/?q=finanzing&lang=en');
    await page.waitForSelector('#suggestion:not([hidden]) a');
    const link = await page.textContent('#suggestion a');
    check(link === 'financing', `suggested “${link}”, not the words alone`);
    check(!(await page.textContent('#suggestion')).includes('('), await page.textContent('#suggestion'));
    await page.click('#suggestion a');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'financing');
    await page.waitForSelector('#results .passage mark');
    check(new URL(page.url()).searchParams.get('lang') === 'en', page.url());
    check(await page.inputValue('#q') === 'financing', await page.inputValue('#q'));
    check(await page.isHidden('#suggestion'), 'the suggestion stays after it was followed');
  });

  await test('a hit opens its page with its passage marked and in view, the query kept, and a way back', async () => {
    const small = await browser.newPage({ viewport: { width: 1000, height: 500 } });
    await small.goto(base + '/?q=' + encodeURIComponent('UHC financing'));
    await small.waitForSelector('#results .page-badge');
    // the second passage shown of the first document: on the same page as
    // the first one, it is the search's second passage there
    const badges = await small.$$eval('#results > li.doc:first-of-type .page-badge',
      (bs) => bs.map((b) => b.getAttribute('href')));
    check(badges.length >= 2, badges);
    const href = badges[1];
    const u = new URL(base + href);
    check(/^\/doc\/.+\/page\/\d+$/.test(u.pathname) && u.searchParams.get('q') === 'UHC financing', href);
    await small.click(`#results a.page-badge[href="${href}"]`);
    await small.waitForSelector('#doc-view:not([hidden]) .page-text .hit');
    const want = u.searchParams.get('passage');
    const shown = await small.evaluate((rank) => {
      const s = document.querySelector(`#doc-view .hit[data-rank="${rank}"]`);
      const r = s.getBoundingClientRect();
      return { inView: r.top >= 0 && r.bottom <= innerHeight, focused: document.activeElement === s,
        scrolled: scrollY, marks: [...s.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()) };
    }, want);
    check(shown.inView && shown.focused && shown.scrolled > 0, shown);
    check(shown.marks.includes('uhc') || shown.marks.includes('financing'), shown.marks);
    const allMarks = await small.$$eval('#doc-view .page-text mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    check(allMarks.includes('uhc') && allMarks.includes('financing'), allMarks);
    check(await small.inputValue('#q') === 'UHC financing', 'the query box lost the query');
    // the next page keeps the query's marks; the way back leads to the results
    const next = await small.getAttribute('#doc-view a[rel="next"]', 'href');
    check(new URL(base + next).searchParams.get('q') === 'UHC financing', next);
    const back = await small.getAttribute('#doc-view a.back', 'href');
    check(back === '/?q=UHC+financing', back);
    await small.click('#doc-view a.back');
    await small.waitForSelector('#results .passage mark');
    check(await small.inputValue('#q') === 'UHC financing', 'the results lost the query');
    await small.close();
  });

  await test('each PDF hit links to its PDF at its page, which the server sends as a PDF', async () => {
    await page.goto(base + '/?q=' + encodeURIComponent('"100 Days Mission"'));
    await page.waitForSelector('#results .pdf-link');
    const links = await page.$$eval('#results .passage', (ps) => ps.map((p) => {
      const a = p.querySelector('.pdf-link'), b = p.querySelector('.page-badge');
      return a && { href: a.getAttribute('href'), target: a.target, page: b && b.textContent };
    }).filter(Boolean));
    check(links.length > 0, links);
    for (const l of links) {
      const m = /^\/doc\/(.+)\/pdf#page=(\d+)$/.exec(l.href);
      check(m && l.page === 'p. ' + m[2] && l.target === '_blank', l);
      const resp = await page.request.get(base + l.href.split('#')[0]);
      const body = await resp.body();
      check(resp.status() === 200 && resp.headers()['content-type'] === 'application/pdf' &&
        body.subarray(0, 5).toString() === '%PDF-', [resp.status(), resp.headers()['content-type']]);
    }
    await page.click('#results .page-badge');
    await page.waitForSelector('#doc-view:not([hidden]) .pdf-link');
    const inView = await page.getAttribute('#doc-view .pdf-link', 'href');
    check(/\/pdf#page=\d+$/.test(inView) && inView.endsWith('#page=' + new URL(page.url()).pathname.split('/').pop()),
      inView);
  });

  await test('each hit has a "copy citation" button that puts its citation on the clipboard, by mouse or keyboard, and says so', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'ja-JP' });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const p = await ctx.newPage();
    try {
      const q = '"100 Days Mission" OR ' + UHC_JA;
      const want = (await api('/search?' + new URLSearchParams({ q, limit: '10' }))).hits;
      check(want.length >= 2 && new Set(want.map((h) => h.citation)).size >= 2, want.map((h) => h.citation));
      await p.goto(base + '/?q=' + encodeURIComponent(q));
      await p.waitForSelector('#results .passage .copy-cite');
      const buttons = p.locator('#results .passage .copy-cite');
      check(await buttons.count() === want.length, `${await buttons.count()} buttons for ${want.length} hits`);
      const label = await buttons.first().textContent();
      check(/Copy/.test(label) && /コピー/.test(label), label);
      const clip = () => p.evaluate(() => navigator.clipboard.readText());
      // the mouse: the first hit's citation, exactly, and the button says so
      await buttons.first().click();
      await p.waitForFunction(() => /コピーしました/.test(document.querySelector('#results .copy-cite').textContent));
      check(await clip() === want[0].citation, { clipboard: await clip(), citation: want[0].citation });
      check(/copied/i.test(await p.textContent('#results .passage .copy-status')), 'no status for screen readers');
      // the keyboard: another hit's button reached with Tab from its passage, pressed with Enter
      const k = want.findIndex((h) => h.citation !== want[0].citation);
      await p.locator('#results .passage').nth(k).focus();
      for (let i = 0; i < 6; i++) {
        await p.keyboard.press('Tab');
        if (await p.evaluate(() => document.activeElement.classList.contains('copy-cite'))) break;
      }
      const at = await p.evaluate(() => [...document.querySelectorAll('#results .copy-cite')].indexOf(document.activeElement));
      check(at === k, `Tab from passage ${k} reached copy button ${at}`);
      await p.keyboard.press('Enter');
      await p.waitForFunction((i) => /コピーしました/.test(document.querySelectorAll('#results .copy-cite')[i].textContent), k);
      check(await clip() === want[k].citation, { clipboard: await clip(), citation: want[k].citation });
      check(new URL(p.url()).pathname === '/', 'Enter on the button left the results: ' + p.url());
      // and the label comes back
      await p.waitForFunction(() => !/コピーしました/.test(document.querySelector('#results .copy-cite').textContent),
        null, { timeout: 5000 });
    } finally {
      await ctx.close();
    }
  });

  await test('in dark mode the page is dark with readable text, links, buttons and marks', async () => {
    const dark = await browser.newPage({ viewport: { width: 1000, height: 900 }, colorScheme: 'dark' });
    await dark.goto(base + '/?q=' + encodeURIComponent('UHC financing'));
    await dark.waitForSelector('#results .passage mark');
    await waitForResultsOn(dark);
    const pairs = await dark.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const clear = (c) => /rgba\(.*, 0\)/.test(c);
      const grounds = [document.body, document.documentElement].map((e) => getComputedStyle(e).backgroundColor);
      const page = grounds.find((c) => !clear(c)) || 'rgb(255, 255, 255)';   // the canvas when none is set
      const cs = (sel) => getComputedStyle(document.querySelector(sel));
      const bgOf = (sel) => { const b = cs(sel).backgroundColor; return clear(b) ? page : b; };
      const pair = (sel) => ({ sel, ratio: ratio(cs(sel).color, bgOf(sel)) });
      return { bgLum: lum(rgb(page)), pairs: [pair('#results .passage .text'), pair('#results .meta'),
        pair('#results mark'), pair('#results h2 a'), pair('#results .cite'), pair('#status'),
        pair('button[data-filter="lang"][aria-pressed="false"]'), pair('button[aria-pressed="true"]'),
        pair('button[type="submit"]'), pair('#q'), pair('.hint')] };
    });
    check(pairs.bgLum < 0.05, `the background is not dark (luminance ${pairs.bgLum})`);
    const bad = pairs.pairs.filter((p) => !(p.ratio >= 4.5));
    check(bad.length === 0, bad);
    await dark.close();
  });

  await test('on a 390 px touch screen the first result is near the top, the filters fold away, no keyboard hint', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true,
      isMobile: true, locale: 'ja-JP' });
    await phone.goto(base + '/?q=UHC');
    await phone.waitForSelector('#results .passage mark');
    await waitForResultsOn(phone);
    const at = await phone.evaluate(() => ({
      doc: document.querySelector('#results > li.doc').getBoundingClientRect().top,
      passage: document.querySelector('#results .passage').getBoundingClientRect().top,
      header: document.querySelector('header').getBoundingClientRect().height,
      overflow: document.documentElement.scrollWidth > innerWidth,
    }));
    check(at.doc <= 180 && at.passage <= 300 && at.header <= 120 && !at.overflow, at);
    const headerText = await phone.innerText('header');
    check(!headerText.includes('move between results') && !headerText.includes('Press'), headerText);
    check(await phone.isHidden('#filters'), 'the filters take the screen before the results');
    await phone.tap('#filters-toggle');
    await phone.waitForSelector('#filters button[data-filter="lang"][data-value="ja"]', { state: 'visible' });
    check(await phone.getAttribute('#filters-toggle', 'aria-expanded') === 'true', 'aria-expanded');
    check(!(await phone.innerText('header')).includes('move between results'), 'keyboard hint shown on touch');
    await phone.tap('button[data-filter="lang"][data-value="ja"]');
    await phone.waitForFunction(() => {
      const ds = [...document.querySelectorAll('#results > li.doc')];
      return new URL(location.href).searchParams.get('lang') === 'ja' && ds.length > 0 &&
        ds.every((d) => d.getAttribute('lang') === 'ja');
    });
    check((await phone.textContent('#filters-toggle')).includes('(1)'), await phone.textContent('#filters-toggle'));
    await phone.close();
  });

  await test('a desktop screen shows the keyboard hint and the filters without a toggle', async () => {
    await page.goto(base + '/?q=UHC');
    await waitForResults();
    check(await page.isVisible('#hint .keys') && await page.isVisible('#filters'), 'hint or filters hidden');
    check(await page.isHidden('#filters-toggle'), 'the toggle shows on a wide screen');
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
