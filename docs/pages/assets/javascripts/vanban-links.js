/* Kho văn bản — a directive page's small helpers: the copy buttons ("Chép trích dẫn", "Chép kèm ngày
 * truy cập", the "¶" pinpoint links), the citation of the paragraph a "¶" link points to, and the
 * "Thông tin văn bản" box unfolded on wide screens and in print.
 * Progressive enhancement: without JavaScript the citation is plain text on the page, each "¶" is
 * an ordinary link to its anchor and the box's facts still show from 600 px (CSS). Served from
 * this site (CSP script-src 'self'), no inline code. */
(function () {
  "use strict";

  var toast = null;
  var toastTimer = 0;

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("clipboard unavailable"));
  }

  // One polite live region for the "¶" links, so screen readers hear that the link was copied.
  function announce(message) {
    if (!toast) {
      toast = document.createElement("div");
      toast.className = "vb-toast";
      toast.setAttribute("role", "status");
      document.body.appendChild(toast);
    }
    toast.textContent = message;
    toast.classList.add("vb-toast--shown");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.classList.remove("vb-toast--shown"); }, 4000);
  }

  // The permalink of the page (canonical, not the mirror or localhost it is read on) + the anchor.
  function pinUrl(pin) {
    var canonical = document.querySelector('link[rel="canonical"]');
    var base = canonical ? canonical.href : location.href;
    return base.split("#")[0] + pin.getAttribute("href");
  }

  /* ---- The part of the document an anchor names, as Vietnamese citations say it ----------------
   * Anchors follow the document's numbering (vanban/anchors.py): "chuong-ii", "phan-i" (from
   * "Phần I" or "I."), "dieu-3", "muc-1" (a top-level "1."), then inside those "-2" (a numbered
   * paragraph, "1.2" as "-1-2"), "-a" / "-dd" (a point "a)", "đ)"), "-doan-3" (the 3rd unnumbered
   * paragraph), "_2" for a repeated number. "phan-i-2-a" reads "điểm a khoản 2 mục I". */
  // Words an anchor starts a numbered part with, and the numbers they take: a heading's slug that
  // begins alike ("muc-tieu" for "Mục tiêu") is no numbered part.
  var NUMBERED = { chuong: /^(?:[ivxlc]+|\d+)$/, phan: /^(?:[ivxlc]+|\d+)$/, dieu: /^\d+[a-z]?$/, muc: /^\d+$/, doan: /^\d+$/ };

  function upperRoman(s) { return s.toUpperCase(); }

  function pointLetter(s) { return s === "dd" ? "đ" : s; }

  function partLabel(id) {
    var el = document.getElementById(id);
    var text = el ? el.textContent.trim() : "";
    return /^Phần\s/i.test(text) ? "phần" : "mục";
  }

  function citedPart(id) {
    var segments = id.replace(/_\d+$/, "").split("-");
    var parts = [];        // outermost first: ["mục I", "khoản 2", "điểm a"]
    var prefix = [];       // the anchor of the enclosing "phan", to read how the text names it
    var inside = false;    // below a chương, phần/mục or điều: "1." is then a khoản
    for (var i = 0; i < segments.length; i++) {
      var s = segments[i];
      var next = segments[i + 1];
      if (NUMBERED[s] && NUMBERED[s].test(next || "")) {
        prefix.push(s, next);
        if (s === "chuong") parts.push("Chương " + upperRoman(next));
        else if (s === "phan") parts.push(partLabel(prefix.join("-")) + " " + upperRoman(next));
        else if (s === "dieu") parts.push("Điều " + next);
        else if (s === "muc") parts.push("mục " + next);
        else parts.push("đoạn " + next);
        inside = true;
        i++;
        continue;
      }
      if (/^\d+$/.test(s)) {
        var number = s;
        while (segments[i + 1] && /^\d+$/.test(segments[i + 1])) { number += "." + segments[++i]; }
        parts.push((inside ? "khoản " : "mục ") + number);
        inside = true;
        continue;
      }
      if (s === "dd" || /^[a-z]$/.test(s)) {
        parts.push("điểm " + pointLetter(s));
        continue;
      }
      return "";           // a heading's own slug ("quyet-dinh"): no numbered part to name
    }
    return parts.reverse().join(" ");
  }

  function pinTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return null;
    var el = document.getElementById(id);
    return el && el.closest(".vb-paper__body") ? id : null;
  }

  /* ---- "Chép trích dẫn" --------------------------------------------------------------------- */
  // The page's citation as the build wrote it: "{sentence}. Địa chỉ: <a>{permalink}</a>".
  var ADDRESS = ". Địa chỉ: ";
  var citeText = document.querySelector(".vb-cite__text");
  var citeLink = citeText && citeText.querySelector("a");
  var pageCitation = citeLink && {
    sentence: citeText.textContent.slice(0, citeText.textContent.lastIndexOf(ADDRESS)),
    url: citeLink.getAttribute("href")
  };

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  // The citation of the page, or of the part of it the address's anchor names:
  // {sentence, url}; "Khoản 2 mục I Kế hoạch số 12/KH-STTTT … ", "…/#phan-i-2".
  function cited() {
    var sentence = pageCitation.sentence;
    var url = pageCitation.url;
    var id = pinTarget();
    var part = id ? citedPart(id) : "";
    if (part) {
      sentence = part.charAt(0).toUpperCase() + part.slice(1) + " " + sentence;
      url += "#" + id;
    }
    return { sentence: sentence, url: url };
  }

  // The formal form, as the page shows it; with `accessed`, the access date that citing a web page
  // asks for: "…. Địa chỉ: https://…, truy cập ngày 03/12/2026."
  function citation(accessed) {
    var c = cited();
    return c.sentence + ADDRESS + c.url + (accessed ? ", truy cập ngày " + today() + "." : "");
  }

  // The citation shown on the page follows the anchor, so what is copied is what is read.
  function showCitation() {
    var c = cited();
    citeText.textContent = c.sentence + ADDRESS;
    citeLink.href = c.url;
    citeLink.textContent = c.url;
    citeText.appendChild(citeLink);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var pin = target.closest("a.vb-pin");
    if (pin) {
      // The link still moves the page to its anchor; copying comes on top.
      var url = pinUrl(pin);
      var part = citedPart(pin.getAttribute("href").slice(1));
      copyText(url).then(
        function () { announce("Đã chép liên kết" + (part ? " đến " + part : "") + ": " + url); },
        function () { announce("Không chép được tự động; liên kết nằm trên thanh địa chỉ."); }
      );
      return;
    }
    var button = target.closest("button[data-vb-copy]");
    if (button && pageCitation) {
      var status = button.parentElement.querySelector(".vb-copy__status");
      var accessed = button.getAttribute("data-vb-copy") === "accessed";
      copyText(citation(accessed)).then(
        function () { if (status) status.textContent = accessed ? "Đã chép trích dẫn kèm ngày truy cập." : "Đã chép trích dẫn."; },
        function () { if (status) status.textContent = "Không chép được tự động: hãy bôi đen đoạn trích dẫn ở trên và chép."; }
      );
    }
  });

  if (pageCitation) {
    window.addEventListener("hashchange", showCitation);
    showCitation();
  }

  // The buttons only work with JavaScript: show them now.
  document.querySelectorAll(".vb-cite__actions[hidden]").forEach(function (el) { el.hidden = false; });

  /* ---- "Thông tin văn bản": unfolded from 600 px and in print -------------------------------- */
  var info = document.querySelector("details.vb-info");
  if (info) {
    var wide = window.matchMedia("(min-width: 37.5em)");
    if (wide.matches) info.open = true;
    window.addEventListener("beforeprint", function () { info.open = true; });
  }
})();
