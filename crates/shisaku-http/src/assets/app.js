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
    ['body', '実施主体'],
  ];
  const FACET_KEYS = FACETS.map(([k]) => k);
  /** Plan kind → Japanese label: the built-in kinds; labels the API sends (kinds a manifest names) are added by kindLabel(). */
  const PLAN_KINDS = {
    'suicide-prevention': '自殺対策',
    'gender-equality': '男女共同参画',
    'regional-welfare': '地域福祉',
  };
  const LEVELS = { measure: '施策', initiative: '取組', project: '事業', direction: '方向性' };
  const SORTS = [
    ['relevance', '関連度'],
    ['document', '文書順'],
    ['department', '担当部署順'],
    ['plan', '計画順'],
    ['year', '年度の新しい順'],
  ];
  /** Shown where a record names no department (the welfare plan names implementing bodies instead). */
  const NOT_STATED = '記載なし';
  const PER_PAGE = [10, 20, 50];
  const FLAGS = { new: '新規', 'columns-ambiguous': '列の対応が不確か' };
  const FIELDS = { title: '施策名', content: '内容', progress: '進捗' };
  /**
   * What each error code of the API (crates/shisaku-http/src/error.rs, `Code::message_ja`) means, in
   * Japanese; the API's own message is English and stays in the tooltip.
   */
  const ERROR_MESSAGES = {
    bad_parameter: '指定の値が正しくありません。',
    bad_query: '検索語の書き方に誤りがあります。引用符（"）の対応や、title: などの後に語があるかを確かめてください。',
    bad_filter: '絞り込みの指定が正しくありません。',
    bad_json: '送信した内容を読み取れませんでした。',
    body_too_large: '文章が長すぎます。短くして再度お試しください。',
    busy: 'ただいま処理が混み合っています。しばらくしてから再度お試しください。',
    import_failed: '取り込めなかった文書があるため、索引は更新していません（元の索引のままです）。',
    index_corrupt: '索引のファイルが壊れています。管理者に索引の作り直しを依頼してください。',
    internal: 'サーバーで問題が発生しました。時間をおいて再度お試しください。',
    method_not_allowed: 'この操作はできません。',
    not_found: '指定の施策またはページが見つかりません。',
    not_ready: '索引の準備中です。しばらくしてから再度お試しください。',
    payload_too_large: '送信する内容が大きすぎます。',
    query_too_long: '検索語が長すぎます。',
    timeout: '処理に時間がかかりすぎたため中断しました。条件を絞って再度お試しください。',
    unauthorized: '権限がありません。',
    unsupported_media_type: '送信形式が正しくありません。',
  };
  /** Request parameters named in bad_parameter errors, in Japanese. */
  const PARAMETERS = {
    q: '検索語',
    page: 'ページ',
    per_page: '表示件数',
    sort: '並び順',
    synonyms: '同義語展開',
    threshold: 'しきい値',
    limit: '件数',
    offset: '開始位置',
    format: '形式',
    id: '施策ID',
    all_plans: '同じ計画を含める',
    text: '文章',
  };
  /** Facet values shown before 「さらに表示」. */
  const FACET_SHOWN = 8;

  /** R2 → 令和2年度, R1 → 令和元年度, H30 → 平成30年度; anything else as it is. */
  function yearLabel(v) {
    const m = /^([RH])(\d+)$/.exec(v);
    if (!m) return v;
    const era = m[1] === 'R' ? '令和' : '平成';
    return m[2] === '1' ? `${era}元年度` : `${era}${m[2]}年度`;
  }

  /** The Japanese label of a plan kind: `label` when the API sent one (remembered), else the known one. */
  function kindLabel(kind, label) {
    if (kind && label) PLAN_KINDS[kind] = label;
    return PLAN_KINDS[kind] || kind;
  }

  function facetValueLabel(key, value, label) {
    if (key === 'plan_kind') return kindLabel(value, label);
    if (key === 'level') return LEVELS[value] || value;
    if (key === 'year') return label || yearLabel(value);
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
      const code = body && body.code;
      const err = new Error(errorText(code, body && body.parameter, res.status));
      err.code = code;
      err.detail = body && body.message ? body.message : `HTTP ${res.status}`;
      throw err;
    }
    if (body === null) throw new Error('応答を読み取れませんでした');
    return body;
  }

  /** The Japanese text of an API error code (and the parameter at fault). */
  function errorText(code, parameter, status) {
    const text = ERROR_MESSAGES[code] || `サーバーがエラーを返しました（${status}）。`;
    if (code === 'bad_parameter' && parameter) {
      return `「${PARAMETERS[parameter] || parameter}」の${text.replace(/^指定の/, '')}`;
    }
    return text;
  }

  function errorBox(prefix, err) {
    return el('p', { class: 'error', role: 'alert', title: err.detail || null }, `${prefix}: ${err.message}`);
  }

  /** A hit's snippet, led by the field it is from when that is not the content. */
  function snippetLine(h) {
    const p = serverHtml('p', h.snippet, 'snippet');
    if (h.snippet_field) p.prepend(el('span', { class: 'snippet-field' }, `${h.snippet_field}: `));
    return p;
  }

  /** A plan page as printed (P.45, 45, ｐ４５) → 「p. 45」; anything else as it is. */
  function pageLabel(page) {
    if (page === null || page === undefined || page === '') return '';
    const s = String(page).normalize('NFKC').trim();
    const m = /^(?:p\.?\s*|P\.?\s*)?(\d+(?:\s*[-〜～~]\s*\d+)?)(?:\s*(?:ページ|頁))?$/.exec(s);
    return m ? `p. ${m[1].replace(/\s+/g, '')}` : s;
  }

  /** 「出典: document、678行目（p. 45）」: the document by its name, the file in the tooltip. */
  function sourceLine(src, page) {
    const name = src.document || src.file;
    return el('p', { class: 'source', title: `${src.file}:${src.line}` },
      `出典: ${name}${src.sheet ? `「${src.sheet}」シート` : ''}、${src.line}行目`, page ? `（${pageLabel(page)}）` : '');
  }

  function measureHref(id) {
    return `/measure/${encodeURIComponent(id)}`;
  }

  function planBadge(name, kind, label) {
    return el('span', { class: `badge kind-${kind || 'other'}`, title: kindLabel(kind, label) || '' }, name);
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
          el('div', { class: 'result-bar' }, ui.status, ui.csv),
          ui.expansions, ui.selected, ui.error, ui.results, ui.pager)),
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
      // the search form does not print: the printed status names the query
      if (state.q) ui.status.dataset.query = state.q;
      else delete ui.status.dataset.query;
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
      for (const c of (res.facets || {}).plan_kind || []) kindLabel(c.value, c.label);
      renderSelected();
      // sorted by department or plan: each group starts with its name
      const groupOf = (h) => (state.sort === 'department'
        ? (h.departments[0] || `担当部署の${NOT_STATED}`)
        : state.sort === 'plan' ? h.plan.name : null);
      fill(ui.results, res.hits.map((h, i) => {
        const item = hitItem(h);
        const g = groupOf(h);
        if (g !== null && (i === 0 || groupOf(res.hits[i - 1]) !== g)) {
          item.prepend(el('p', { class: 'group-label' }, g));
        }
        return item;
      }));
      const csvParams = searchParams({ ...state, page: 1, per_page: 10 });
      csvParams.set('format', 'csv');
      ui.csv.setAttribute('href', `/api/search?${csvParams}`);
      ui.csv.hidden = !res.total;
      renderFacets(res.facets || {});
      renderPager(res.total);
    }

    function hitItem(h) {
      return el('li', { class: 'hit' },
        el('h3', { class: 'hit-title' }, linkWithHtml(measureHref(h.id), h.title_html)),
        el('p', { class: 'hit-meta' },
          planBadge(h.plan.name, h.plan.kind, h.plan.kind_label), ' ', levelBadge(h.level),
          el('span', { class: 'depts' }, `担当: ${h.departments.length ? h.departments.join('、') : NOT_STATED}`)),
        h.path.length ? el('p', { class: 'hit-path' }, h.path.join(' ＞ ')) : null,
        h.snippet ? snippetLine(h) : null,
        sourceLine(h.source, h.page));
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
                el('span', { class: 'facet-value' }, facetValueLabel(key, c.value, c.label)),
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
      csv: el('a', { id: 'search-csv', class: 'button', href: '/api/search?format=csv', download: 'shisaku-search.csv', hidden: true }, '結果を CSV でダウンロード（全件）'),
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
          planBadge(m.plan.name, m.plan.kind, m.plan.kind_label), ' ', levelBadge(m.level),
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
          `${m.document || m.source.file}${m.source.sheet ? `「${m.source.sheet}」シート` : ''}、${m.source.line}行目`,
          m.source.line_start !== m.source.line_end ? `（${m.source.line_start}〜${m.source.line_end}行）` : '',
          el('span', { class: 'muted small file' }, ` ファイル ${m.source.file}`))),
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
    add('計画の種類', kindLabel(m.plan.kind, m.plan.kind_label));
    add('階層', LEVELS[m.level] || m.level);
    add('体系', m.path.length ? el('ol', { class: 'path' }, m.path.map((p) => el('li', {}, p))) : null);
    add('番号', m.number);
    add('担当部署', m.departments.join('・'));
    add('担当課', m.sections.join('・'));
    add('掲載ページ', pageLabel(m.page));
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
            cols.map(([k, t]) => el('td', { 'data-label': t }, p[k] || '—'))))))));
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
          planBadge(r.plan, r.plan_kind, r.plan_kind_label), ' ', levelBadge(r.level), ' ', score(r.score),
          r.departments.length ? el('span', { class: 'depts' }, `担当: ${r.departments.join('・')}`) : null),
        r.shared_terms.length ? el('div', { class: 'shared' }, el('span', { class: 'label' }, '共通語: '), chips(r.shared_terms, '共通語')) : null,
        sourceLine(r.source)))));
    } catch (err) {
      fill(box, errorBox('関連施策を取得できませんでした', err));
    }
  }

  // ---------------------------------------------------------- overlap page

  /** A threshold typed or in the URL: a number from 0 to 1, or null. */
  function parseThreshold(t) {
    if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(t)) return null;
    const n = Number(t);
    return n >= 0 && n <= 1 ? n : null;
  }

  function overlapsPage(main) {
    setTitle('重複一覧');
    const threshold = el('input', {
      id: 'threshold', type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': 'threshold-error',
    });
    const thresholdError = el('p', { id: 'threshold-error', class: 'error', role: 'alert', hidden: true });
    const csv = el('a', { id: 'csv-link', class: 'button', href: '/api/overlaps?format=csv', download: 'shisaku-overlaps.csv' }, 'CSV をダウンロード');
    const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const out = el('div', { id: 'overlap-report' });
    const form = el('form', { id: 'threshold-form', class: 'inline-form', novalidate: true },
      el('label', { for: 'threshold' }, 'しきい値（類似度の下限 0〜1）'),
      threshold,
      el('button', { type: 'submit', class: 'primary' }, '更新'),
      csv);
    fill(main,
      el('h1', {}, '計画間の重複一覧'),
      el('p', { class: 'lead' }, '異なる計画の施策のうち、内容が似ている組み合わせ（重複・連携の候補）を一覧にします。'),
      form, thresholdError, status, out);

    /** Shows (or clears) the threshold's error; true when the value is usable. */
    function checkThreshold(t) {
      const ok = t === '' || parseThreshold(t) !== null;
      thresholdError.hidden = ok;
      thresholdError.textContent = ok ? '' : `しきい値「${t}」は使えません。0から1までの数（例: 0.35）を入力してください。`;
      if (ok) threshold.removeAttribute('aria-invalid');
      else threshold.setAttribute('aria-invalid', 'true');
      return ok;
    }

    async function load(push) {
      const t = threshold.value.trim();
      if (!checkThreshold(t)) {
        status.textContent = '';
        clear(out);
        threshold.focus();
        return;
      }
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
        const q = new URLSearchParams(location.search);
        fill(out, renderOverlaps(r, { a: q.get('a'), b: q.get('b') }));
        if (location.hash) {
          const target = document.getElementById(location.hash.slice(1));
          if (target) target.scrollIntoView();
        }
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

  /** `/overlaps?threshold=…&a=PLAN&b=PLAN#pairs-h`: the pairs of two plans. */
  function planPairHref(r, a, b) {
    const p = new URLSearchParams(location.search);
    p.set('threshold', String(r.threshold));
    p.set('a', a);
    p.set('b', b);
    return `/overlaps?${p}#pairs-h`;
  }

  function renderOverlaps(r, only) {
    const planOf = new Map();
    for (const p of r.pairs) {
      planOf.set(p.a.id, p.a.plan);
      planOf.set(p.b.id, p.b.plan);
    }
    const side = (s) => el('div', { class: 'side' },
      el('a', { href: measureHref(s.id) }, s.title),
      el('span', { class: 'muted small' }, ` ${s.plan}`),
      el('span', { class: 'source small', title: `${s.file}:${s.line}` }, ` 出典: ${s.document || s.file}、${s.line}行目`));
    const pairs = pairsTable(r, only, side);
    // a heat-map cell or a plan pair shows that pair's rows
    const showPair = (a, b, href) => {
      history.pushState(null, '', href);
      pairs.select(a, b);
      document.getElementById('pairs-h').scrollIntoView();
    };
    const planPairs = [];
    r.matrix.plans.forEach((a, i) => r.matrix.plans.forEach((b, j) => {
      const n = (r.matrix.counts[i] || [])[j] || 0;
      if (i < j && n) planPairs.push([a, b, n]);
    }));
    planPairs.sort((x, y) => y[2] - x[2]);
    return [
      el('nav', { class: 'overlap-nav', 'aria-label': 'このページの内容' },
        el('ul', {},
          el('li', {}, el('a', { href: '#matrix-h' }, '計画 × 計画')),
          el('li', {}, el('a', { href: '#pairs-h' }, `重複ペア（${r.total_pairs}件）`)),
          el('li', {}, el('a', { href: '#clusters-h' }, `クラスタ（${r.total_clusters}件）`)))),
      el('section', { 'aria-labelledby': 'matrix-h' },
        el('h2', { id: 'matrix-h' }, '計画 × 計画の重複件数'),
        r.matrix.plans.length < 2
          ? el('p', { class: 'muted' }, '計画が1つしかないため、計画間の重複はありません。')
          : null,
        el('figure', { class: 'matrix' },
          heatMap(r.matrix, (a, b) => planPairHref(r, a, b), showPair),
          el('figcaption', {}, '色が濃いほど、その2つの計画の間で似た施策の組み合わせが多いことを示します（同じ計画どうしは対象外）。マスを選ぶと、その2つの計画の重複ペアを表示します。')),
        planPairs.length
          ? el('ul', { class: 'plan-pairs', id: 'plan-pairs', 'aria-label': '計画の組み合わせごとの件数' }, planPairs.map(([a, b, n]) => {
            const href = planPairHref(r, a, b);
            return el('li', {}, el('a', {
              href,
              onclick: (ev) => {
                ev.preventDefault();
                showPair(a, b, href);
              },
            }, `${a} × ${b}`), el('span', { class: 'count' }, ` ${n}件`));
          }))
          : null),
      pairs.section,
      el('section', { 'aria-labelledby': 'clusters-h' },
        el('h2', { id: 'clusters-h' }, `クラスタ（${r.total_clusters}件）`),
        el('p', { class: 'muted' }, '互いに似た施策のまとまりです。計画をまたいで同じ取組が書かれている可能性があります。'),
        r.total_clusters > r.clusters.length
          ? el('p', { class: 'muted' }, `文書順に最初の${r.clusters.length}件を表示しています。`)
          : null,
        r.clusters.length
          ? el('ol', { class: 'clusters', id: 'clusters' }, r.clusters.map((c) => el('li', { class: 'cluster', id: `cluster-${c.number}`, value: String(c.number) },
            el('h3', {}, `クラスタ ${c.number}`, el('span', { class: 'muted small' }, `（${c.size}施策・${c.plans.join('、')}）`)),
            chips(c.terms, '共通語'),
            el('ul', {}, c.measures.map((id, j) => el('li', {},
              el('a', { href: measureHref(id) }, c.titles[j] || id),
              planOf.has(id) ? el('span', { class: 'muted small' }, ` ${planOf.get(id)}`) : null))),
            c.size > c.measures.length
              ? el('p', { class: 'muted small' }, `ほか${c.size - c.measures.length}施策（CSV に全件があります）`)
              : null)))
          : el('p', { class: 'muted' }, 'このしきい値ではクラスタはありません。')),
    ];
  }

  /**
   * The pairs table with a filter (words, a pair of plans) and sortable
   * columns; `select(a, b)` shows the pairs of two plans.
   */
  function pairsTable(r, only, side) {
    const COLS = [
      ['score', '類似度', (p) => -p.score],
      ['a', '施策 A', (p) => p.a.title],
      ['b', '施策 B', (p) => p.b.title],
      ['terms', '共通語', null],
      ['cluster', 'クラスタ', (p) => p.cluster],
    ];
    const plans = [...new Set(r.matrix.plans)];
    const pairKey = (a, b) => [a, b].sort().join('\u0000');
    const planSelect = el('select', { id: 'pairs-plans' },
      el('option', { value: '' }, 'すべての計画の組み合わせ'),
      plans.flatMap((a, i) => plans.slice(i + 1).map((b) => el('option', { value: pairKey(a, b) }, `${a} × ${b}`))));
    const words = el('input', { id: 'pairs-words', type: 'search', autocomplete: 'off' });
    const count = el('p', { class: 'status', id: 'pairs-count', role: 'status', 'aria-live': 'polite' });
    const tbody = el('tbody', {});
    let sortBy = 'score';
    let ascending = true;
    const headers = COLS.map(([key, label, value]) => {
      if (!value) return el('th', { scope: 'col' }, label);
      const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': key }, label);
      const th = el('th', { scope: 'col' }, button);
      button.addEventListener('click', () => {
        ascending = sortBy === key ? !ascending : true;
        sortBy = key;
        render();
      });
      return th;
    });

    function render() {
      const want = planSelect.value;
      const text = words.value.trim().normalize('NFKC').toLowerCase();
      const rows = r.pairs.filter((p) => (!want || pairKey(p.a.plan, p.b.plan) === want) &&
        (!text || [p.a.title, p.b.title, p.a.plan, p.b.plan, ...p.shared_terms].join(' ').normalize('NFKC').toLowerCase().includes(text)));
      const [, , value] = COLS.find(([k]) => k === sortBy);
      rows.sort((x, y) => {
        const a = value(x);
        const b = value(y);
        const c = typeof a === 'number' ? a - b : String(a).localeCompare(String(b), 'ja');
        return ascending ? c : -c;
      });
      headers.forEach((th, i) => {
        const key = COLS[i][0];
        if (!COLS[i][2]) return;
        th.setAttribute('aria-sort', key === sortBy ? (ascending === (key !== 'score') ? 'ascending' : 'descending') : 'none');
      });
      fill(tbody, rows.map((p) => el('tr', {},
        el('td', { class: 'num' }, Number(p.score).toFixed(2)),
        el('td', {}, side(p.a)),
        el('td', {}, side(p.b)),
        el('td', {}, chips(p.shared_terms, '共通語')),
        el('td', { class: 'num' }, el('a', { href: `#cluster-${p.cluster}` }, String(p.cluster))))));
      count.textContent = rows.length === r.pairs.length
        ? `${rows.length}件を表示しています。`
        : `${r.pairs.length}件中 ${rows.length}件を表示しています。`;
    }
    planSelect.addEventListener('change', render);
    words.addEventListener('input', render);
    if (only.a && only.b) planSelect.value = pairKey(only.a, only.b);
    if (!r.pairs.length) {
      return {
        section: el('section', { 'aria-labelledby': 'pairs-h' },
          el('h2', { id: 'pairs-h' }, `重複ペア（${r.total_pairs}件）`),
          el('p', { class: 'muted' }, 'このしきい値では重複ペアはありません。しきい値を下げると候補が増えます。')),
        select: () => {},
      };
    }
    render();
    return {
      section: el('section', { 'aria-labelledby': 'pairs-h' },
        el('h2', { id: 'pairs-h' }, `重複ペア（${r.total_pairs}件）`),
        r.total_pairs > r.pairs.length ? el('p', { class: 'muted' }, `類似度の高い${r.pairs.length}件を表示しています。すべては CSV で確認できます。`) : null,
        el('div', { class: 'pairs-filter' },
          el('span', { class: 'option' }, el('label', { for: 'pairs-plans' }, '計画の組み合わせ'), planSelect),
          el('span', { class: 'option' }, el('label', { for: 'pairs-words' }, '語で絞り込む'), words)),
        count,
        el('div', { class: 'table-wrap' }, el('table', { class: 'pairs', id: 'pairs' },
          el('thead', {}, el('tr', {}, headers)),
          tbody))),
      select: (a, b) => {
        planSelect.value = pairKey(a, b);
        render();
      },
    };
  }

  /**
   * The plan × plan matrix as an SVG heat map (cells labelled with counts);
   * a cell of two plans with pairs links to `href(a, b)`, and a click on it
   * calls `show(a, b, href)` instead of leaving the page.
   */
  function heatMap(matrix, href, show) {
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
        if (!diag && count && href) {
          const link = svgEl('a', { href: href(name, other), class: 'cell-link', 'aria-label': `${name} × ${other}: ${count}件の重複ペアを表示` });
          link.addEventListener('click', (ev) => {
            ev.preventDefault();
            show(name, other, link.getAttribute('href'));
          });
          link.append(g);
          svg.append(link);
        } else svg.append(g);
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
        const text = draft.value;
        const n = parseInt(limit.value, 10);
        const csv = el('button', { type: 'button', id: 'similar-csv', class: 'button' }, '結果を CSV でダウンロード');
        csv.addEventListener('click', () => downloadSimilarCsv(text, n, csv));
        fill(out, el('p', { class: 'export' }, csv), res.sentences.map(sentenceResult));
      } catch (err) {
        status.textContent = '';
        fill(out, errorBox('文言検索ができませんでした', err));
      }
    });
  }

  /** Asks the API for the wording-reuse CSV of `text` and saves it as a file. */
  async function downloadSimilarCsv(text, limit, button) {
    button.disabled = true;
    try {
      const res = await fetch('/api/similar?format=csv', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, limit }),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: 'shisaku-similar.csv', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (_) {
      button.after(el('span', { class: 'error', role: 'alert' }, ' CSV を作成できませんでした。'));
    } finally {
      button.disabled = false;
    }
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
          sourceLine(m))))
        : el('p', { class: 'muted' }, '似た文は見つかりませんでした。'));
  }

  route();
})();
