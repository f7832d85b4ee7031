// app.js: the search page's behaviour, plain JavaScript, no framework.
// State lives in the URL (?q=&lang=&type=&offset=) so a search can be
// shared and the back button works; /doc/ID/page/N renders one page of a
// document from the same URL's JSON. Text from the index is only ever put
// into the page as text nodes, never as HTML.
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

  function docHref(doc, page) {
    const base = '/doc/' + encodeURIComponent(doc);
    return page ? base + '/page/' + page : base;
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
    const cps = displayCodePoints(passage);
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
    return {
      q: p.get('q') || '',
      lang: p.get('lang') || '',
      type: p.get('type') || '',
      year: p.get('year') || '',
      offset: Math.max(0, parseInt(p.get('offset') || '0', 10) || 0),
    };
  }

  function stateUrl(st) {
    const p = new URLSearchParams();
    if (st.q) p.set('q', st.q);
    if (st.lang) p.set('lang', st.lang);
    if (st.type) p.set('type', st.type);
    if (st.year) p.set('year', st.year);
    if (st.offset) p.set('offset', String(st.offset));
    const s = p.toString();
    return '/' + (s ? '?' + s : '');
  }

  function go(st, replace) {
    const url = stateUrl(st);
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    render();
  }

  // Filter buttons show the documents matching the query for each value
  // (the library's facet counts); years come and go with the facets.
  function showFilters(st, facets) {
    const yearGroup = $('year-group');
    if (facets) {
      const years = (facets.year || []).map((f) => f.value);
      if (st.year && !years.includes(st.year)) years.push(st.year);
      years.sort().reverse();
      for (const b of yearGroup.querySelectorAll('button[data-value]:not([data-value=""])')) b.remove();
      for (const y of years) {
        const b = el('button', { type: 'button', 'data-filter': 'year', 'data-value': y,
          'aria-pressed': 'false' }, y);
        b.addEventListener('click', () => applyFilter('year', y));
        yearGroup.append(b);
      }
      yearGroup.hidden = years.length === 0;
    }
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
    for (const h of data.hits) {
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
          el('h2', null, el('a', { href: docHref(h.doc, h.page) }, h.title || h.doc)),
          metaLine(h), list);
        results.append(group);
      }
      const page = h.page ? el('a', { class: 'page-badge', href: docHref(h.doc, h.page),
        'aria-label': 'page ' + h.page }, 'p. ' + h.page) : null;
      list.append(el('li', { class: 'passage', tabindex: '0', 'data-href': docHref(h.doc, h.page),
        lang: h.lang || null },
        el('p', { class: 'text' }, page, highlighted(h.passage, h.highlights)),
        el('p', { class: 'cite' }, h.citation)));
    }
    const shown = data.hits.length;
    if (shown === 0) {
      statusLine.textContent = st.q ? 'No results for “' + st.q + '” / 該当なし' : '';
    } else {
      // the library's total: the same on every page, never below what is shown
      statusLine.textContent = 'About ' + data.total + ' passages · ' +
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
    for (const f of ['lang', 'type', 'year']) if (st[f]) p.set(f, st[f]);
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
    } catch (e) {
      if (my !== generation) return;
      statusLine.textContent = '';
      showError({ message: 'The server did not answer: ' + e.message }, null);
    }
  }

  // ---------------------------------------------------------------- document view

  async function showDocument(path) {
    const my = ++generation;
    results.hidden = true;
    pager.hidden = true;
    errorBox.hidden = true;
    statusLine.textContent = 'Loading… 読み込み中';
    const resp = await fetch(path, { headers: { Accept: 'application/json' } });
    const data = await resp.json();
    if (my !== generation) return;
    statusLine.textContent = '';
    if (!resp.ok) {
      showError(data.error || {}, null);
      return;
    }
    const back = el('a', { href: '/', class: 'back' }, '← Search 検索へ');
    const kids = [el('nav', null, back),
      el('h2', null, data.title || data.doc), metaLine(data),
      el('p', { class: 'cite' }, data.citation)];
    const paragraphs = (text) => el('div', { class: 'page-text', lang: data.lang || null },
      ...text.split(/\n{2,}/).map((t) => el('p', null, displayCodePoints(t).join(''))));
    if (data.page !== undefined) {
      kids.push(data.text ? paragraphs(data.text)
        : el('p', { class: 'hint' }, 'No text on this page. このページには本文がありません。'));
      kids.push(el('nav', { 'aria-label': 'Pages' },
        data.prev ? el('a', { href: docHref(data.doc, data.prev), rel: 'prev' }, '← p. ' + data.prev) : null,
        el('a', { href: docHref(data.doc) }, 'All pages (' + data.pages + ')'),
        data.next ? el('a', { href: docHref(data.doc, data.next), rel: 'next' }, 'p. ' + data.next + ' →') : null));
    } else if (data.pages > 0) {
      const links = [];
      for (let p = 1; p <= data.pages; p++) links.push(el('a', { href: docHref(data.doc, p) }, 'p. ' + p));
      kids.push(el('nav', { 'aria-label': 'Pages', class: 'page-list' }, ...links));
    } else if (data.text) {
      kids.push(paragraphs(data.text));
    }
    docView.replaceChildren(...kids);
    docView.hidden = false;
    document.title = (data.title || data.doc) + ' — ghsearch';
    docView.focus();
  }

  function render() {
    if (location.pathname.startsWith('/doc/')) {
      showDocument(location.pathname + location.search);
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
    go(onDoc ? { q: input.value.trim(), lang: '', type: '', year: '', offset: 0 }
      : { ...st, q: input.value.trim(), offset: 0 });
  });

  for (const b of document.querySelectorAll('button[data-filter]')) {
    b.addEventListener('click', () => applyFilter(b.dataset.filter, b.dataset.value));
  }

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
