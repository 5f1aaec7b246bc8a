// The memorial's search: each row carries its search key, computed by qantar in Python
// (every published spelling, folded: qantar.publish.search_key), so this script only folds
// what was typed the same way and compares. No inline script: the page works under a strict
// Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  // The same folding as qantar.publish.fold: lower case, no diacritics.
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var q = document.getElementById("q");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#list tbody tr"));
  var count = document.getElementById("count");
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");
  function shown(n) {
    var form = count.getAttribute("data-" + plural.select(n)) ||
      count.getAttribute("data-other") || "%(num)s";
    return form.replace("%(num)s", String(n));
  }
  function filter() {
    var words = fold(q.value).split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (tr) {
      var key = tr.getAttribute("data-key");
      var hit = words.every(function (w) { return key.indexOf(w) !== -1; });
      tr.style.display = hit ? "" : "none";
      if (hit) { n += 1; }
    });
    count.textContent = shown(n);
  }
  q.addEventListener("input", filter);
  // A search can be linked to: index.html#q=Ахметов
  if (location.hash.indexOf("#q=") === 0) {
    q.value = decodeURIComponent(location.hash.slice(3));
    filter();
  }
})();
