/*
 * shisaku search widget (施策検索ウィジェット). One tag on any page:
 *
 *   <script src="https://HOST/widget.js" data-target="#box" data-placeholder="施策を検索" data-limit="5"></script>
 *
 * data-target    CSS selector of the element to render into; omitted: right after the tag
 * data-placeholder  text of the empty search box (default 施策を検索)
 * data-limit     results in the dropdown, 1–20 (default 5)
 *
 * The box searches /api/search on the origin the script was loaded from and
 * links each result to that origin's /measure/{id} page. It renders inside a
 * Shadow DOM, so the page's CSS and the widget's CSS do not affect each other.
 * A page on another origin needs that origin allowed by the server
 * (`shisaku serve --cors-origin https://portal.example.jp`); otherwise the
 * browser refuses the request and the widget says so.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, location.href).origin;
  var placeholder = script.getAttribute('data-placeholder') || '施策を検索';
  var limit = parseInt(script.getAttribute('data-limit') || '5', 10);
  if (!(limit >= 1)) limit = 5;
  limit = Math.min(limit, 20);
  var selector = script.getAttribute('data-target');

  var LEVELS = { measure: '施策', initiative: '取組', project: '事業', direction: '方向性' };

  var CSS = [
    // :host rules lose to the page's own rules on the host element, so the
    // base text style is set again on .w, which the page cannot reach
    ':host { all: initial; display: block; }',
    '* { box-sizing: border-box; }',
    '.w { all: initial; display: block; position: relative; max-width: 36rem; font-family: "Hiragino Sans", "Noto Sans JP", "Noto Sans CJK JP", Meiryo, system-ui, sans-serif; font-size: 1rem; line-height: 1.6; color: #1f2937; text-align: left; }',
    'form { display: flex; gap: 0.4rem; margin: 0; }',
    'input { flex: 1 1 auto; min-width: 0; font: inherit; color: inherit; padding: 0.4rem 0.6rem; border: 1px solid #6b7280; border-radius: 0.3rem; background: #fff; }',
    'button { font: inherit; padding: 0.4rem 0.9rem; border: 1px solid #1d4ed8; border-radius: 0.3rem; background: #1d4ed8; color: #fff; cursor: pointer; }',
    'input:focus, button:focus, a:focus { outline: 0.2rem solid #f59e0b; outline-offset: 0.1rem; }',
    'ul { position: absolute; z-index: 2147483000; left: 0; right: 0; top: 100%; margin: 0.15rem 0 0; padding: 0.25rem 0; list-style: none; background: #fff; border: 1px solid #6b7280; border-radius: 0.3rem; box-shadow: 0 0.4rem 1rem rgba(0,0,0,0.15); max-height: 24rem; overflow-y: auto; }',
    'ul[hidden], p[hidden] { display: none; }',
    'li { padding: 0.35rem 0.75rem; cursor: pointer; }',
    'li[aria-selected="true"], li:hover { background: #dbeafe; }',
    'li[aria-selected="true"] { outline: 0.15rem solid #1d4ed8; outline-offset: -0.15rem; }',
    'a { color: #1d4ed8; text-decoration: none; font-weight: bold; }',
    'a:hover { text-decoration: underline; }',
    '.meta { display: block; font-size: 0.8rem; color: #4b5563; }',
    '.more a { font-weight: normal; font-size: 0.875rem; }',
    '.empty { color: #4b5563; cursor: default; }',
    '.err { margin: 0.3rem 0 0; padding: 0.3rem 0.6rem; font-size: 0.875rem; color: #991b1b; background: #fef2f2; border: 1px solid #fca5a5; border-radius: 0.3rem; }',
    '.vh { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }',
  ].join('\n');

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function mount(host) {
    var root;
    try {
      root = host.attachShadow({ mode: 'open' });
    } catch (_) {
      return; // already mounted, or an element that cannot host a shadow root
    }
    var style = el('style', {}, CSS);
    var wrap = el('div', { class: 'w', lang: 'ja' });
    var form = el('form', { role: 'search' });
    var label = el('label', { for: 'q', class: 'vh' }, placeholder);
    var input = el('input', {
      id: 'q',
      type: 'search',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'results',
      autocomplete: 'off',
      placeholder: placeholder,
    });
    var button = el('button', { type: 'submit' }, '検索');
    var list = el('ul', { id: 'results', role: 'listbox', 'aria-label': '検索結果' });
    list.hidden = true;
    var error = el('p', { class: 'err', role: 'alert' });
    error.hidden = true;
    var status = el('p', { class: 'vh', role: 'status', 'aria-live': 'polite' });
    form.append(label, input, button);
    wrap.append(form, list, error, status);
    root.append(style, wrap);

    var items = [];
    var active = -1;
    var seq = 0;
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function open() {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function highlight(i) {
      active = i;
      var opts = list.querySelectorAll('[role="option"]');
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute('aria-selected', j === i ? 'true' : 'false');
      if (i >= 0 && opts[i]) {
        input.setAttribute('aria-activedescendant', opts[i].id);
        opts[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function go(i) {
      if (items[i]) location.href = items[i].href;
    }

    function showError(message) {
      close();
      list.textContent = '';
      items = [];
      error.textContent = message;
      error.hidden = false;
    }

    function render(res, q) {
      error.hidden = true;
      list.textContent = '';
      items = [];
      res.hits.forEach(function (h, i) {
        var href = origin + '/measure/' + encodeURIComponent(h.id);
        var li = el('li', { id: 'r' + i, role: 'option', 'aria-selected': 'false' });
        var a = el('a', { href: href, tabindex: '-1' }, h.title);
        // plan names and departments contain 「・」: parts are set apart by 「／」
        var meta = el('span', { class: 'meta' }, [h.plan.name, LEVELS[h.level] || h.level]
          .concat(h.departments.length ? [h.departments.join('、')] : []).join(' ／ '));
        li.append(a, meta);
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        li.addEventListener('click', function (ev) {
          if (ev.target !== a) go(i);
        });
        list.append(li);
        items.push({ href: href });
      });
      if (!res.hits.length) {
        list.append(el('li', { class: 'empty', role: 'option', 'aria-disabled': 'true', id: 'none' }, '該当する施策はありません'));
      } else if (res.total > res.hits.length) {
        var more = el('li', { id: 'r' + items.length, role: 'option', 'aria-selected': 'false', class: 'more' });
        var href = origin + '/?q=' + encodeURIComponent(q);
        more.append(el('a', { href: href, tabindex: '-1' }, 'すべての結果を見る（' + res.total + '件）'));
        more.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        list.append(more);
        items.push({ href: href });
      }
      status.textContent = res.total + '件見つかりました';
      active = -1;
      open();
    }

    function search() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) {
        close();
        error.hidden = true;
        return;
      }
      var url = origin + '/api/search?' + new URLSearchParams({ q: q, per_page: String(limit) });
      fetch(url, { headers: { Accept: 'application/json' } })
        .then(function (r) {
          return r.json().then(
            function (body) { return { ok: r.ok, status: r.status, body: body }; },
            function () { return { ok: r.ok, status: r.status, body: null }; });
        })
        .then(function (r) {
          if (mine !== seq) return;
          if (!r.ok || !r.body) {
            var code = r.body && r.body.code;
            showError('検索できませんでした: ' + (code === 'bad_query'
              ? '検索語の書き方に誤りがあります。'
              : code === 'timeout' || code === 'busy' || code === 'not_ready'
                ? 'しばらくしてから再度お試しください。'
                : 'サーバーがエラーを返しました（' + r.status + '）。'));
            return;
          }
          render(r.body, q);
        })
        .catch(function () {
          if (mine !== seq) return;
          showError('検索できませんでした（施策検索サーバーに接続できないか、このページからの利用が許可されていません）');
        });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      search();
    });
    input.addEventListener('keydown', function (ev) {
      var n = items.length;
      if (ev.key === 'ArrowDown' && n) {
        ev.preventDefault();
        open();
        highlight((active + 1) % n);
      } else if (ev.key === 'ArrowUp' && n) {
        ev.preventDefault();
        open();
        highlight(active <= 0 ? n - 1 : active - 1);
      } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
        ev.preventDefault();
        go(active);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', function () {
      setTimeout(function () {
        if (root.activeElement !== input) close();
      }, 150);
    });
    input.addEventListener('focus', function () {
      if (items.length || list.childNodes.length) open();
    });
  }

  function start() {
    var host;
    if (selector) {
      host = document.querySelector(selector);
      if (!host) {
        if (window.console) console.warn('shisaku widget: no element matches data-target ' + selector);
        return;
      }
    } else {
      host = document.createElement('div');
      host.className = 'shisaku-widget';
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    mount(host);
  }

  if (selector && document.readyState === 'loading' && !document.querySelector(selector)) {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
