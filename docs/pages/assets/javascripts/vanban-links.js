/* Kho văn bản — copy buttons: "Chép trích dẫn" and the "¶" pinpoint links of a directive's text.
 * Progressive enhancement: without JavaScript the citation is plain text on the page and each "¶"
 * is an ordinary link to its anchor. Served from this site (CSP script-src 'self'), no inline code. */
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

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var pin = target.closest("a.vb-pin");
    if (pin) {
      // The link still moves the page to its anchor; copying comes on top.
      var url = pinUrl(pin);
      copyText(url).then(
        function () { announce("Đã chép liên kết: " + url); },
        function () { announce("Không chép được tự động; liên kết nằm trên thanh địa chỉ."); }
      );
      return;
    }
    var button = target.closest("button[data-vb-copy]");
    if (button) {
      var status = button.parentElement.querySelector(".vb-copy__status");
      copyText(button.getAttribute("data-vb-copy")).then(
        function () { if (status) status.textContent = button.getAttribute("data-vb-copied") || "Đã chép."; },
        function () { if (status) status.textContent = "Không chép được tự động: hãy bôi đen đoạn trích dẫn ở trên và chép."; }
      );
    }
  });

  // The buttons only work with JavaScript: show them now.
  document.querySelectorAll(".vb-cite__actions[hidden]").forEach(function (el) { el.hidden = false; });
})();
