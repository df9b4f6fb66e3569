/* Kho văn bản — the search page (/tim-kiem/?q=…): Pagefind's JS API, a "go to document" jump for
 * document numbers, and Vietnamese folding. Loaded from this site only; no inline code (CSP).
 *
 * The index is split by date into buckets (pagefind/buckets.json, newest first; vanban.search). The
 * primary index pagefind.js opens holds no directive; buckets are merged (`mergeIndex`, which reuses
 * the primary's WebAssembly) from where the sort starts, one at a time until a page of results is
 * full, so a first query reads one year's index rather than the archive's. Sorted by date, Pagefind
 * scores a result by its position in its bucket (1…pages: each bucket has a floor record at 0), and
 * `indexWeight` scales each bucket into a range of its own, so the merged order is the date order.
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
  var BUCKETS = "pagefind/buckets.json";
  var FILTER_COUNTS = "pagefind/bo-loc.json";

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
  var all = document.getElementById("vb-search-all");
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

  function getJSON(path) {
    return fetch(new URL(path, siteRoot)).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + path);
      return r.json();
    });
  }

  var pagefind = null;
  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname }).then(function () { pf.init(); return pf; });
      });
    }
    return pagefind;
  }

  /** Filter lists with their counts over the whole archive (written by the build): nothing of the
   *  index is loaded for them. */
  function fillFilters() {
    return getJSON(FILTER_COUNTS).then(function (all) {
      selects.forEach(function (select) {
        var values = Object.entries(all[select.dataset.vbFilter] || {});
        values.sort(select.name === "nam"
          ? function (a, b) { return b[0].localeCompare(a[0]); }
          : function (a, b) { return a[0].localeCompare(b[0], "vi"); });
        values.forEach(function (v) { addOption(select, v[0], v[1], v[0] === params.get(select.name)); });
      });
    }).catch(function () { /* the lists keep the chosen value only */ });
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

  /** Powers of two keep the products exact. */
  function bits(pages) { return Math.ceil(Math.log2(pages + 1)); }

  /** The buckets a search reads, in the order they are merged, each with its `indexWeight`: newest
   *  first (scores 1…n, each older bucket below the one before), oldest first (Pagefind negates the
   *  scores: each newer bucket further down), or all at once for relevance. A year filter keeps that
   *  year's buckets only. Sorted weights run over the whole exponent range of a double, from
   *  2^+984 down (newest first) or up to it (oldest first): ~190 buckets of up to 1 000 pages keep
   *  ranges of their own; past that, the oldest merged buckets share score 0 and keep merge order. */
  function plan(manifest, order, year) {
    var buckets = manifest.buckets.filter(function (b) { return !year || b.year === year; });
    if (order === "asc") buckets = buckets.slice().reverse();
    var total = buckets.reduce(function (sum, b) { return sum + b.pages + 1; }, 0);
    var span = buckets.reduce(function (sum, b) { return sum + bits(b.pages); }, 0);
    var top = Math.min(984, Math.max(0, span - 1000));
    var exponent = order === "asc" ? -top : top;
    return buckets.map(function (b, i) {
      if (order === "desc" && i > 0) exponent -= bits(b.pages);
      if (order === "asc" && i > 0) exponent += bits(buckets[i - 1].pages);
      // Relevance: Pagefind weighs a rare word by ln(pages of the index / pages with the word), and
      // each bucket counts its own pages: scale a bucket's scores by ln(all pages) / ln(its pages),
      // so that a small bucket (a sparse year) is not ranked down for being small.
      var relevance = Math.log(total + 1) / Math.log(b.pages + 2);
      return { path: b.path, label: b.label, pages: b.pages, weight: order ? Math.pow(2, exponent) : relevance };
    });
  }

  /** Index of the bucket a date-sorted result came from, read from its score (|score| = position ×
   *  the bucket's weight, and the weights' ranges do not overlap), or -1 if it cannot be told. */
  function bucketOf(score, buckets) {
    var s = Math.abs(score);
    for (var i = 0; i < buckets.length; i++) {
      if (s >= buckets[i].weight && s < buckets[i].weight * Math.pow(2, bits(buckets[i].pages))) return i;
    }
    return -1;
  }

  function run() {
    var filters = chosenFilters();
    var hasFilters = Object.keys(filters).length > 0;
    var key = query ? numberKey(query) : null;
    var filled = fillFilters();
    if (!query && !hasFilters) {
      say("Nhập từ khóa hoặc số ký hiệu, hoặc chọn một bộ lọc để xem văn bản.");
      return filled;
    }
    say("Đang tìm…");
    var choice = params.get("sap-xep") || "";
    var order = { "": "desc", "cu-nhat": "asc", "phu-hop": null }[choice];
    if (order === undefined) order = "desc";
    if (!query && !order) order = "desc"; // relevance needs words: filters alone list newest first
    var options = { filters: filters };
    if (order) options.sort = { date: order };
    var term = query ? pagefindQuery(query) : null;
    var terms = queryTerms(query);
    var what = query ? " cho “" + query + "”" : "";
    var directDone = key ? showDirect(key) : Promise.resolve(0);

    var pf, buckets, placeholder, merged = 0, results = [], shown = 0;

    // Pagefind leaves out a word that an index does not have at all: in a bucket without "đường",
    // "cải cách đường" would list every "cải cách" of that year. Each word (as Pagefind splits the
    // query: on spaces) is also searched alone, which reads the chunks the whole query read, nothing
    // more. Sorted by date, the bucket of a result shows in its score, and a bucket's results count
    // only if it has every word; by relevance, a word that no loaded bucket has leaves no result.
    // ("1562/UBND-KT" is one word for Pagefind: searched alone, its parts would read the large
    // chunks of "ubnd" and "kt", 170 KB more on the 10 000 archive.)
    var words = term ? term.split(/\s+/).filter(Boolean) : [];

    function merge(count) {
      var next = buckets.slice(merged, merged + count);
      merged += next.length;
      return Promise.all(next.map(function (b) {
        return pf.mergeIndex(new URL("pagefind/" + b.path + "/", siteRoot).pathname,
                             { indexWeight: b.weight, baseUrl: siteRoot.pathname });
      })).then(function () {
        // One search after another: Pagefind's searches are not meant to overlap.
        var searches = [term].concat(words.length > 1 ? words : []), found = [];
        return searches.reduce(function (done, t) {
          return done.then(function () { return pf.search(t, options); }).then(function (r) { found.push(r); });
        }, Promise.resolve()).then(function () { return found; });
      }).then(function (found) {
        results = found[0].results;
        if (found.length < 2) return;
        if (!order) {
          if (found.slice(1).some(function (alone) { return !alone.results.length; })) results = [];
          return;
        }
        var missing = {};
        found.slice(1).forEach(function (alone) {
          var has = {};
          alone.results.forEach(function (r) { has[bucketOf(r.score, buckets)] = true; });
          buckets.slice(0, merged).forEach(function (b, i) { if (!has[i]) missing[i] = true; });
        });
        results = results.filter(function (r) { return !missing[bucketOf(r.score, buckets)]; });
      });
    }

    /** Merge older (or, oldest first, newer) buckets until `wanted` results are loaded or none
     *  remain: one bucket first, then as many as the results so far suggest, at most doubling (few
     *  rounds for a rare word, little read past what a page needs). */
    function fill(wanted) {
      if (results.length >= wanted || merged >= buckets.length) return Promise.resolve();
      var count = buckets.length;
      if (order) {
        count = merged === 0 ? 1 : results.length === 0 ? merged
          : Math.min(merged, Math.ceil(merged * (wanted - results.length) / results.length));
      }
      return merge(Math.max(1, count)).then(function () { return fill(wanted); });
    }

    function page() {
      return fill(shown + PAGE_SIZE).then(function () {
        var slice = results.slice(shown, shown + PAGE_SIZE);
        shown += slice.length;
        return Promise.all(slice.map(function (r) { return r.data(); }));
      }).then(function (items) {
        items.forEach(function (data) {
          if (data.url !== placeholder) list.append(resultItem(data, terms));
        });
        report();
      });
    }

    function report() {
      more.hidden = shown >= results.length && merged >= buckets.length;
      all.hidden = merged >= buckets.length;
      var count = results.length;
      if (merged >= buckets.length) {
        say("Tìm thấy " + count + " văn bản" + what + ".");
      } else if (order === "desc") {
        say("Tìm thấy " + count + " văn bản" + what + " từ " + buckets[merged - 1].label + " đến nay.");
      } else {
        var last = buckets[merged - 1].label;
        say("Tìm thấy " + count + " văn bản" + what + (last === "không rõ năm"
          ? " trong các văn bản không rõ năm ban hành." : " ban hành đến hết " + last + "."));
      }
    }

    function searchAll() {
      all.disabled = true;
      return merge(buckets.length).then(function () { all.disabled = false; report(); });
    }

    var done = Promise.all([loadPagefind(), getJSON(BUCKETS), directDone]).then(function (loaded) {
      pf = loaded[0];
      placeholder = loaded[1].placeholder;
      buckets = plan(loaded[1], order, filters.nam);
      return fill(PAGE_SIZE).then(function () { return loaded[2]; });
    }).then(function (directCount) {
      if (!results.length && !directCount && merged >= buckets.length) {
        say("Không tìm thấy văn bản nào" + what + ". Hãy thử từ khóa ngắn hơn, bỏ bớt bộ lọc hoặc kiểm tra số ký hiệu.");
        return;
      }
      all.textContent = order === "asc" ? "Tìm cả trong các năm sau" : "Tìm cả trong các năm trước";
      more.addEventListener("click", function () { window.VanbanSearch.done = page(); });
      all.addEventListener("click", function () { window.VanbanSearch.done = searchAll(); });
      return page();
    }).catch(function (err) {
      say("Không tải được chỉ mục tìm kiếm. Hãy tải lại trang; nếu vẫn lỗi, tra cứu qua danh sách văn bản.");
      if (window.console) console.error(err);
    });
    return Promise.all([done, filled]);
  }

  window.VanbanSearch = { fold: fold, numberKey: numberKey, numberShard: numberShard, pagefindQuery: pagefindQuery,
                          done: run() };
})();
