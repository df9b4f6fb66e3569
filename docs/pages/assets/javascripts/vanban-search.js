/* Kho văn bản — the search page (/tim-kiem/?q=…): Pagefind's JS API, a "go to document" jump for
 * document numbers, and Vietnamese folding. Loaded from this site only; no inline code (CSP).
 *
 * Kept in step with Python: `fold` mirrors vanban.text.fold, `numberKey` mirrors
 * vanban.search.number_lookup_key (a browser test compares them on the same inputs).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var siteRoot = new URL("../../", script.src); // this file is assets/javascripts/vanban-search.js
  var PAGE_SIZE = 10;
  var SHARDS = 64;
  var NUMBER_MAP = "pagefind/so-ky-hieu/";

  // ----------------------------------------------------------------------------------------------
  // Vietnamese text
  // ----------------------------------------------------------------------------------------------

  var LOOKALIKES = { "\u00d0": "\u0110", "\u0189": "\u0110", "\u00f0": "\u0111" };
  var INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]/g;

  function clean(text) {
    return String(text).replace(INVISIBLE, "").replace(/[\u00d0\u0189\u00f0]/g, function (c) {
      return LOOKALIKES[c];
    }).normalize("NFC");
  }

  /** "Đất đai" → "dat dai": marks removed, đ → d, lower case (vanban.text.fold). */
  function fold(text) {
    return clean(text).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/\p{M}/gu, "").toLowerCase();
  }

  /** The query Pagefind gets: đ → d. The index carries the d-form of every đ-word of a page, and
   *  Pagefind folds the other marks itself, so "đường", "duong" and "Dương" all meet. */
  function pagefindQuery(text) {
    return clean(text).replace(/đ/g, "d").replace(/Đ/g, "D").trim();
  }

  var NUMBER = /^(?:so\s*:?\s*)?(\d{1,6}[a-z]?)\s*\/\s*(?:((?:19|20)\d{2})\s*\/\s*)?([^\s\/\-]+(?:\s*-\s*[^\s\/\-]+)*)$/i;

  /** Key of the number map ("1562/ubnd-kt" → "1562/UBND-KT", "02/KH-UBND" → "2/KH-UBND"), or null. */
  function numberKey(text) {
    var m = NUMBER.exec(fold(text).trim());
    if (!m) return null;
    var symbol = m[3].replace(/\s+/g, "");
    var ok = symbol.split("-").every(function (part) { return /^[\p{L}\p{N}&]+$/u.test(part); });
    if (!ok) return null;
    var digits = m[1].replace(/\D/g, "");
    var letters = m[1].replace(/\d/g, "");
    return (String(parseInt(digits, 10)) + letters + "/" + (m[2] ? m[2] + "/" : "") + symbol).toUpperCase();
  }

  function numberShard(key) {
    var digits = /^\d+/.exec(key);
    return digits ? parseInt(digits[0], 10) % SHARDS : 0;
  }

  /** Folded query words; the last one may be a prefix (the reader is still typing it). */
  function queryTerms(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  // ----------------------------------------------------------------------------------------------
  // Excerpts: cut from the real text, with the words that match the folded query marked
  // ----------------------------------------------------------------------------------------------

  var BEFORE = 8, LENGTH = 36;

  function matches(word, terms) {
    // "1562/UBND-KT," is one word of the text and three of the query.
    var last = terms[terms.length - 1];
    return fold(word).split(/[^\p{L}\p{N}]+/u).some(function (w) {
      return w && (terms.indexOf(w) >= 0 || (last.length > 1 && w.indexOf(last) === 0));
    });
  }

  function excerptNode(content, terms) {
    var words = content.split(/\s+/).filter(Boolean);
    var hits = words.map(function (w) { return terms.length > 0 && matches(w, terms); });
    var best = 0, bestScore = -1;
    for (var i = 0; i < words.length; i++) {
      if (!hits[i]) continue;
      var start = Math.max(0, i - BEFORE), seen = {};
      for (var j = start; j < Math.min(words.length, start + LENGTH); j++) {
        if (hits[j]) seen[fold(words[j]).replace(/[^\p{L}\p{N}]+/gu, "")] = true;
      }
      var score = Object.keys(seen).length;
      if (score > bestScore) { bestScore = score; best = start; }
    }
    var p = document.createElement("p");
    p.className = "vb-result__excerpt";
    if (best > 0) p.append("… ");
    var end = Math.min(words.length, best + LENGTH);
    for (var k = best; k < end; k++) {
      if (k > best) p.append(" ");
      if (hits[k]) {
        var mark = document.createElement("mark");
        mark.textContent = words[k];
        p.append(mark);
      } else {
        p.append(words[k]);
      }
    }
    if (end < words.length) p.append(" …");
    return p;
  }

  // ----------------------------------------------------------------------------------------------
  // The page
  // ----------------------------------------------------------------------------------------------

  var form = document.getElementById("vb-search");
  if (!form) {
    window.VanbanSearch = { fold: fold, numberKey: numberKey, numberShard: numberShard, pagefindQuery: pagefindQuery };
    return;
  }
  var input = document.getElementById("vb-q");
  var status = document.getElementById("vb-search-status");
  var direct = document.getElementById("vb-search-direct");
  var list = document.getElementById("vb-search-results");
  var more = document.getElementById("vb-search-more");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-vb-filter]"));
  var sortSelect = form.querySelector("select[name=sap-xep]");

  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  input.value = query;
  var header = document.getElementById("vb-header-q");
  if (header) header.value = query;
  selects.forEach(function (s) { addOption(s, params.get(s.name) || "", null, true); });
  if (params.get("sap-xep")) sortSelect.value = params.get("sap-xep");

  // Empty fields stay out of the URL; a changed filter searches at once.
  form.addEventListener("submit", function () {
    form.querySelectorAll("select, input").forEach(function (el) { if (!el.value) el.disabled = true; });
  });
  form.querySelectorAll("select").forEach(function (s) {
    s.addEventListener("change", function () { form.requestSubmit(); });
  });

  function addOption(select, value, count, selected) {
    if (!value) return;
    var existing = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
    var option = existing || document.createElement("option");
    option.value = value;
    option.textContent = count === null ? value : value + " (" + count + ")";
    if (selected) option.selected = true;
    if (!existing) select.append(option);
  }

  function say(text) { status.textContent = text; }

  var pagefind = null;
  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname }).then(function () { pf.init(); return pf; });
      });
    }
    return pagefind;
  }

  function fillFilters(pf) {
    return pf.filters().then(function (all) {
      selects.forEach(function (select) {
        var values = Object.entries(all[select.dataset.vbFilter] || {});
        values.sort(select.name === "nam"
          ? function (a, b) { return b[0].localeCompare(a[0]); }
          : function (a, b) { return a[0].localeCompare(b[0], "vi"); });
        values.forEach(function (v) { addOption(select, v[0], v[1], v[0] === params.get(select.name)); });
      });
    });
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (s) { if (params.get(s.name)) filters[s.dataset.vbFilter] = params.get(s.name); });
    return filters;
  }

  function showDirect(key) {
    return fetch(new URL(NUMBER_MAP + numberShard(key) + ".json", siteRoot)).then(function (r) {
      return r.ok ? r.json() : {};
    }).then(function (map) {
      var entries = map[key] || [];
      if (!entries.length) return 0;
      var ul = direct.querySelector("ul");
      entries.forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.className = "vb-search__go";
        a.href = new URL(e[0], siteRoot).pathname;
        a.textContent = "Đi tới " + e[1];
        li.append(a);
        if (e[2]) li.append(" (" + e[2] + ")");
        li.append(": " + e[3]);
        ul.append(li);
      });
      direct.hidden = false;
      return entries.length;
    }).catch(function () { return 0; });
  }

  function resultItem(data, terms) {
    var li = document.createElement("li");
    li.className = "vb-result";
    var meta = document.createElement("p");
    meta.className = "vb-result__meta";
    var type = document.createElement("span");
    type.className = "vb-result__type";
    type.textContent = data.meta.type || "";
    meta.append(type);
    if (data.meta.number) {
      var number = document.createElement("span");
      number.className = "vb-result__number";
      number.textContent = data.meta.number;
      meta.append(" ", number);
    }
    if (data.meta.date) {
      var date = document.createElement("span");
      date.className = "vb-result__date";
      var slashes = data.meta.date.split("/").length - 1;
      date.textContent = (slashes === 2 ? "ngày " : slashes === 1 ? "tháng " : "năm ") + data.meta.date;
      meta.append(" · ", date);
    }
    if (data.meta.issuer) meta.append(" · " + data.meta.issuer);
    if (data.meta.status) {
      var st = document.createElement("span");
      st.className = "vb-result__status";
      st.textContent = data.meta.status;
      meta.append(" · ", st);
    }
    var title = document.createElement("h2");
    title.className = "vb-result__title";
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = data.meta.subject || data.meta.title || data.url;
    title.append(a);
    li.append(meta, title);
    if (terms.length) li.append(excerptNode(data.content || "", terms));
    return li;
  }

  function run() {
    var filters = chosenFilters();
    var hasFilters = Object.keys(filters).length > 0;
    var key = query ? numberKey(query) : null;
    if (!query && !hasFilters) {
      say("Nhập từ khóa hoặc số ký hiệu, hoặc chọn một bộ lọc để xem văn bản.");
      return loadPagefind().then(fillFilters);
    }
    say("Đang tìm…");
    var sort = { "": { date: "desc" }, "cu-nhat": { date: "asc" }, "phu-hop": null }[params.get("sap-xep") || ""];
    var options = { filters: filters };
    if (sort || !query) options.sort = sort || { date: "desc" };
    var terms = queryTerms(query);
    var directDone = key ? showDirect(key) : Promise.resolve(0);
    return loadPagefind().then(function (pf) {
      return Promise.all([pf.search(query ? pagefindQuery(query) : null, options), directDone, fillFilters(pf)]);
    }).then(function (done) {
      var search = done[0], directCount = done[1];
      var results = search.results;
      var shown = 0;
      function page() {
        var slice = results.slice(shown, shown + PAGE_SIZE);
        shown += slice.length;
        more.hidden = shown >= results.length;
        return Promise.all(slice.map(function (r) { return r.data(); })).then(function (items) {
          items.forEach(function (data) { list.append(resultItem(data, terms)); });
        });
      }
      more.addEventListener("click", function () { page(); });
      var what = query ? " cho “" + query + "”" : "";
      if (!results.length && !directCount) {
        say("Không tìm thấy văn bản nào" + what + ". Hãy thử từ khóa ngắn hơn, bỏ bớt bộ lọc hoặc kiểm tra số ký hiệu.");
        return;
      }
      say("Tìm thấy " + results.length + " văn bản" + what + ".");
      return page();
    }).catch(function (err) {
      say("Không tải được chỉ mục tìm kiếm. Hãy tải lại trang; nếu vẫn lỗi, tra cứu qua danh sách văn bản.");
      if (window.console) console.error(err);
    });
  }

  window.VanbanSearch = { fold: fold, numberKey: numberKey, numberShard: numberShard, pagefindQuery: pagefindQuery,
                          done: run() };
})();
