// Filters (verdict, source, text search) for the claim table and claim cards. State lives in the URL hash:
// #verdict=refuted&source=pu2026&q=jacobian pre-sets the filters (works offline, from file://).
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var verdict = form.querySelector("[name=verdict]"), source = form.querySelector("[name=source]"),
      query = form.querySelector("[name=q]"), count = document.getElementById("filter-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-claim]"));
  var total = document.querySelectorAll("tr[data-claim]").length;

  function readHash() {
    var h = window.location.hash.slice(1);
    if (h.indexOf("=") < 0) { return; }
    var p = new URLSearchParams(h);
    if (p.has("verdict")) { verdict.value = p.get("verdict"); if (!verdict.value) { verdict.value = "all"; } }
    if (p.has("source")) { source.value = p.get("source"); if (!source.value) { source.value = "all"; } }
    if (p.has("q")) { query.value = p.get("q"); }
  }

  function matches(el, v, s, q) {
    var d = el.dataset;
    var okV = v === "all" || d.verdict === v || (v === "holds" && (d.verdict === "proved" || d.verdict === "supported"))
      || (v === "unexpected" && d.passed !== "true");
    var okS = s === "all" || d.source === s;
    var okQ = !q || d.search.indexOf(q) >= 0;
    return okV && okS && okQ;
  }

  function apply(write) {
    var v = verdict.value, s = source.value, q = query.value.trim().toLowerCase(), shown = 0;
    items.forEach(function (el) {
      var ok = matches(el, v, s, q);
      el.hidden = !ok;
      if (ok && el.tagName === "TR") { shown += 1; }
    });
    document.querySelectorAll("[data-group]").forEach(function (g) {
      g.hidden = g.querySelector("[data-claim]:not([hidden])") === null;
    });
    count.textContent = shown === total ? "showing all " + total + " claims" : "showing " + shown + " of " + total + " claims";
    document.getElementById("no-match").hidden = shown !== 0;
    if (write) {
      var p = new URLSearchParams();
      if (v !== "all") { p.set("verdict", v); }
      if (s !== "all") { p.set("source", s); }
      if (q) { p.set("q", q); }
      var h = p.toString();
      history.replaceState(null, "", h ? "#" + h : window.location.pathname + window.location.search);
    }
  }

  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  window.addEventListener("hashchange", function () { readHash(); apply(false); });
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      var text = b.parentNode.querySelector("pre").textContent;
      var done = function () { b.textContent = "copied"; setTimeout(function () { b.textContent = "copy"; }, 1200); };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, function () {}); }
      else { var r = document.createRange(); r.selectNodeContents(b.parentNode.querySelector("pre"));
             var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }
    });
  });
  readHash();
  apply(false);
  document.documentElement.dataset.filtersReady = "true";
})();
window.addEventListener("load", function () {
  document.documentElement.dataset.loadMs = String(Math.round(performance.now()));
});
