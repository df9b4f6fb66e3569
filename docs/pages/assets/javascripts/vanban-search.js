/* Kho văn bản — the search page (/tim-kiem/?q=…&tu=…&den=…&sap-xep=…): Pagefind's JS API, exact
 * answers for document numbers, phrases, and Vietnamese folding. Loaded from this site only; no
 * inline code (CSP).
 *
 * A query that parses as a số/ký hiệu ("1562/ubnd-kt", "số 02/KH-UBND năm 2023", "217") is answered
 * from the build's number map alone: the documents with that number, or "Không có văn bản số … trong
 * kho" and the documents whose number has the same numeral. Other queries go to Pagefind. The
 * default order is relevance: Pagefind's scores (the title weighs 10, body 1), then the first
 * results re-ranked by how much of the query their subject holds, newer first among equals.
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
  var TITLES = "pagefind/tieu-de.json";
  var TITLE_ANCHOR = "#vb-tieu-de"; // a record of the titles index: the document's address + this

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

  var YEAR_SUFFIX = /\s+nam\s+((?:19|20)\d{2})$/;
  var BARE_NUMERAL = /^(so\s*:?\s*)?(\d{1,6})([a-z]?)$/;

  /** What a number query asks for, or null: {key} for a whole số/ký hiệu ("1562/UBND-KT"), or
   *  {numeral} for a bare numeral ("217"; a bare year such as "2023" stays a word), each with the
   *  year of a trailing "năm 2023" and the number as the reader typed it, for the messages. */
  function numberQuery(text) {
    var typed = clean(text).trim();
    if (/["“”]/.test(typed)) return null; // quotes ask for the text
    var folded = fold(typed), year = null;
    var m = YEAR_SUFFIX.exec(folded);
    if (m) {
      year = m[1];
      folded = folded.slice(0, m.index);
      typed = typed.slice(0, typed.length - m[0].length).trim();
    }
    var shown = typed.replace(/^s[ốo]\s*:?\s*/i, "").replace(/\s*([\/\-])\s*/g, "$1");
    var key = numberKey(folded);
    if (key) return { key: key, numeral: key.split("/")[0], year: year, shown: shown };
    var bare = BARE_NUMERAL.exec(folded);
    if (!bare || (!bare[1] && !bare[3] && /^(19|20)\d\d$/.test(bare[2]))) return null;
    var numeral = String(parseInt(bare[2], 10)) + bare[3].toUpperCase();
    return { key: null, numeral: numeral, year: year, shown: shown };
  }

  /** Words and "quoted phrases" of a query: {words, phrases}, folded. */
  function parseQuery(text) {
    var phrases = [], rest = clean(text).replace(/["“”]([^"“”]+)["“”]?/g, function (_, phrase) {
      var words = queryTerms(phrase);
      if (words.length) phrases.push(words);
      return " " + phrase + " ";
    });
    return { words: queryTerms(rest.replace(/["“”]/g, " ")), phrases: phrases };
  }

  /** Whether the folded words of `text` hold `phrase` (folded words) side by side. */
  function holdsPhrase(text, phrase) {
    return (" " + queryTerms(text).join(" ") + " ").indexOf(" " + phrase.join(" ") + " ") >= 0;
  }

  /** Folded query words; the last one may be a prefix (the reader is still typing it). */
  function queryTerms(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  // ----------------------------------------------------------------------------------------------
  // Excerpts: cut from the real text where the query's words are, with those words marked
  // ----------------------------------------------------------------------------------------------

  var LENGTH = 36, BACK = 6;

  function matches(word, terms) {
    // "1562/UBND-KT," is one word of the text and three of the query.
    var last = terms[terms.length - 1];
    return fold(word).split(/[^\p{L}\p{N}]+/u).some(function (w) {
      return w && (terms.indexOf(w) >= 0 || (last.length > 1 && w.indexOf(last) === 0));
    });
  }

  /** The text's words after the title: the index holds the title (for its weight) and then the body,
   *  and the excerpt is cut from the body only — the result shows the title already. */
  function bodyWords(data) {
    if (data.url.indexOf(TITLE_ANCHOR) >= 0) return (data.meta.mo_dau || "").split(/\s+/).filter(Boolean);
    var words = (data.content || "").split(/\s+/).filter(Boolean);
    var title = (data.meta.title || "").split(/\s+/).filter(Boolean);
    var same = title.length <= words.length && title.every(function (w, i) {
      return fold(w).replace(/[^\p{L}\p{N}]+/gu, "") === fold(words[i]).replace(/[^\p{L}\p{N}]+/gu, "");
    });
    return same ? words.slice(title.length) : words;
  }

  function excerptNode(data, terms) {
    var words = bodyWords(data);
    var hits = words.map(function (w) { return terms.length > 0 && matches(w, terms); });
    var best = -1, bestScore = 0;
    for (var i = 0; i < words.length; i++) {
      if (!hits[i]) continue;
      var seen = {};
      for (var j = i; j < Math.min(words.length, i + LENGTH); j++) {
        if (hits[j]) seen[fold(words[j]).replace(/[^\p{L}\p{N}]+/gu, "")] = true;
      }
      var score = Object.keys(seen).length;
      if (score > bestScore) { bestScore = score; best = i; }
    }
    // Start at the match, or at its sentence's first word when that is only a few words back.
    var start = Math.max(best, 0);
    for (var b = 1; best > 0 && b <= BACK && start - 1 >= 0; b++) {
      if (/[.;:!?]$/.test(words[best - b])) { start = best - b + 1; break; }
      if (best - b === 0) { start = 0; break; }
    }
    var p = document.createElement("p");
    p.className = "vb-result__excerpt";
    if (start > 0) p.append("… ");
    var end = Math.min(words.length, start + LENGTH);
    for (var k = start; k < end; k++) {
      if (k > start) p.append(" ");
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
  // Ranking: Pagefind's order, the first results re-ranked by their subject, newer first among equals
  // ----------------------------------------------------------------------------------------------

  var RERANK = 30;

  /** "18/03/2025" → "2025-03-18"; "03/2025" → "2025-03-00"; "" → "0000-00-00" (the sort values). */
  function isoDate(display) {
    var parts = (display || "").split("/").reverse();
    while (parts.length < 3) parts.push("00");
    return (parts[0] || "0000") + "-" + parts[1] + "-" + parts[2];
  }

  /** How a loaded result ranks, compared left to right (higher first):
   *  1. how much its subject says what the query says: with at least three quarters of the query's
   *     words in it, each quarter counts 1, the words side by side 1 more, the subject beginning
   *     with them 1, being them 1;
   *  2. whether its text holds the query's words side by side;
   *  3. for a subject that matches, the share of the subject that the query is (in half powers of two: the
   *     shorter, more specific subject first), then the newer date, then Pagefind's score (5 % bands);
   *     for a text-only match, Pagefind's score, then the newer date. */
  function rankKey(item, parsed) {
    var words = parsed.words.concat.apply(parsed.words, parsed.phrases);
    var distinct = words.filter(function (w, i) { return words.indexOf(w) === i; });
    var subject = queryTerms(item.data.meta.subject || "");
    var found = distinct.filter(function (w) { return subject.indexOf(w) >= 0; }).length;
    var cover = distinct.length ? found / distinct.length : 0;
    var level = cover >= 0.75 ? Math.round(4 * cover) : 0; // one word of two is no subject match
    var joined = " " + subject.join(" ") + " ", phrase = " " + words.join(" ") + " ";
    if (words.length > 1 && joined.indexOf(phrase) >= 0) level += 1;
    if (words.length && joined.indexOf(phrase) === 0) level += 1;
    if (words.length && joined === phrase) level += 1;
    var inText = words.length > 1 && holdsPhrase(item.data.content || "", words) ? 1 : 0;
    var density = found ? Math.round(2 * Math.log2(found / subject.length)) : -99;
    var band = Math.round(Math.log(Math.max(Math.abs(item.score), 1e-300)) * 20);
    var date = isoDate(item.data.meta.date);
    return level ? [level, inText, density, date, band] : [0, inText, 0, band, date];
  }

  /** Re-rank loaded results ({score, data, at}) by `rankKey`, then Pagefind's order. */
  function rerank(items, parsed) {
    items.forEach(function (it) { it.key = rankKey(it, parsed); });
    return items.sort(function (a, b) {
      for (var i = 0; i < a.key.length; i++) {
        if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i] ? 1 : -1;
      }
      return a.at - b.at;
    });
  }

  // ----------------------------------------------------------------------------------------------
  // The page
  // ----------------------------------------------------------------------------------------------

  var form = document.getElementById("vb-search");
  var api = { fold: fold, numberKey: numberKey, numberShard: numberShard, pagefindQuery: pagefindQuery,
              numberQuery: numberQuery, parseQuery: parseQuery };
  if (!form) {
    window.VanbanSearch = api;
    return;
  }
  var input = document.getElementById("vb-q");
  var status = document.getElementById("vb-search-status");
  var near = document.getElementById("vb-search-near");
  var list = document.getElementById("vb-search-results");
  var more = document.getElementById("vb-search-more");
  var all = document.getElementById("vb-search-all");
  var options = document.getElementById("vb-search-options");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-vb-filter]"));
  var sortSelect = form.querySelector("select[name=sap-xep]");
  var from = form.querySelector("input[name=tu]");
  var to = form.querySelector("input[name=den]");

  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  input.value = query;
  var header = document.getElementById("vb-header-q");
  if (header) header.value = query;
  selects.forEach(function (s) { addOption(s, params.get(s.name) || "", null, true); });
  var ISO = /^\d{4}-\d{2}-\d{2}$/;
  var range = { from: ISO.test(params.get("tu") || "") ? params.get("tu") : "",
                to: ISO.test(params.get("den") || "") ? params.get("den") : "" };
  from.value = range.from;
  to.value = range.to;
  var choice = params.get("sap-xep") || "";
  if (choice === "phu-hop") choice = ""; // the former name of the default
  sortSelect.value = choice;
  if (sortSelect.value !== choice) { choice = ""; sortSelect.value = ""; }

  // Phones fold the filters behind "Lọc và sắp xếp"; wider screens show them. Chosen filters show.
  var chosen = selects.some(function (s) { return params.get(s.name); }) || range.from || range.to || choice;
  if (chosen || window.matchMedia("(min-width: 600px)").matches) options.open = true;

  // Empty fields stay out of the URL; a changed filter searches at once.
  form.addEventListener("submit", function () {
    form.querySelectorAll("select, input").forEach(function (el) { if (!el.value) el.disabled = true; });
  });
  form.querySelectorAll("select, input[type=date]").forEach(function (s) {
    s.addEventListener("change", function () { form.requestSubmit(); });
  });
  // The lists' counts are read when the filters are open: on a phone when the reader opens them,
  // on a wider screen once the search has answered (they never delay the first results).
  var counts = null, settled = false;
  function wantCounts() { if (!counts) counts = fillFilters(); return counts; }
  options.addEventListener("toggle", function () { if (options.open && settled) wantCounts(); });

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
      form.dataset.counts = "1";
    }).catch(function () { /* the lists keep the chosen value only */ });
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (s) { if (params.get(s.name)) filters[s.dataset.vbFilter] = params.get(s.name); });
    return filters;
  }

  /** The `ngay` filter values of a date range: each day, and a month ("2023-01-00") or a year
   *  ("2023-00-00") that a document dated only so far lies in when the range holds all of it. */
  function rangeDates(first, last) {
    var out = [];
    var day = new Date(first + "T00:00:00Z"), end = new Date(last + "T00:00:00Z");
    for (var n = 0; day <= end && n < 40 * 366; n++, day.setUTCDate(day.getUTCDate() + 1)) {
      var iso = day.toISOString().slice(0, 10);
      out.push(iso);
      var next = new Date(day.getTime() + 86400000).toISOString().slice(0, 10);
      var monthStart = iso.slice(0, 8) + "01", yearStart = iso.slice(0, 5) + "01-01";
      if (next.slice(0, 7) !== iso.slice(0, 7) && monthStart >= first) out.push(iso.slice(0, 8) + "00");
      if (next.slice(0, 4) !== iso.slice(0, 4) && yearStart >= first) out.push(iso.slice(0, 5) + "00-00");
    }
    return out;
  }

  function dateText(iso) { return iso.split("-").reverse().join("/"); }

  function numberItem(entry, cls) {
    var li = document.createElement("li");
    li.className = cls;
    var meta = document.createElement("p");
    meta.className = "vb-result__meta";
    var type = document.createElement("span");
    type.className = "vb-result__number";
    type.textContent = entry[1];
    meta.append(type);
    if (entry[2]) meta.append(" · ngày " + entry[2]);
    var title = document.createElement(cls === "vb-result" ? "h2" : "p");
    title.className = cls === "vb-result" ? "vb-result__title" : "vb-near__title";
    var a = document.createElement("a");
    a.href = new URL(entry[0], siteRoot).pathname;
    a.textContent = entry[3];
    title.append(a);
    li.append(meta, title);
    return li;
  }

  /** A number query, answered from the number map: the documents with that number first, or a plain
   *  "no such document", then the documents whose number has the same numeral. */
  function answerNumber(asked) {
    var label = asked.shown + (asked.year ? " năm " + asked.year : "");
    return getJSON(NUMBER_MAP + numberShard(asked.key || asked.numeral) + ".json").catch(function () {
      return null;
    }).then(function (map) {
      if (!map) {
        say("Không tải được sổ số ký hiệu. Hãy tải lại trang.");
        return;
      }
      var exact = [], others = [];
      Object.keys(map).sort().forEach(function (key) {
        var sameKey = asked.key ? key === asked.key : key.split("/")[0] === asked.numeral;
        if (!sameKey && key.split("/")[0] !== asked.numeral) return;
        map[key].forEach(function (e) {
          var inYear = !asked.year || (e[2] || "").slice(-4) === asked.year;
          (sameKey && inYear ? exact : others).push(e);
        });
      });
      var newest = function (a, b) { return isoDate(b[2]) < isoDate(a[2]) ? -1 : isoDate(b[2]) > isoDate(a[2]) ? 1 : 0; };
      exact.sort(newest);
      others.sort(newest);
      exact.forEach(function (e) { list.append(numberItem(e, "vb-result")); });
      // Found by its whole number: say it as printed ("1562/UBND-KT", the last word of "Công văn 1562/UBND-KT").
      if (exact.length && asked.key) label = exact[0][1].split(" ").pop() + (asked.year ? " năm " + asked.year : "");
      say(exact.length ? (exact.length === 1 ? "Văn bản số " + label + ":" : "Có " + exact.length + " văn bản số " + label + ":")
        : "Không có văn bản số " + label + " trong kho.");
      if (others.length) {
        var ul = near.querySelector("ul");
        others.slice(0, 10).forEach(function (e) { ul.append(numberItem(e, "vb-near")); });
        near.hidden = false;
      }
      var text = document.getElementById("vb-search-text");
      text.querySelector("a").href = "?q=" + encodeURIComponent("\"" + asked.shown + "\"");
      text.querySelector("a").textContent = "Tìm “" + asked.shown + "” trong toàn văn các văn bản";
      text.hidden = false;
    });
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
    a.href = data.url.replace(TITLE_ANCHOR, "");
    a.textContent = data.meta.subject || data.meta.title || data.url;
    title.append(a);
    li.append(meta, title);
    if (terms.length) li.append(excerptNode(data, terms));
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
    var hasRange = !!(range.from || range.to);
    var hasFilters = Object.keys(filters).length > 0 || hasRange;
    if (!query && !hasFilters) {
      say("Nhập từ khóa hoặc số ký hiệu, hoặc chọn một bộ lọc để xem văn bản.");
      return Promise.resolve();
    }
    var asked = query ? numberQuery(query) : null;
    if (asked) return answerNumber(asked);
    if (range.from && range.to && range.from > range.to) {
      say("Ngày “từ” (" + dateText(range.from) + ") sau ngày “đến” (" + dateText(range.to) + "): hãy sửa khoảng thời gian.");
      return Promise.resolve();
    }
    say("Đang tìm…");
    var order = { "": null, "moi-nhat": "desc", "cu-nhat": "asc" }[choice];
    if (!query && !order) order = "desc"; // relevance needs words: filters alone list newest first
    var parsed = parseQuery(query);
    var allWords = parsed.words.concat.apply(parsed.words, parsed.phrases);
    var term = query ? pagefindQuery(query.replace(/["“”]/g, " ")) : null;
    var terms = allWords;
    var what = query ? " cho “" + query.replace(/^["“]([^"“”]*)["”]$/, "$1") + "”" : "";
    var sortOptions = { filters: filters };
    if (order) sortOptions.sort = { date: order };

    var pf, buckets, placeholder, merged = 0, results = [], shown = 0;
    // Results whose data is loaded (re-ranked, checked), and how far into `results` that went.
    var ready = [], looked = 0, reranked = false, dropped = 0;
    var CHECK_LIMIT = 150; // a phrase is checked in at most this many documents that have its words
    // By relevance, the titles index is read first (`titles`); the buckets only when its matches are
    // all shown. `seen` holds the addresses shown from it, left out of the buckets' results.
    var titles = null, seen = {}, bodyShown = 0;

    // Pagefind leaves out a word that an index does not have at all: in a bucket without "đường",
    // "cải cách đường" would list every "cải cách" of that year. Each word (as Pagefind splits the
    // query: on spaces) is also searched alone, which reads the chunks the whole query read, nothing
    // more. Sorted by date, the bucket of a result shows in its score, and a bucket's results count
    // only if it has every word; by relevance, a word that no loaded bucket has leaves no result
    // (and a result that lacks a word is dropped when its data is read: `holdsWords`).
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
          return done.then(function () { return pf.search(t, sortOptions); }).then(function (r) { found.push(r); });
        }, Promise.resolve()).then(function () { return found; });
      }).then(function (found) {
        results = found[0].results;
        ready = []; looked = 0; reranked = false; dropped = 0; bodyShown = 0;
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
     *  rounds for a rare word, little read past what a page needs). A phrase reads every bucket. */
    function fill(wanted) {
      if (results.length >= wanted || merged >= buckets.length) return Promise.resolve();
      var count = buckets.length;
      if (!parsed.phrases.length) {
        count = merged === 0 ? 1 : results.length === 0 ? merged
          : Math.min(merged, Math.ceil(merged * (wanted - results.length) / results.length));
      }
      return merge(Math.max(1, count)).then(function () { return fill(wanted); });
    }

    /** Whether a text holds every word of the query (the last may be the start of a word: the reader
     *  may still be typing it) and every phrase. Pagefind also matches a word by its beginning ("the"
     *  finds "thể", "bong" finds "bổng"): such a result is not shown. */
    function holds(text) {
      var have = {};
      queryTerms(text).forEach(function (w) { have[w] = true; });
      var last = allWords[allWords.length - 1];
      var wordsOk = allWords.every(function (w, i) {
        if (have[w]) return true;
        return i === allWords.length - 1 && last.length > 1 && Object.keys(have).some(function (h) { return h.indexOf(last) === 0; });
      });
      return wordsOk && parsed.phrases.every(function (p) { return holdsPhrase(text, p); });
    }

    /** A titles-index record carries what its result shows (date, issuer, status, the opening of
     *  the text…) as the JSON value of its filter `hien_thi`: Pagefind indexes every meta value as
     *  words, filters it does not (vanban.search.title_records). */
    function shownMeta(data) {
      var shown = data.filters && data.filters.hien_thi;
      if (shown && shown.length) data.meta = Object.assign({}, data.meta, JSON.parse(shown[0]));
      return data;
    }

    function textOf(data) { return (data.meta.title || "") + " " + (data.content || ""); }

    /** Load the data of results until `wanted` hold the query's words and phrases (with a phrase, all
     *  results up to CHECK_LIMIT; without, until CHECK_LIMIT were seen to lack a word); by relevance,
     *  the first RERANK are re-ranked once loaded. */
    function prepare(wanted) {
      var need = Math.max(0, wanted - ready.length);
      var target = parsed.phrases.length ? Math.min(results.length, CHECK_LIMIT) : Math.min(results.length, looked + need);
      if (!order && !reranked) target = Math.max(target, Math.min(results.length, RERANK));
      if (target <= looked) {
        if (!order && !reranked) reranked = true;
        return Promise.resolve();
      }
      var batch = results.slice(looked, target).map(function (r, i) { return { r: r, at: looked + i }; });
      looked = Math.max(looked, target);
      return Promise.all(batch.map(function (it) { return it.r.data(); })).then(function (datas) {
        batch.forEach(function (it, i) {
          if (datas[i].url === placeholder) return;
          if (holds(textOf(datas[i]))) {
            ready.push({ score: it.r.score, data: datas[i], at: it.at });
          } else {
            dropped += 1;
          }
        });
        if (!order && !reranked) {
          reranked = true;
          if (!window.VANBAN_NO_RERANK) ready = rerank(ready, parsed);
        }
        if (!parsed.phrases.length && ready.length < wanted && looked < results.length && dropped < CHECK_LIMIT) {
          return prepare(wanted);
        }
      });
    }

    function total() {
      // With a phrase, only checked results count; the others are not known to hold it. Without,
      // Pagefind's count less the results seen not to hold the words.
      return parsed.phrases.length ? ready.length : results.length - dropped;
    }

    /** The titles index (relevance only): every document whose type, number or subject holds the
     *  query, over the whole archive; loaded `RERANK` at a time and the first ones re-ranked. */
    function titleSource(paths) {
      var source = { results: [], items: [], looked: 0, dropped: 0, shown: 0 };
      source.load = function (wanted) {
        if (source.items.length >= wanted || source.looked >= source.results.length) return Promise.resolve();
        var first = source.looked === 0;
        var batch = source.results.slice(source.looked, source.looked + Math.max(RERANK, wanted - source.items.length));
        var at = source.looked;
        source.looked += batch.length;
        return Promise.all(batch.map(function (r) { return r.data().then(shownMeta); })).then(function (datas) {
          var fresh = [];
          datas.forEach(function (data, i) {
            if (holds(textOf(data))) fresh.push({ score: batch[i].score, data: data, at: at + i, title: true });
            else source.dropped += 1;
          });
          if (first && !window.VANBAN_NO_RERANK) fresh = rerank(fresh, parsed);
          source.items = source.items.concat(fresh);
          return source.load(wanted);
        });
      };
      source.count = function () { return source.results.length - source.dropped; };
      source.done = function () { return source.shown >= source.items.length && source.looked >= source.results.length; };
      // A large archive's titles index is in parts (a Pagefind index holds each record in memory while
      // it is written): merged together, they answer one search.
      return Promise.all(paths.map(function (path) {
        return pf.mergeIndex(new URL("pagefind/" + path + "/", siteRoot).pathname, { indexWeight: 1, baseUrl: siteRoot.pathname });
      })).then(function () { return pf.search(term, { filters: sortOptions.filters }); })
        .then(function (found) { source.results = found.results; return source.load(RERANK); })
        .then(function () { return source; });
    }

    /** The next `count` results to show: the titles' matches first (by relevance), then the buckets'. */
    function next(count) {
      var out = [];
      function fromTitles() {
        if (!titles || titles.done() || out.length >= count) return Promise.resolve();
        return titles.load(titles.shown + count - out.length).then(function () {
          var slice = titles.items.slice(titles.shown, titles.shown + count - out.length);
          titles.shown += slice.length;
          slice.forEach(function (it) { seen[it.data.url.replace(TITLE_ANCHOR, "")] = true; out.push(it); });
          if (!slice.length) titles.looked = titles.results.length;
          return fromTitles();
        });
      }
      function fromBuckets() {
        if (out.length >= count) return Promise.resolve();
        // A merge re-orders the buckets' results (`ready` starts again): what was shown is skipped.
        var wanted = bodyShown + count - out.length;
        var before = [ready.length, looked, merged].join();
        return fill(wanted).then(function () { return prepare(wanted); }).then(function () {
          while (bodyShown < ready.length && out.length < count) {
            var it = ready[bodyShown++];
            if (!seen[it.data.url]) { seen[it.data.url] = true; out.push(it); }
          }
          var moved = [ready.length, looked, merged].join() !== before;
          if (out.length < count && (bodyShown < ready.length || moved)) return fromBuckets();
        });
      }
      return fromTitles().then(function () {
        if (titles && !titles.done()) return;
        return fromBuckets();
      }).then(function () { return out; });
    }

    function page() {
      return next(PAGE_SIZE).then(function (items) {
        shown += items.length;
        items.forEach(function (it) { list.append(resultItem(it.data, terms)); });
        report();
      });
    }

    function report() {
      var titlesLeft = titles && !titles.done();
      var bodyLeft = bodyShown < ready.length || looked < results.length;
      more.hidden = !(titlesLeft || bodyLeft || (merged > 0 && merged < buckets.length) || (titles && merged === 0 && buckets.length));
      all.hidden = merged >= buckets.length || (titles && merged === 0);
      var count = total();
      var partial = parsed.phrases.length && looked < results.length
        ? " (đã xét " + looked + " văn bản đầu tiên có đủ các từ)" : "";
      var about = !parsed.phrases.length && dropped && looked < results.length ? "khoảng " : "";
      if (titles && merged === 0) {
        say("Tìm thấy " + titles.count() + " văn bản có" + what.slice(4) + " trong số ký hiệu hoặc trích yếu" +
            (buckets.length ? "; bấm “Xem thêm kết quả” để tìm cả trong toàn văn." : "."));
      } else if (titles) {
        count = Math.max(count, titles.count(), shown);
        if (merged >= buckets.length) say("Tìm thấy " + about + count + " văn bản" + what + partial + ".");
        else say("Tìm thấy ít nhất " + count + " văn bản" + what + " (toàn văn: từ " + buckets[merged - 1].label + " đến nay).");
      } else if (merged >= buckets.length) {
        say("Tìm thấy " + about + count + " văn bản" + what + partial + ".");
      } else if (order !== "asc") {
        say("Tìm thấy " + about + count + " văn bản" + what + " từ " + buckets[merged - 1].label + " đến nay.");
      } else {
        var last = buckets[merged - 1].label;
        say("Tìm thấy " + about + count + " văn bản" + what + (last === "không rõ năm"
          ? " trong các văn bản không rõ năm ban hành." : " ban hành đến hết " + last + "."));
      }
    }

    function searchAll() {
      all.disabled = true;
      return merge(buckets.length).then(function () { all.disabled = false; report(); });
    }

    var lists = [loadPagefind(), getJSON(BUCKETS), order ? Promise.resolve(null) : getJSON(TITLES).catch(function () { return null; })];
    return Promise.all(lists).then(function (loaded) {
      pf = loaded[0];
      placeholder = loaded[1].placeholder;
      var manifest = loaded[1];
      if (hasRange) {
        var years = manifest.buckets.map(function (b) { return b.year; }).filter(Boolean).sort();
        var first = range.from || (years[0] || "1900") + "-01-01";
        var last = range.to || (years[years.length - 1] || "2100") + "-12-31";
        sortOptions.filters = Object.assign({}, filters, { ngay: { any: rangeDates(first, last) } });
        manifest = { buckets: manifest.buckets.filter(function (b) {
          return b.year && b.year >= first.slice(0, 4) && b.year <= last.slice(0, 4);
        }) };
      }
      buckets = plan(manifest, order, filters.nam);
      if (!loaded[2]) return;
      return titleSource(loaded[2].paths).then(function (source) {
        titles = source;
        // The buckets' searches now meet the titles' records too: keep to the full text.
        sortOptions.filters = Object.assign({}, sortOptions.filters, { nguon: "toan-van" });
      });
    }).then(function () {
      return next(PAGE_SIZE);
    }).then(function (items) {
      if (!items.length) {
        say("Không tìm thấy văn bản nào" + what + ". Hãy thử từ khóa ngắn hơn, bỏ bớt bộ lọc hoặc kiểm tra số ký hiệu.");
        return;
      }
      shown += items.length;
      items.forEach(function (it) { list.append(resultItem(it.data, terms)); });
      report();
      all.textContent = order === "asc" ? "Tìm cả trong các năm sau" : "Tìm cả trong các năm trước";
      more.addEventListener("click", function () { window.VanbanSearch.done = page(); });
      all.addEventListener("click", function () { window.VanbanSearch.done = searchAll(); });
    }).catch(function (err) {
      say("Không tải được chỉ mục tìm kiếm. Hãy tải lại trang; nếu vẫn lỗi, tra cứu qua danh sách văn bản.");
      if (window.console) console.error(err);
    });
  }

  var searched = run();
  api.done = searched.then(function () { settled = true; return options.open ? wantCounts() : null; });
  window.VanbanSearch = api;
})();
