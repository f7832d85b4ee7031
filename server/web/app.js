// app.js: the search page's behaviour, plain JavaScript, no framework.
// State lives in the URL (?q=&lang=&type=&year=&publisher=&offset=) so a
// search can be shared and the back button works; /doc/ID/page/N renders
// one page of a document from the same URL's JSON, and carries the search
// it was opened from (the same arguments, plus passage=K: the K-th best
// passage of that search on the page), whose passages and words it marks.
// Text from the index is only ever put into the page as text nodes, never
// as HTML.
'use strict';

(function () {
  const LIMIT = 10;
  const $ = (id) => document.getElementById(id);
  const form = $('search-form');
  const input = $('q');
  const statusLine = $('status');
  const errorBox = $('error');
  const results = $('results');
  const pager = $('pager');
  const docView = $('doc-view');
  const suggestionBox = $('suggestion');
  const header = $('top');
  const toggle = $('filters-toggle');
  const FILTERS = ['lang', 'type', 'year', 'publisher'];
  const FACET_GROUPS = ['year', 'publisher'];   // their buttons come from the facets
  let generation = 0;   // drops answers that arrive after a newer request

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const k of kids) {
      if (k === null || k === undefined) continue;
      e.append(k instanceof Node ? k : String(k));
    }
    return e;
  }

  // A document's (page's) view; st, when given, is the search it is opened
  // from, and passage which of that search's passages on the page to show.
  function docHref(doc, page, st, passage) {
    const base = '/doc/' + encodeURIComponent(doc);
    const path = page ? base + '/page/' + page : base;
    const p = st ? stateParams(st) : new URLSearchParams();
    if (st && st.q && passage) p.set('passage', String(passage));
    const s = p.toString();
    return path + (s ? '?' + s : '');
  }

  // The document's PDF as the server holds it, opened at a physical page.
  function pdfHref(doc, page) {
    return '/doc/' + encodeURIComponent(doc) + '/pdf' + (page ? '#page=' + page : '');
  }

  // What opens hit h at its page, as the server says (its open_url): this
  // server's PDF at the page when it holds the file, else the document's
  // web address; nothing when there is neither.
  function openLink(h) {
    const url = h.open_url;
    if (!url) return null;
    const own = url.startsWith('/doc/');
    return el('a', { class: 'pdf-link', href: url, target: '_blank', rel: own ? 'noopener' : 'noopener noreferrer',
      lang: 'en' }, own ? (h.page ? 'PDF p. ' + h.page + ' ↗' : 'PDF ↗') : 'Web ↗');
  }

  // Put text on the clipboard: the Clipboard API where the page may use
  // it (https, or the server on localhost), else the older copy command on
  // a selected, off-screen text area (a plain-http address on a network).
  async function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // denied: try the copy command
      }
    }
    const area = el('textarea', { readonly: '', 'aria-hidden': 'true', class: 'copy-buffer' });
    area.value = text;
    document.body.append(area);
    area.select();
    let done = false;
    try { done = document.execCommand('copy'); } catch { done = false; }
    area.remove();
    return done;
  }

  // A button that copies a citation (the hit's "citation": title and page,
  // the printed page label included), saying so in its label for a moment;
  // the status is announced to screen readers too.
  const COPY_LABEL = 'Copy citation 引用をコピー';
  function copyButton(citation) {
    if (!citation) return null;
    const said = el('span', { class: 'copy-status visually-hidden', role: 'status' });
    const b = el('button', { type: 'button', class: 'copy-cite', title: citation }, COPY_LABEL);
    let timer = 0;
    b.addEventListener('click', async () => {
      const ok = await writeClipboard(citation);
      b.textContent = ok ? 'Copied ✓ コピーしました' : 'Copy failed コピーできません';
      b.classList.toggle('copied', ok);
      said.textContent = ok ? 'Citation copied / 引用をコピーしました' : 'Could not copy / コピーできません';
      clearTimeout(timer);
      timer = setTimeout(() => {
        b.textContent = COPY_LABEL;
        b.classList.remove('copied');
        said.textContent = '';
      }, 2500);
    });
    return el('span', { class: 'copy' }, b, said);
  }

  // A passage as an array of code points for display: a line break that a
  // PDF's layout left between two CJK characters is dropped (a space there
  // would split a Japanese word), any other becomes a space. One element
  // per code point, so highlight offsets still line up.
  const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
  function displayCodePoints(text) {
    const cps = Array.from(text);
    return cps.map((c, i) => {
      if (c !== '\n') return c;
      return CJK.test(cps[i - 1] || '') && CJK.test(cps[i + 1] || '') ? '' : ' ';
    });
  }

  // The passage with its highlights as <mark>. Offsets are code points
  // (ghsearch's contract) while JS strings index UTF-16 units, so slice an
  // array of code points, never the string itself.
  function highlighted(passage, spans) {
    return highlightedCodePoints(displayCodePoints(passage), spans);
  }

  function highlightedCodePoints(cps, spans) {
    const frag = document.createDocumentFragment();
    const sorted = (spans || [])
      .map(([s, e]) => [Math.max(0, s), Math.min(cps.length, e)])
      .filter(([s, e]) => s < e)
      .sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [s, e] of sorted) {
      if (e <= at) continue;               // inside the previous mark
      const start = Math.max(s, at);
      if (start > at) frag.append(cps.slice(at, start).join(''));
      frag.append(el('mark', null, cps.slice(start, e).join('')));
      at = e;
    }
    if (at < cps.length) frag.append(cps.slice(at).join(''));
    return frag;
  }

  function sourceNode(source) {
    if (/^https?:\/\//i.test(source || '')) {
      return el('a', { href: source, rel: 'noopener noreferrer' }, 'source');
    }
    return source ? el('span', { title: source }, 'source: ' + source.split('/').pop()) : null;
  }

  function metaLine(h) {
    const parts = [h.lang, h.type, h.publisher, h.date].filter(Boolean);
    return el('p', { class: 'meta' }, parts.join(' · '), ' · ', sourceNode(h.url || h.source));
  }

  // ---------------------------------------------------------------- state

  function readState() {
    const p = new URLSearchParams(location.search);
    const st = { q: p.get('q') || '' };
    for (const f of FILTERS) st[f] = p.get(f) || '';
    st.offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
    st.passage = Math.max(0, parseInt(p.get('passage') || '0', 10) || 0);
    return st;
  }

  function stateParams(st) {
    const p = new URLSearchParams();
    if (st.q) p.set('q', st.q);
    for (const f of FILTERS) if (st[f]) p.set(f, st[f]);
    if (st.offset) p.set('offset', String(st.offset));
    return p;
  }

  function stateUrl(st) {
    const s = stateParams(st).toString();
    return '/' + (s ? '?' + s : '');
  }

  function go(st, replace) {
    const url = stateUrl(st);
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    render();
  }

  // Filter buttons show the documents matching the query for each value
  // (the library's facet counts); years and publishers come and go with
  // the facets (the newest year first, the publishers with the most
  // documents first), and the one chosen stays.
  function showFilters(st, facets) {
    for (const field of FACET_GROUPS) {
      if (!facets) break;
      const group = $(field + '-group');
      const values = (facets[field] || []).map((f) => f.value);
      if (st[field] && !values.includes(st[field])) values.push(st[field]);
      if (field === 'year') values.sort().reverse();
      for (const b of group.querySelectorAll('button[data-value]:not([data-value=""])')) b.remove();
      for (const v of values) {
        const b = el('button', { type: 'button', 'data-filter': field, 'data-value': v,
          'aria-pressed': 'false' }, v);
        b.addEventListener('click', () => applyFilter(field, v));
        group.append(b);
      }
      group.hidden = values.length === 0;
    }
    const on = FILTERS.filter((f) => st[f]).length;
    toggle.querySelector('.active-count').textContent = on ? '(' + on + ')' : '';
    for (const b of document.querySelectorAll('button[data-filter]')) {
      const f = b.dataset.filter, v = b.dataset.value;
      b.setAttribute('aria-pressed', String(st[f] === v));
      let count = b.querySelector('.count');
      if (!facets || !v) { if (count && !facets) count.remove(); continue; }
      const hit = (facets[f] || []).find((x) => x.value === v);
      if (!count) { count = el('span', { class: 'count' }); b.append(count); }
      count.textContent = '(' + (hit ? hit.documents : 0) + ')';
    }
  }

  function applyFilter(field, value) {
    const st = readState();
    st[field] = value;
    st.offset = 0;
    go(st);
  }

  // The server gives the suggestion as the words of the reader's own query,
  // corrected ("financing" for "finanzing" under lang:en); the filters
  // stay as they are.
  function suggestedQuery(data) {
    const s = (data.suggestion || '').trim(), q = (data.query || '').trim();
    return s && q && s !== q ? s : null;
  }

  function showSuggestion(data, st) {
    const better = suggestedQuery(data);
    if (!better) { suggestionBox.hidden = true; return; }
    const next = { ...st, q: better, offset: 0 };
    const link = el('a', { href: stateUrl(next), lang: 'en' }, better);
    link.addEventListener('click', (ev) => { ev.preventDefault(); go(next); });
    suggestionBox.replaceChildren('Did you mean / もしかして: ', link);
    suggestionBox.hidden = false;
  }

  // ---------------------------------------------------------------- search

  function showError(err, query) {
    errorBox.replaceChildren(err.message || 'error');
    if (err.position && query) {
      // a caret under the faulty character; the input's cursor goes there too
      const cps = Array.from(query);
      const pos = Math.min(err.position, cps.length + 1);
      errorBox.append(el('span', { class: 'query-echo' },
        query + '\n' + ' '.repeat(pos - 1) + '^'));
      const utf16 = cps.slice(0, pos - 1).join('').length;
      input.focus();
      input.setSelectionRange(utf16, utf16);
    }
    errorBox.hidden = false;
  }

  function renderHits(data, st) {
    results.replaceChildren();
    let group = null, list = null, doc = null, tier = 1;
    const onPage = new Map();   // doc and page -> hits shown of it so far
    for (const h of data.hits) {
      // which of the search's passages on its page this one is (1: the best)
      const key = h.doc + '\u0000' + (h.page || 0);
      const nth = (onPage.get(key) || 0) + 1;
      onPage.set(key, nth);
      const href = docHref(h.doc, h.page, st, nth);
      if (h.tier > tier) {
        // Passages with every word come first whatever their scores: say
        // where the others begin (a document's hits share one tier).
        tier = h.tier;
        doc = null;
        results.append(el('li', { class: 'tier-break hint', role: 'separator' },
          'Passages with only some of the words / 一部の語を含む箇所'));
      }
      if (h.doc !== doc) {
        doc = h.doc;
        list = el('ol', { class: 'passages' });
        group = el('li', { class: 'doc', lang: h.lang || null },
          el('h2', null, el('a', { href }, h.title || h.doc)),
          metaLine(h), list);
        results.append(group);
      }
      const page = h.page ? el('a', { class: 'page-badge', href,
        'aria-label': 'page ' + h.page }, 'p. ' + h.page) : null;
      list.append(el('li', { class: 'passage', tabindex: '0', 'data-href': href,
        lang: h.lang || null },
        el('p', { class: 'text' }, page, highlighted(h.passage, h.highlights)),
        el('p', { class: 'cite' }, h.citation, openLink(h), copyButton(h.citation))));
    }
    const shown = data.hits.length;
    if (shown === 0) {
      statusLine.textContent = st.q ? 'No results for “' + st.q + '” / 該当なし' : '';
    } else {
      // the library's total: the same on every page, never below what is shown
      statusLine.textContent = (data.total_exact ? '' : 'About ') + data.total + ' passages · ' +
        (st.offset + 1) + '–' + (st.offset + shown) + ' · ' + Math.round(data.took_ms) + ' ms';
    }
    pager.hidden = !(st.offset > 0 || shown >= LIMIT);
    $('prev').disabled = st.offset === 0;
    $('next').disabled = shown < LIMIT;
  }

  async function search(st) {
    const my = ++generation;
    input.value = st.q;
    errorBox.hidden = true;
    suggestionBox.hidden = true;
    docView.hidden = true;
    results.hidden = false;
    showFilters(st, null);
    if (!st.q.trim()) {
      results.replaceChildren();
      statusLine.textContent = '';
      pager.hidden = true;
      return;
    }
    const p = new URLSearchParams({ q: st.q, limit: String(LIMIT), offset: String(st.offset),
      facets: '1' });
    for (const f of FILTERS) if (st[f]) p.set(f, st[f]);
    statusLine.textContent = 'Searching… 検索中';
    try {
      const resp = await fetch('/search?' + p, { headers: { Accept: 'application/json' } });
      const data = await resp.json();
      if (my !== generation) return;
      if (!resp.ok) {
        results.replaceChildren();
        pager.hidden = true;
        statusLine.textContent = '';
        showError(data.error || {}, st.q);
        return;
      }
      showFilters(st, data.facets);
      renderHits(data, st);
      if (data.hits.length === 0) showSuggestion(data, st);
    } catch (e) {
      if (my !== generation) return;
      statusLine.textContent = '';
      showError({ message: 'The server did not answer: ' + e.message }, null);
    }
  }

  // ---------------------------------------------------------------- document view

  // The text of a page (or of a document without pages) as paragraphs,
  // with the search's passages (marks: code point ranges of text, from the
  // server) each in a section of its own, their words as <mark>. Returns
  // the container and the sections by rank.
  function pageText(text, marks, lang) {
    const cps = Array.from(text);
    const box = el('div', { class: 'page-text', lang: lang || null });
    const sections = new Map();
    const spans = marks.flatMap((m) => m.highlights || []);
    let at = 0;
    let section = null, sectionMark = null;
    while (at < cps.length) {
      // a paragraph: up to the next run of two or more line breaks
      let end = at;
      while (end < cps.length && !(cps[end] === '\n' && cps[end + 1] === '\n')) end++;
      const mark = marks.find((m) => m.start < Math.max(end, at + 1) && m.end > at) || null;
      const local = spans.filter(([s, e]) => e > at && s < end).map(([s, e]) => [s - at, e - at]);
      const p = el('p', null, highlightedCodePoints(displayCodePoints(cps.slice(at, end).join('')), local));
      if (mark && mark !== sectionMark) {
        section = el('section', { class: 'hit', tabindex: '-1', 'data-rank': String(mark.rank),
          'aria-label': 'Passage ' + mark.rank + ' of the search / 検索の該当箇所' });
        sections.set(mark.rank, section);
        box.append(section);
      }
      sectionMark = mark;
      (mark ? section : box).append(p);
      at = end;
      while (at < cps.length && cps[at] === '\n') at++;
    }
    return { box, sections };
  }

  async function showDocument(path, st) {
    const my = ++generation;
    results.hidden = true;
    pager.hidden = true;
    errorBox.hidden = true;
    suggestionBox.hidden = true;
    input.value = st.q;
    statusLine.textContent = 'Loading… 読み込み中';
    const ask = st.q ? path + '?' + new URLSearchParams({ q: st.q }) : path;
    const resp = await fetch(ask, { headers: { Accept: 'application/json' } });
    const data = await resp.json();
    if (my !== generation) return;
    statusLine.textContent = '';
    if (!resp.ok) {
      showError(data.error || {}, null);
      return;
    }
    // back to the results this page was opened from, if any
    const back = st.q ? el('a', { href: stateUrl(st), class: 'back' }, '← Results for “' + st.q + '” 検索結果へ')
      : el('a', { href: '/', class: 'back' }, '← Search 検索へ');
    const keep = st.q ? { ...st, passage: 0 } : null;   // other pages keep the query's marks
    const kids = [el('nav', null, back),
      el('h2', null, data.title || data.doc), metaLine(data),
      el('p', { class: 'cite' }, data.citation,
        data.type === 'pdf' ? el('a', { class: 'pdf-link', href: pdfHref(data.doc, data.page),
          target: '_blank', rel: 'noopener', lang: 'en' },
        data.page ? 'Open the PDF at p. ' + data.page + ' ↗' : 'Open the PDF ↗') : null,
        copyButton(data.citation))];
    const marks = data.marks || [];
    let sections = new Map();
    const text = (t) => { const r = pageText(t, marks, data.lang); sections = r.sections; return r.box; };
    if (data.page !== undefined) {
      kids.push(data.text ? text(data.text)
        : el('p', { class: 'hint' }, 'No text on this page. このページには本文がありません。'));
      kids.push(el('nav', { 'aria-label': 'Pages' },
        data.prev ? el('a', { href: docHref(data.doc, data.prev, keep), rel: 'prev' }, '← p. ' + data.prev) : null,
        el('a', { href: docHref(data.doc, 0, keep) }, 'All pages (' + data.pages + ')'),
        data.next ? el('a', { href: docHref(data.doc, data.next, keep), rel: 'next' }, 'p. ' + data.next + ' →') : null));
    } else if (data.pages > 0) {
      const links = [];
      for (let p = 1; p <= data.pages; p++) links.push(el('a', { href: docHref(data.doc, p, keep) }, 'p. ' + p));
      kids.push(el('nav', { 'aria-label': 'Pages', class: 'page-list' }, ...links));
    } else if (data.text) {
      kids.push(text(data.text));
    }
    if (st.q && data.marks !== undefined) {
      statusLine.textContent = marks.length
        ? marks.length + ' passage' + (marks.length === 1 ? '' : 's') + ' of the search marked on this page'
        : 'The search finds no passage on this page';
    }
    docView.replaceChildren(...kids);
    docView.hidden = false;
    document.title = (data.title || data.doc) + ' — ghsearch';
    // the passage the reader clicked (else the best one), in view
    const target = st.passage ? (sections.get(st.passage) || sections.values().next().value) : null;
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'center' });
    } else {
      docView.focus();
    }
  }

  function render() {
    if (location.pathname.startsWith('/doc/')) {
      showDocument(location.pathname, readState());
    } else {
      document.title = 'ghsearch';
      search(readState());
    }
  }

  // ---------------------------------------------------------------- events

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const st = readState();
    const onDoc = location.pathname.startsWith('/doc/');
    go(onDoc ? { q: input.value.trim(), lang: '', type: '', year: '', publisher: '', offset: 0 }
      : { ...st, q: input.value.trim(), offset: 0 });
  });

  for (const b of document.querySelectorAll('button[data-filter]')) {
    b.addEventListener('click', () => applyFilter(b.dataset.filter, b.dataset.value));
  }

  toggle.addEventListener('click', () => {
    const open = header.classList.toggle('filters-open');
    toggle.setAttribute('aria-expanded', String(open));
  });

  $('prev').addEventListener('click', () => {
    const st = readState();
    go({ ...st, offset: Math.max(0, st.offset - LIMIT) });
  });
  $('next').addEventListener('click', () => {
    const st = readState();
    go({ ...st, offset: st.offset + LIMIT });
  });

  document.addEventListener('keydown', (ev) => {
    const t = ev.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
    if (ev.key === '/' && !typing) {
      ev.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && (t === input || t.classList.contains('passage'))) {
      const all = Array.from(results.querySelectorAll('.passage'));
      if (all.length === 0) return;
      const i = all.indexOf(t);
      const next = ev.key === 'ArrowDown' ? (i < 0 ? 0 : Math.min(i + 1, all.length - 1))
        : (i <= 0 ? -1 : i - 1);
      ev.preventDefault();
      if (next < 0) input.focus(); else all[next].focus();
      return;
    }
    if (ev.key === 'Enter' && t.classList && t.classList.contains('passage')) {
      location.href = t.dataset.href;
    }
  });

  window.addEventListener('popstate', render);
  render();
})();
