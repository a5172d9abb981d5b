/*
 * shisaku web UI (施策検索): one script, one small function per page, no
 * framework and no build step. The server sends the same HTML page for
 * /, /measure/{id}, /overlaps and /similar; route() picks the page by path.
 *
 * Safety rule: everything from the API is inserted as text (el() / append /
 * textContent). Only the fields the server has already HTML-escaped and
 * marked with <mark> (title_html, snippet, html) go in as HTML, through
 * serverHtml().
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- labels

  const FACETS = [
    ['plan', '計画'],
    ['plan_kind', '計画の種類'],
    ['municipality', '自治体'],
    ['pillar', '基本施策・方針'],
    ['department', '担当部署'],
    ['section', '担当課'],
    ['level', '階層'],
    ['year', '年度'],
    ['status', '評価・状況'],
  ];
  const FACET_KEYS = FACETS.map(([k]) => k);
  const PLAN_KINDS = {
    'suicide-prevention': '自殺対策',
    'gender-equality': '男女共同参画',
    'regional-welfare': '地域福祉',
  };
  const LEVELS = { measure: '施策', initiative: '取組', project: '事業', direction: '方向性' };
  const SORTS = [['relevance', '関連度'], ['document', '文書順'], ['department', '担当部署順']];
  const PER_PAGE = [10, 20, 50];
  const FLAGS = { new: '新規', 'columns-ambiguous': '列の対応が不確か' };
  const FIELDS = { title: '施策名', content: '内容', progress: '進捗' };
  /** Facet values shown before 「さらに表示」. */
  const FACET_SHOWN = 8;

  /** R2 → 令和2年度, R1 → 令和元年度; anything else as it is. */
  function yearLabel(v) {
    const m = /^R(\d+)$/.exec(v);
    if (!m) return v;
    return m[1] === '1' ? '令和元年度' : `令和${m[1]}年度`;
  }

  function facetValueLabel(key, value) {
    if (key === 'plan_kind') return PLAN_KINDS[value] || value;
    if (key === 'level') return LEVELS[value] || value;
    if (key === 'year') return yearLabel(value);
    return value;
  }

  function facetLabel(key) {
    const f = FACETS.find(([k]) => k === key);
    return f ? f[1] : key;
  }

  // --------------------------------------------------------------- helpers

  /** Creates an element; `props` become attributes (on* → listeners, text → textContent). */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    append(e, children);
    return e;
  }

  /** Appends nodes and strings (as text) to `parent`, skipping null/false. */
  function append(parent, ...children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      parent.append(c instanceof Node ? c : String(c));
    }
    return parent;
  }

  /** A `tag` holding HTML the server has already escaped and marked (title_html, snippet, html). */
  function serverHtml(tag, html, cls) {
    const e = el(tag, { class: cls });
    e.innerHTML = html;
    return e;
  }

  function clear(e) {
    e.replaceChildren();
    return e;
  }

  /** Replaces the children of `e` (nodes, strings as text, nested arrays). */
  function fill(e, ...children) {
    e.replaceChildren();
    return append(e, children);
  }

  /** Calls the API; throws an Error whose message is the API's `message` (or a Japanese one). */
  async function api(path, options) {
    let res;
    try {
      res = await fetch(path, options);
    } catch (_) {
      throw new Error('サーバーに接続できませんでした');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    if (!res.ok) {
      const msg = body && body.message ? body.message : `HTTP ${res.status}`;
      const err = new Error(msg);
      err.code = body && body.code;
      throw err;
    }
    if (body === null) throw new Error('応答を読み取れませんでした');
    return body;
  }

  function errorBox(prefix, err) {
    return el('p', { class: 'error', role: 'alert' }, `${prefix}: ${err.message}`);
  }

  function measureHref(id) {
    return `/measure/${encodeURIComponent(id)}`;
  }

  function planBadge(name, kind) {
    return el('span', { class: `badge kind-${kind || 'other'}`, title: PLAN_KINDS[kind] || '' }, name);
  }

  function levelBadge(level) {
    return el('span', { class: 'badge level' }, LEVELS[level] || level);
  }

  function chips(terms, label) {
    if (!terms || !terms.length) return null;
    return el('ul', { class: 'chips', 'aria-label': label }, terms.map((t) => el('li', { class: 'chip' }, t)));
  }

  function score(s) {
    return el('span', { class: 'score', title: '類似度（0〜1）' }, `類似度 ${Number(s).toFixed(2)}`);
  }

  function setTitle(t) {
    document.title = t ? `${t} — 施策検索 shisaku` : '施策検索 shisaku';
  }

  /** Debounces `fn` by `ms`. */
  function debounce(fn, ms) {
    let t = null;
    return (...args) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...args), ms);
    };
  }

  // ---------------------------------------------------------------- router

  function route() {
    const main = document.getElementById('main');
    window.onpopstate = null;
    const path = location.pathname.replace(/\/+$/, '') || '/';
    let page = 'search';
    let m;
    if (path === '/') searchPage(main);
    else if ((m = /^\/measure\/([^/]+)$/.exec(path))) {
      page = null;
      measurePage(main, decodeURIComponent(m[1]));
    } else if (path === '/overlaps') {
      page = 'overlaps';
      overlapsPage(main);
    } else if (path === '/similar') {
      page = 'similar';
      similarPage(main);
    } else {
      page = null;
      fill(main, el('h1', { text: 'ページが見つかりません' }), el('p', {}, el('a', { href: '/' }, '検索へ戻る')));
    }
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  // ----------------------------------------------------------- search page

  function readSearchState() {
    const p = new URLSearchParams(location.search);
    const int = (v, d) => {
      const n = parseInt(v, 10);
      return Number.isFinite(n) && n > 0 ? n : d;
    };
    const s = {
      q: p.get('q') || '',
      sort: p.get('sort') || 'relevance',
      synonyms: p.get('synonyms') !== 'off',
      strict: p.get('match') === 'all',
      page: int(p.get('page'), 1),
      per_page: int(p.get('per_page'), 10),
      filters: {},
    };
    for (const k of FACET_KEYS) {
      const vs = p.getAll(k).filter((v) => v !== '');
      if (vs.length) s.filters[k] = vs;
    }
    return s;
  }

  /** The query string of a search state: the same for the page URL and for /api/search. */
  function searchParams(s) {
    const p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    for (const k of FACET_KEYS) for (const v of s.filters[k] || []) p.append(k, v);
    if (s.sort !== 'relevance') p.set('sort', s.sort);
    if (!s.synonyms) p.set('synonyms', 'off');
    if (s.strict) p.set('match', 'all');
    if (s.page > 1) p.set('page', String(s.page));
    if (s.per_page !== 10) p.set('per_page', String(s.per_page));
    return p;
  }

  function searchPage(main) {
    setTitle('');
    const ui = buildSearchForm();
    // on a narrow screen (or at 200 % zoom) the facets start folded so the results stay in view
    const narrow = window.matchMedia('(max-width: 48rem)');
    fill(main, 
      el('h1', { class: 'visually-hidden' }, '施策の検索'),
      ui.form,
      el('div', { class: 'search-layout' },
        el('aside', { class: 'facets', 'aria-labelledby': 'facets-h' },
          el('details', { class: 'facet-panel', open: !narrow.matches },
            el('summary', {}, el('h2', { id: 'facets-h' }, '絞り込み', ui.facetCount)),
            ui.facets)),
        el('section', { class: 'results', 'aria-labelledby': 'results-h' },
          el('h2', { id: 'results-h', class: 'visually-hidden' }, '検索結果'),
          ui.status, ui.expansions, ui.selected, ui.error, ui.results, ui.pager)),
    );

    let state = readSearchState();
    let seq = 0;
    const expanded = new Set();

    /** Runs the search of `state`; `push` adds a history entry first. */
    async function run(push) {
      if (push) history.pushState(null, '', `/?${searchParams(state)}`.replace(/\?$/, ''));
      syncControls();
      const mine = ++seq;
      ui.status.textContent = '検索中…';
      ui.results.setAttribute('aria-busy', 'true');
      try {
        const res = await api(`/api/search?${searchParams(state)}`);
        if (mine !== seq) return;
        clear(ui.error);
        renderResults(res);
      } catch (err) {
        if (mine !== seq) return;
        ui.status.textContent = '';
        clear(ui.results);
        clear(ui.pager);
        clear(ui.expansions);
        fill(ui.error, errorBox('検索できませんでした', err));
      } finally {
        if (mine === seq) ui.results.removeAttribute('aria-busy');
      }
    }

    function syncControls() {
      ui.q.value = state.q;
      ui.sort.value = state.sort;
      if (![...ui.perPage.options].some((o) => o.value === String(state.per_page))) {
        ui.perPage.append(el('option', { value: String(state.per_page) }, `${state.per_page}件`));
      }
      ui.perPage.value = String(state.per_page);
      ui.synonyms.checked = state.synonyms;
      ui.strict.checked = state.strict;
      setTitle(state.q ? `「${state.q}」の検索結果` : '');
    }

    function renderResults(res) {
      const from = res.total ? res.offset + 1 : 0;
      const to = res.offset + res.hits.length;
      ui.status.textContent = res.total
        ? `${res.total.toLocaleString('ja-JP')}件中 ${from}〜${to}件目`
        : '該当する施策はありません。';
      if (res.relaxed) {
        ui.status.textContent += ` すべての語を含む施策は ${res.strict_total.toLocaleString('ja-JP')} 件です。一部の語を含む施策を表示しています（${res.strict_total + 1}件目から）。`;
      }
      clear(ui.expansions);
      if (res.expansions && res.expansions.length) {
        append(ui.expansions, 
          el('span', { class: 'label' }, '同義語展開: '),
          res.expansions.map((x, i) => [
            i ? '、' : '',
            el('span', { class: 'expansion' }, `${x.word} → ${x.synonyms.join('・')}`),
          ]),
        );
      }
      renderSelected();
      fill(ui.results, res.hits.map(hitItem));
      renderFacets(res.facets || {});
      renderPager(res.total);
    }

    function hitItem(h) {
      return el('li', { class: 'hit' },
        el('h3', { class: 'hit-title' }, linkWithHtml(measureHref(h.id), h.title_html)),
        el('p', { class: 'hit-meta' },
          planBadge(h.plan.name, h.plan.kind), ' ', levelBadge(h.level),
          h.departments.length ? el('span', { class: 'depts' }, `担当: ${h.departments.join('・')}`) : null),
        h.path.length ? el('p', { class: 'hit-path' }, h.path.join(' ＞ ')) : null,
        h.snippet ? serverHtml('p', h.snippet, 'snippet') : null,
        el('p', { class: 'source' },
          `出典: ${h.source.file}:${h.source.line}`, h.page ? `（掲載ページ ${h.page}）` : ''));
    }

    function renderSelected() {
      clear(ui.selected);
      const chosen = [];
      for (const k of FACET_KEYS) for (const v of state.filters[k] || []) chosen.push([k, v]);
      ui.facetCount.textContent = chosen.length ? `（${chosen.length}件選択中）` : '';
      if (!chosen.length) return;
      append(ui.selected, 
        el('span', { class: 'label' }, '絞り込み中: '),
        chosen.map(([k, v]) => el('button', {
          type: 'button',
          class: 'chip removable',
          'aria-label': `${facetLabel(k)}「${facetValueLabel(k, v)}」の絞り込みを解除`,
          onclick: () => toggleFilter(k, v, false),
        }, `${facetLabel(k)}: ${facetValueLabel(k, v)} ×`)),
        el('button', {
          type: 'button',
          class: 'link-button',
          onclick: () => {
            state.filters = {};
            state.page = 1;
            run(true);
          },
        }, 'すべて解除'),
      );
    }

    function toggleFilter(key, value, on) {
      const vs = (state.filters[key] || []).filter((v) => v !== value);
      if (on) vs.push(value);
      if (vs.length) state.filters[key] = vs;
      else delete state.filters[key];
      state.page = 1;
      run(true);
    }

    function renderFacets(facets) {
      const active = document.activeElement;
      const focusKey = active && active.dataset ? [active.dataset.facet, active.dataset.value, active.dataset.more] : null;
      clear(ui.facets);
      for (const [key, label] of FACETS) {
        const counts = facets[key] || [];
        if (!counts.length) continue;
        const open = expanded.has(key);
        const shown = counts.filter((c, i) => open || c.selected || i < FACET_SHOWN);
        const gid = `facet-${key}`;
        const group = el('fieldset', { class: 'facet', id: gid },
          el('legend', {}, label),
          el('ul', {}, shown.map((c) => {
            const id = `${gid}-${counts.indexOf(c)}`;
            return el('li', {},
              el('input', {
                type: 'checkbox',
                id,
                name: key,
                value: c.value,
                checked: c.selected,
                'data-facet': key,
                'data-value': c.value,
                onchange: (ev) => toggleFilter(key, c.value, ev.target.checked),
              }),
              el('label', { for: id },
                el('span', { class: 'facet-value' }, facetValueLabel(key, c.value)),
                el('span', { class: 'count' }, `${c.count.toLocaleString('ja-JP')}件`)));
          })));
        if (counts.length > shown.length || open) {
          append(group, el('button', {
            type: 'button',
            class: 'link-button more',
            'aria-expanded': open ? 'true' : 'false',
            'aria-controls': gid,
            'data-more': key,
            onclick: () => {
              if (open) expanded.delete(key);
              else expanded.add(key);
              renderFacets(facets);
            },
          }, open ? '少なく表示' : `さらに表示（全${counts.length}件）`));
        }
        append(ui.facets, group);
      }
      if (!ui.facets.childNodes.length) append(ui.facets, el('p', { class: 'muted' }, '絞り込みの項目はありません。'));
      // keep keyboard focus on the same checkbox or button after re-rendering
      if (focusKey && (focusKey[0] || focusKey[2])) {
        const again = [...ui.facets.querySelectorAll('input, button')].find((x) =>
          (focusKey[2] && x.dataset.more === focusKey[2]) ||
          (x.dataset.facet === focusKey[0] && x.dataset.value === focusKey[1]));
        if (again) again.focus();
      }
    }

    function renderPager(total) {
      clear(ui.pager);
      const pages = Math.ceil(total / state.per_page);
      if (pages <= 1) return;
      const link = (n, text, label) => {
        const s = { ...state, page: n };
        return el('a', {
          href: `/?${searchParams(s)}`,
          'aria-label': label,
          'aria-current': n === state.page ? 'page' : null,
          onclick: (ev) => {
            ev.preventDefault();
            state.page = n;
            run(true);
            ui.status.focus();
          },
        }, text);
      };
      const items = [];
      if (state.page > 1) items.push(link(state.page - 1, '← 前へ', '前のページ'));
      const lo = Math.max(1, state.page - 3);
      const hi = Math.min(pages, state.page + 3);
      if (lo > 1) items.push(link(1, '1', '1ページ目'), lo > 2 ? el('span', { class: 'gap' }, '…') : null);
      for (let n = lo; n <= hi; n++) items.push(link(n, String(n), `${n}ページ目`));
      if (hi < pages) items.push(hi < pages - 1 ? el('span', { class: 'gap' }, '…') : null, link(pages, String(pages), `${pages}ページ目`));
      if (state.page < pages) items.push(link(state.page + 1, '次へ →', '次のページ'));
      append(ui.pager, el('ul', {}, items.filter(Boolean).map((i) => el('li', {}, i))));
    }

    ui.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      ui.suggest.close();
      state.q = ui.q.value.trim();
      state.page = 1;
      run(true);
    });
    ui.suggest.onChoose = (text) => {
      ui.q.value = text;
      ui.form.requestSubmit();
    };
    ui.sort.addEventListener('change', () => {
      state.sort = ui.sort.value;
      state.page = 1;
      run(true);
    });
    ui.perPage.addEventListener('change', () => {
      state.per_page = parseInt(ui.perPage.value, 10) || 10;
      state.page = 1;
      run(true);
    });
    ui.synonyms.addEventListener('change', () => {
      state.synonyms = ui.synonyms.checked;
      state.page = 1;
      run(true);
    });
    ui.strict.addEventListener('change', () => {
      state.strict = ui.strict.checked;
      state.page = 1;
      run(true);
    });
    window.onpopstate = () => {
      if (location.pathname !== '/') return route();
      state = readSearchState();
      run(false);
    };
    run(false);
  }

  /** An <a> whose content is server-escaped HTML (title_html). */
  function linkWithHtml(href, html) {
    const a = serverHtml('a', html);
    a.setAttribute('href', href);
    return a;
  }

  function buildSearchForm() {
    const q = el('input', {
      id: 'q',
      type: 'search',
      name: 'q',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'suggestions',
      'aria-describedby': 'q-hint',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: '例: 相談窓口 ゲートキーパー',
    });
    const list = el('ul', { id: 'suggestions', role: 'listbox', 'aria-label': '入力候補', class: 'suggestions', hidden: true });
    const sort = el('select', { id: 'sort', name: 'sort' }, SORTS.map(([v, t]) => el('option', { value: v }, t)));
    const perPage = el('select', { id: 'per-page', name: 'per_page' }, PER_PAGE.map((n) => el('option', { value: String(n) }, `${n}件`)));
    const synonyms = el('input', { id: 'synonyms', type: 'checkbox', name: 'synonyms', checked: true });
    const strict = el('input', { id: 'match-all', type: 'checkbox', name: 'match' });
    const form = el('form', { id: 'search-form', role: 'search', class: 'search-form' },
      el('label', { for: 'q', class: 'q-label' }, '検索語'),
      el('div', { class: 'q-row' },
        el('div', { class: 'combo' }, q, list),
        el('button', { type: 'submit', class: 'primary' }, '検索')),
      el('p', { id: 'q-hint', class: 'hint' },
        '空白で区切ると「すべてを含む」。OR、-除外、"語句"、title:／content:／department:／section: も使えます。'),
      el('div', { class: 'options' },
        el('span', { class: 'option' }, el('label', { for: 'sort' }, '並び順'), sort),
        el('span', { class: 'option' }, el('label', { for: 'per-page' }, '表示件数'), perPage),
        el('span', { class: 'option' }, synonyms, el('label', { for: 'synonyms' }, '同義語展開')),
        el('span', { class: 'option' }, strict, el('label', { for: 'match-all' }, 'すべての語を含む施策のみ'))));
    const suggest = suggestBox(q, list);
    return {
      form,
      q,
      sort,
      perPage,
      synonyms,
      strict,
      suggest,
      status: el('p', { id: 'result-status', class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' }),
      expansions: el('p', { id: 'expansions', class: 'expansions' }),
      selected: el('div', { id: 'selected-filters', class: 'selected-filters' }),
      error: el('div', { id: 'search-error' }),
      results: el('ol', { id: 'results', class: 'hits' }),
      pager: el('nav', { id: 'pager', class: 'pager', 'aria-label': 'ページ送り' }),
      facets: el('div', { id: 'facet-groups' }),
      facetCount: el('span', { class: 'facet-count' }),
    };
  }

  /**
   * Autocomplete for `input` (ARIA combobox) into `list` (listbox):
   * ↑↓ move, Enter picks, Esc closes. Calls `box.onChoose(text)`.
   */
  function suggestBox(input, list) {
    const box = { items: [], active: -1, onChoose: null, close };
    let seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      box.active = -1;
    }

    function open() {
      if (!box.items.length) return close();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function highlight(i) {
      box.active = i;
      list.querySelectorAll('[role=option]').forEach((o, j) => o.setAttribute('aria-selected', j === i ? 'true' : 'false'));
      if (i >= 0) {
        const opt = list.children[i];
        input.setAttribute('aria-activedescendant', opt.id);
        opt.scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function choose(i) {
      const s = box.items[i];
      close();
      if (s && box.onChoose) box.onChoose(s.text);
    }

    function render() {
      fill(list, box.items.map((s, i) => el('li', {
        id: `suggestion-${i}`,
        role: 'option',
        'aria-selected': 'false',
        class: 'suggestion',
        onmousedown: (ev) => ev.preventDefault(),
        onclick: () => choose(i),
      },
      el('span', { class: 'suggestion-text' }, s.text),
      el('span', { class: 'suggestion-kind' }, s.kind === 'title' ? '施策名' : s.count ? `語・${s.count}件` : '語'))));
      box.active = -1;
      open();
    }

    const fetchSuggestions = debounce(async () => {
      const typed = input.value.trim();
      const mine = ++seq;
      if (!typed) {
        box.items = [];
        return close();
      }
      try {
        const res = await api(`/api/suggest?${new URLSearchParams({ q: typed, limit: '8' })}`);
        if (mine !== seq || document.activeElement !== input) return;
        box.items = res.suggestions || [];
        render();
      } catch (_) {
        box.items = [];
        close();
      }
    }, 150);

    input.addEventListener('input', fetchSuggestions);
    input.addEventListener('blur', () => setTimeout(close, 100));
    input.addEventListener('keydown', (ev) => {
      const n = box.items.length;
      if (ev.key === 'ArrowDown' && n) {
        ev.preventDefault();
        if (list.hidden) open();
        highlight((box.active + 1) % n);
      } else if (ev.key === 'ArrowUp' && n) {
        ev.preventDefault();
        if (list.hidden) open();
        highlight(box.active <= 0 ? n - 1 : box.active - 1);
      } else if (ev.key === 'Enter' && !list.hidden && box.active >= 0) {
        ev.preventDefault();
        choose(box.active);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault();
        close();
      }
    });
    return box;
  }

  // ---------------------------------------------------------- measure page

  async function measurePage(main, id) {
    setTitle('施策');
    fill(main, el('p', { class: 'loading', role: 'status' }, '読み込み中…'));
    let m;
    try {
      m = await api(`/api/measures/${encodeURIComponent(id)}`);
    } catch (err) {
      fill(main, 
        el('h1', {}, '施策'),
        errorBox('施策を表示できませんでした', err),
        el('p', {}, el('a', { href: '/' }, '検索へ戻る')));
      return;
    }
    setTitle(m.title);
    const back = document.referrer && new URL(document.referrer).origin === location.origin &&
      new URL(document.referrer).pathname === '/' ? document.referrer : '/';
    const relatedList = el('div', { id: 'related-list' });
    const allPlans = el('input', {
      id: 'all-plans',
      type: 'checkbox',
      checked: new URLSearchParams(location.search).get('all_plans') === 'on',
    });
    const relatedHeading = el('h2', { id: 'related-h' });
    const relatedTitle = () => {
      relatedHeading.textContent = allPlans.checked ? '関連施策（同じ計画を含む）' : '他の計画の関連施策';
    };
    relatedTitle();
    allPlans.addEventListener('change', () => {
      const url = allPlans.checked ? `${location.pathname}?all_plans=on` : location.pathname;
      history.replaceState(null, '', url);
      relatedTitle();
      loadRelated(m.id, allPlans.checked, relatedList);
    });

    fill(main, 
      el('p', { class: 'breadcrumb' }, el('a', { href: back }, '← 検索結果へ')),
      el('article', { class: 'measure' },
        el('p', { class: 'badges' },
          planBadge(m.plan.name, m.plan.kind), ' ', levelBadge(m.level),
          (m.flags || []).map((f) => [' ', el('span', { class: 'badge flag' }, FLAGS[f] || f)])),
        el('h1', { id: 'measure-title' }, m.title),
        measureFields(m),
        el('section', { 'aria-labelledby': 'content-h' },
          el('h2', { id: 'content-h' }, '内容'),
          m.content.trim() ? el('p', { class: 'content' }, m.content) : el('p', { class: 'muted' }, '（内容の記載はありません）')),
        progressTable(m.progress || []),
        indicatorTable(m.indicators || []),
        el('p', { class: 'provenance', id: 'provenance' },
          el('span', { class: 'label' }, '出典: '),
          `${m.source.file}、行 ${m.source.line}`,
          m.source.line_start !== m.source.line_end ? `（${m.source.line_start}–${m.source.line_end}行）` : '')),
      el('section', { class: 'related', 'aria-labelledby': 'related-h' },
        relatedHeading,
        el('p', { class: 'option' }, allPlans, el('label', { for: 'all-plans' }, '同じ計画の施策も含める')),
        relatedList));
    loadRelated(m.id, allPlans.checked, relatedList);
  }

  function measureFields(m) {
    const rows = [];
    const add = (label, value) => {
      if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return;
      rows.push(el('dt', {}, label), el('dd', {}, value));
    };
    add('計画', [m.plan.name, `（${m.plan.municipality}${m.plan.period ? '、' + m.plan.period : ''}）`]);
    add('計画の種類', PLAN_KINDS[m.plan.kind] || m.plan.kind);
    add('階層', LEVELS[m.level] || m.level);
    add('体系', m.path.length ? el('ol', { class: 'path' }, m.path.map((p) => el('li', {}, p))) : null);
    add('番号', m.number);
    add('担当部署', m.departments.join('・'));
    add('担当課', m.sections.join('・'));
    add('掲載ページ', m.page);
    add('主な活動の単位', m.activity_unit);
    add('実施主体', (m.bodies || []).length
      ? el('ul', { class: 'bodies' }, m.bodies.map((b) => el('li', {},
        el('span', { class: 'role', title: b.role === 'lead' ? '主体' : '連携' }, b.role === 'lead' ? '◎' : '○'), ' ', b.name)))
      : null);
    if ((m.bodies || []).length) rows.push(el('dd', { class: 'note' }, '◎ 主体　○ 連携'));
    add('注記', (m.flags || []).map((f) => FLAGS[f] || f).join('、'));
    add('施策ID', el('code', {}, m.id));
    return el('dl', { class: 'fields' }, rows);
  }

  function progressTable(progress) {
    if (!progress.length) return null;
    const cols = [
      ['status', '実施状況'],
      ['evaluation', '評価'],
      ['achievement', '達成度'],
      ['next_plan', '今後の計画'],
      ['issues', '課題'],
    ];
    return el('section', { 'aria-labelledby': 'progress-h' },
      el('h2', { id: 'progress-h' }, '年度ごとの進捗'),
      el('div', { class: 'table-wrap' },
        el('table', { class: 'progress' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '年度'), cols.map(([, t]) => el('th', { scope: 'col' }, t)))),
          el('tbody', {}, progress.map((p) => el('tr', {},
            el('th', { scope: 'row' }, yearLabel(p.fiscal_year)),
            cols.map(([k]) => el('td', {}, p[k] || '—'))))))));
  }

  function indicatorTable(indicators) {
    if (!indicators.length) return null;
    const years = [...new Set(indicators.flatMap((i) => (i.values || []).map((v) => v.fiscal_year)))]
      .sort((a, b) => (parseInt(a.slice(1), 10) || 0) - (parseInt(b.slice(1), 10) || 0) || a.localeCompare(b));
    return el('section', { 'aria-labelledby': 'indicators-h' },
      el('h2', { id: 'indicators-h' }, '成果指標'),
      el('div', { class: 'table-wrap' },
        el('table', { class: 'indicators' },
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col' }, '指標'),
            el('th', { scope: 'col' }, '単位'),
            years.map((y) => el('th', { scope: 'col' }, yearLabel(y))),
            el('th', { scope: 'col' }, '目標値'))),
          el('tbody', {}, indicators.map((i) => el('tr', {},
            el('th', { scope: 'row' }, i.name),
            el('td', {}, i.unit || '—'),
            years.map((y) => {
              const v = (i.values || []).find((x) => x.fiscal_year === y);
              return el('td', { class: 'num' }, v ? v.raw : '—');
            }),
            el('td', { class: 'num' }, i.target || '—')))))));
  }

  async function loadRelated(id, allPlans, box) {
    fill(box, el('p', { class: 'loading', role: 'status' }, '関連施策を探しています…'));
    try {
      const q = allPlans ? '?all_plans=on' : '';
      const res = await api(`/api/measures/${encodeURIComponent(id)}/related${q}`);
      clear(box);
      if (!res.related.length) {
        append(box, el('p', { class: 'muted' }, allPlans
          ? '関連する施策は見つかりませんでした。'
          : '他の計画に関連する施策は見つかりませんでした。「同じ計画の施策も含める」で広げられます。'));
        return;
      }
      append(box, el('ol', { class: 'related-items' }, res.related.map((r) => el('li', { class: 'related-item' },
        el('p', { class: 'related-title' }, el('a', { href: measureHref(r.id) }, r.title)),
        el('p', { class: 'hit-meta' },
          planBadge(r.plan, r.plan_kind), ' ', levelBadge(r.level), ' ', score(r.score),
          r.departments.length ? el('span', { class: 'depts' }, `担当: ${r.departments.join('・')}`) : null),
        r.shared_terms.length ? el('div', { class: 'shared' }, el('span', { class: 'label' }, '共通語: '), chips(r.shared_terms, '共通語')) : null,
        el('p', { class: 'source' }, `出典: ${r.source.file}:${r.source.line}`)))));
    } catch (err) {
      fill(box, errorBox('関連施策を取得できませんでした', err));
    }
  }

  // ---------------------------------------------------------- overlap page

  function overlapsPage(main) {
    setTitle('重複一覧');
    const threshold = el('input', { id: 'threshold', type: 'number', min: '0', max: '1', step: 'any', inputmode: 'decimal' });
    const csv = el('a', { id: 'csv-link', class: 'button', href: '/api/overlaps?format=csv', download: 'shisaku-overlaps.csv' }, 'CSV をダウンロード');
    const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const out = el('div', { id: 'overlap-report' });
    const form = el('form', { id: 'threshold-form', class: 'inline-form' },
      el('label', { for: 'threshold' }, 'しきい値（類似度の下限 0〜1）'),
      threshold,
      el('button', { type: 'submit', class: 'primary' }, '更新'),
      csv);
    fill(main, 
      el('h1', {}, '計画間の重複一覧'),
      el('p', { class: 'lead' }, '異なる計画の施策のうち、内容が似ている組み合わせ（重複・連携の候補）を一覧にします。'),
      form, status, out);

    async function load(push) {
      const t = threshold.value.trim();
      const p = new URLSearchParams();
      if (t) p.set('threshold', t);
      if (push) history.pushState(null, '', p.toString() ? `/overlaps?${p}` : '/overlaps');
      const csvParams = new URLSearchParams(p);
      csvParams.set('format', 'csv');
      csv.setAttribute('href', `/api/overlaps?${csvParams}`);
      status.textContent = '集計中…';
      try {
        const r = await api(`/api/overlaps${p.toString() ? '?' + p : ''}`);
        if (!t) threshold.value = String(r.threshold);
        status.textContent = `しきい値 ${Number(r.threshold).toFixed(2)} 以上: 重複ペア ${r.total_pairs}件、クラスタ ${r.total_clusters}件`;
        fill(out, renderOverlaps(r));
      } catch (err) {
        status.textContent = '';
        fill(out, errorBox('重複一覧を取得できませんでした', err));
      }
    }

    function fromUrl() {
      threshold.value = new URLSearchParams(location.search).get('threshold') || '';
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      load(true);
    });
    window.onpopstate = () => {
      if (location.pathname !== '/overlaps') return route();
      fromUrl();
      load(false);
    };
    fromUrl();
    load(false);
  }

  function renderOverlaps(r) {
    const planOf = new Map();
    for (const p of r.pairs) {
      planOf.set(p.a.id, p.a.plan);
      planOf.set(p.b.id, p.b.plan);
    }
    const side = (s) => el('div', { class: 'side' },
      el('a', { href: measureHref(s.id) }, s.title),
      el('span', { class: 'muted small' }, ` ${s.plan}`),
      el('span', { class: 'source small' }, ` 出典: ${s.file}:${s.line}`));
    return [
      el('section', { 'aria-labelledby': 'matrix-h' },
        el('h2', { id: 'matrix-h' }, '計画 × 計画の重複件数'),
        r.matrix.plans.length < 2
          ? el('p', { class: 'muted' }, '計画が1つしかないため、計画間の重複はありません。')
          : null,
        el('figure', { class: 'matrix' },
          heatMap(r.matrix),
          el('figcaption', {}, '色が濃いほど、その2つの計画の間で似た施策の組み合わせが多いことを示します（同じ計画どうしは対象外）。'))),
      el('section', { 'aria-labelledby': 'clusters-h' },
        el('h2', { id: 'clusters-h' }, `クラスタ（${r.total_clusters}件）`),
        el('p', { class: 'muted' }, '互いに似た施策のまとまりです。計画をまたいで同じ取組が書かれている可能性があります。'),
        r.total_clusters > r.clusters.length
          ? el('p', { class: 'muted' }, `文書順に最初の${r.clusters.length}件を表示しています。`)
          : null,
        r.clusters.length
          ? el('ol', { class: 'clusters', id: 'clusters' }, r.clusters.map((c) => el('li', { class: 'cluster', value: String(c.number + 1) },
            el('h3', {}, `クラスタ ${c.number + 1}`, el('span', { class: 'muted small' }, `（${c.size}施策・${c.plans.join('、')}）`)),
            chips(c.terms, '共通語'),
            el('ul', {}, c.measures.map((id, j) => el('li', {},
              el('a', { href: measureHref(id) }, c.titles[j] || id),
              planOf.has(id) ? el('span', { class: 'muted small' }, ` ${planOf.get(id)}`) : null))),
            c.size > c.measures.length
              ? el('p', { class: 'muted small' }, `ほか${c.size - c.measures.length}施策（CSV に全件があります）`)
              : null)))
          : el('p', { class: 'muted' }, 'このしきい値ではクラスタはありません。')),
      el('section', { 'aria-labelledby': 'pairs-h' },
        el('h2', { id: 'pairs-h' }, `重複ペア（${r.total_pairs}件）`),
        r.total_pairs > r.pairs.length ? el('p', { class: 'muted' }, `類似度の高い${r.pairs.length}件を表示しています。すべては CSV で確認できます。`) : null,
        r.pairs.length
          ? el('div', { class: 'table-wrap' }, el('table', { class: 'pairs', id: 'pairs' },
            el('thead', {}, el('tr', {},
              ['類似度', '施策 A', '施策 B', '共通語', 'クラスタ'].map((t) => el('th', { scope: 'col' }, t)))),
            el('tbody', {}, r.pairs.map((p) => el('tr', {},
              el('td', { class: 'num' }, Number(p.score).toFixed(2)),
              el('td', {}, side(p.a)),
              el('td', {}, side(p.b)),
              el('td', {}, chips(p.shared_terms, '共通語')),
              el('td', { class: 'num' }, String(p.cluster + 1)))))))
          : el('p', { class: 'muted' }, 'このしきい値では重複ペアはありません。しきい値を下げると候補が増えます。')),
    ];
  }

  /** The plan × plan matrix as an SVG heat map (cells labelled with counts). */
  function heatMap(matrix) {
    const NS = 'http://www.w3.org/2000/svg';
    const svgEl = (tag, attrs, text) => {
      const e = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const n = matrix.plans.length;
    const cell = 72;
    const font = 14;
    // column labels are rotated and cut at COL_CHARS (the row labels and tooltips carry the full name)
    const COL_CHARS = 14;
    const short = (p) => ([...p].length > COL_CHARS ? `${[...p].slice(0, COL_CHARS - 1).join('')}…` : p);
    const longest = Math.max(4, ...matrix.plans.map((p) => [...p].length));
    const longestCol = Math.min(longest, COL_CHARS);
    const rowLabelW = longest * font + 16;
    const colLabelH = Math.ceil(longestCol * font * 0.72) + 20;
    // rotated column labels reach right of their column by about 0.72 × their length
    const width = rowLabelW + n * cell + Math.ceil(longestCol * font * 0.72) + 10;
    const height = colLabelH + n * cell + 10;
    const max = Math.max(1, ...matrix.counts.flat());
    const svg = svgEl('svg', {
      id: 'overlap-matrix',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-labelledby': 'matrix-title',
      'font-size': font,
    });
    svg.append(svgEl('title', { id: 'matrix-title' }, `計画 × 計画の重複件数（${n}計画）`));
    matrix.plans.forEach((name, j) => {
      const x = rowLabelW + j * cell + cell / 2;
      const y = colLabelH - 8;
      const label = svgEl('text', { x, y, transform: `rotate(-45 ${x} ${y})`, class: 'col-label', fill: '#1f2937' }, short(name));
      label.append(svgEl('title', {}, name));
      svg.append(label);
    });
    matrix.plans.forEach((name, i) => {
      const y = colLabelH + i * cell + cell / 2;
      svg.append(svgEl('text', { x: rowLabelW - 8, y, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'row-label', fill: '#1f2937' }, name));
      matrix.plans.forEach((other, j) => {
        const x = rowLabelW + j * cell;
        const count = (matrix.counts[i] || [])[j] || 0;
        const g = svgEl('g', { class: 'cell' });
        const diag = i === j;
        const t = diag ? 0 : count / max;
        g.append(svgEl('rect', {
          x: x + 1,
          y: y - cell / 2 + 1,
          width: cell - 2,
          height: cell - 2,
          rx: 3,
          fill: diag ? '#e5e7eb' : heatColor(t),
        }));
        g.append(svgEl('text', {
          x: x + cell / 2,
          y,
          'text-anchor': 'middle',
          'dominant-baseline': 'middle',
          fill: t > 0.5 ? '#ffffff' : '#1f2937',
          'font-weight': count ? 'bold' : 'normal',
        }, diag ? '—' : String(count)));
        g.append(svgEl('title', {}, diag ? `${name}（同じ計画）` : `${name} × ${other}: ${count}件`));
        svg.append(g);
      });
    });
    return svg;
  }

  /** White → blue for t in 0..1. */
  function heatColor(t) {
    const from = [241, 245, 249];
    const to = [29, 78, 216];
    const c = from.map((f, i) => Math.round(f + (to[i] - f) * Math.min(1, Math.max(0, t))));
    return `rgb(${c.join(',')})`;
  }

  // ---------------------------------------------------------- similar page

  function similarPage(main) {
    setTitle('文言検索');
    const KEY = 'shisaku.similar.draft';
    const draft = el('textarea', { id: 'draft', name: 'text', rows: '8', 'aria-describedby': 'draft-hint' });
    draft.value = sessionStorage.getItem(KEY) || '';
    const limit = el('select', { id: 'similar-limit' }, [3, 5, 10].map((n) => el('option', { value: String(n), selected: n === 5 }, `${n}件`)));
    const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const out = el('div', { id: 'similar-results' });
    const form = el('form', { id: 'similar-form', class: 'similar-form' },
      el('label', { for: 'draft' }, '下書きの文章'),
      draft,
      el('p', { id: 'draft-hint', class: 'hint' }, '「。」や改行で文に分け、文ごとに各計画の似た既存の文を探します（最大2万字）。'),
      el('div', { class: 'options' },
        el('span', { class: 'option' }, el('label', { for: 'similar-limit' }, '1文あたりの候補数'), limit),
        el('button', { type: 'submit', class: 'primary' }, '似た文を探す')));
    fill(main, 
      el('h1', {}, '文言検索'),
      el('p', { class: 'lead' }, '計画の下書きに、既存の計画で使われている文言と似た文がないかを調べます。'),
      form, status, out);

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, draft.value);
      if (!draft.value.trim()) {
        status.textContent = '';
        fill(out, el('p', { class: 'error', role: 'alert' }, '文章を入力してください。'));
        return;
      }
      status.textContent = '検索中…';
      try {
        const res = await api('/api/similar', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: draft.value, limit: parseInt(limit.value, 10) }),
        });
        const found = res.sentences.filter((s) => s.matches.length).length;
        status.textContent = `${res.sentences.length}文のうち ${found}文に似た文が見つかりました。`;
        fill(out, res.sentences.map(sentenceResult));
      } catch (err) {
        status.textContent = '';
        fill(out, errorBox('文言検索ができませんでした', err));
      }
    });
  }

  function sentenceResult(s, i) {
    const hid = `sentence-${i + 1}`;
    return el('section', { class: 'sentence', 'aria-labelledby': hid },
      el('h2', { id: hid }, `文 ${i + 1}`),
      el('blockquote', { class: 'draft-sentence' }, s.sentence),
      s.matches.length
        ? el('ol', { class: 'matches' }, s.matches.map((m) => el('li', { class: 'match' },
          serverHtml('p', m.html, 'match-text'),
          el('p', { class: 'hit-meta' },
            score(m.score), ' ',
            el('span', { class: 'badge plain' }, m.plan), ' ',
            el('a', { href: measureHref(m.id) }, m.title),
            el('span', { class: 'muted small' }, `（${FIELDS[m.field] || m.field}）`)),
          el('p', { class: 'source' }, `出典: ${m.file}:${m.line}`))))
        : el('p', { class: 'muted' }, '似た文は見つかりませんでした。'));
  }

  route();
})();
