// The report's behaviour, offline and from file://: filters (status, origin, source, text search) whose state
// lives in the URL hash (#status=refuted&source=pu2026&q=jacobian), permalinks that clear a filter hiding their
// target, expand/collapse all, sortable columns, copy buttons, embedded downloads, and statements that fit
// their box.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var fields = ["status", "origin", "source", "q"];
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-claim]"));
  var cards = {};
  document.querySelectorAll("[data-card]").forEach(function (el) { cards[el.dataset.card] = el; });
  rows.forEach(function (r) { r.dataset.compact = r.dataset.search.replace(/\s+/g, ""); });

  function control(name) { return form ? form.querySelector("[name=" + name + "]") : null; }
  function isFilterHash(h) { return h.indexOf("=") >= 0; }

  function readHash() {
    var h = decodeURIComponent(window.location.hash.slice(1));
    if (!isFilterHash(h)) { return false; }
    var p = new URLSearchParams(h);
    fields.forEach(function (f) {
      var c = control(f);
      if (!c) { return; }
      c.value = p.has(f) ? p.get(f) : (f === "q" ? "" : "all");
      if (!c.value && f !== "q") { c.value = "all"; }
    });
    if (p.has("verdict") && control("status")) { control("status").value = p.get("verdict"); }
    return true;
  }

  function matches(d, v, o, s, q) {
    var holds = d.status === "proved" || d.status === "supported" || d.status === "special-case";
    var okV = v === "all" || d.status === v || (v === "holds" && holds) || (v === "unexpected" && d.passed !== "true");
    var okQ = !q || d.search.indexOf(q) >= 0 || d.compact.indexOf(q.replace(/\s+/g, "")) >= 0;
    return okV && (o === "all" || d.origin === o) && (s === "all" || d.source === s) && okQ;
  }

  function apply(write) {
    if (!form) { return; }
    var v = control("status").value, o = control("origin").value, s = control("source").value;
    var q = control("q").value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (r) {
      var ok = matches(r.dataset, v, o, s, q);
      r.hidden = !ok;
      if (cards[r.dataset.claim]) { cards[r.dataset.claim].hidden = !ok; }
      if (ok) { shown += 1; }
    });
    document.querySelectorAll("[data-group]").forEach(function (g) {
      g.hidden = g.querySelector("tr[data-claim]:not([hidden]), [data-card]:not([hidden])") === null;
    });
    var count = document.getElementById("filter-count");
    count.textContent = shown === rows.length ? "showing all " + rows.length + " claims"
      : "showing " + shown + " of " + rows.length + " claims";
    document.getElementById("no-match").hidden = shown !== 0;
    if (write) {
      var p = new URLSearchParams();
      if (v !== "all") { p.set("status", v); }
      if (o !== "all") { p.set("origin", o); }
      if (s !== "all") { p.set("source", s); }
      if (q) { p.set("q", q); }
      var h = p.toString();
      history.replaceState(null, "", h ? "#" + h : window.location.pathname + window.location.search);
    }
  }

  function clearFilters() {
    fields.forEach(function (f) { var c = control(f); if (c) { c.value = f === "q" ? "" : "all"; } });
    apply(false);
  }

  function hiddenByFilter(el) {
    for (var n = el; n && n !== document.body; n = n.parentElement) { if (n.hidden) { return true; } }
    return false;
  }

  // Show the element a permalink points at: clear filters that hide it, open the details around it.
  function reveal(id) {
    var el = id && document.getElementById(id);
    if (!el) { return false; }
    if (hiddenByFilter(el)) { clearFilters(); }
    for (var n = el.parentElement; n; n = n.parentElement) { if (n.tagName === "DETAILS") { n.open = true; } }
    el.scrollIntoView();
    return true;
  }

  function onHash() {
    var h = decodeURIComponent(window.location.hash.slice(1));
    if (readHash()) { apply(false); } else if (h) { reveal(h); }
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a) { return; }
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (!id || isFilterHash(id)) { return; }
    var el = document.getElementById(id);
    if (el && hiddenByFilter(el)) {
      e.preventDefault();
      history.pushState(null, "", "#" + id);
      reveal(id);
    }
  });

  if (form) {
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById("clear-filters").addEventListener("click", function () { clearFilters(); apply(true); });
  }
  window.addEventListener("hashchange", onHash);

  var expand = document.getElementById("expand-all");
  if (expand) {
    expand.addEventListener("click", function () {
      var open = expand.getAttribute("aria-pressed") !== "true";
      document.querySelectorAll("main details").forEach(function (d) { d.open = open; });
      expand.setAttribute("aria-pressed", open ? "true" : "false");
      expand.textContent = open ? "Collapse all details" : "Expand all details";
    });
  }

  // Sortable columns: rows are sorted within their source group; the group row stays first.
  document.querySelectorAll("table.sortable th button[data-sort]").forEach(function (b) {
    b.addEventListener("click", function () {
      var th = b.parentNode, table = th.closest("table"), key = b.dataset.sort;
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th[aria-sort]").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      table.querySelectorAll("tbody").forEach(function (tb) {
        var items = Array.prototype.slice.call(tb.querySelectorAll("tr[data-claim]"));
        items.sort(function (x, y) {
          var a = x.dataset[key], c = y.dataset[key], na = parseFloat(a), nc = parseFloat(c);
          var r = (!isNaN(na) && !isNaN(nc)) ? na - nc : a.localeCompare(c);
          return asc ? r : -r;
        });
        items.forEach(function (r) { tb.appendChild(r); });
      });
    });
  });

  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      var pre = b.parentNode.querySelector("pre"), text = pre.textContent;
      var done = function () { b.textContent = "copied"; setTimeout(function () { b.textContent = "copy"; }, 1200); };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, function () {}); }
      else { var r = document.createRange(); r.selectNodeContents(pre);
             var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }
    });
  });

  var files = null;
  document.querySelectorAll("button.download").forEach(function (b) {
    b.addEventListener("click", function () {
      files = files || JSON.parse(document.getElementById("downloads").textContent);
      var name = b.dataset.file, data = files[name];
      var text = typeof data === "string" ? data : JSON.stringify(data, null, 1);
      var type = name.slice(-4) === ".csv" ? "text/csv" : "application/json";
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
  });

  // A statement wider than its box is set smaller (down to 70 %) when it comes into view; what still overflows
  // scrolls inside its box. Measuring only visible statements keeps the page fast to open.
  function fit(box) {
    box.style.fontSize = "";
    for (var size = 100; size > 70 && box.scrollWidth > box.clientWidth + 1; size -= 6) {
      box.style.fontSize = (1.08 * (size - 6) / 100) + "rem";
    }
    box.dataset.overflow = box.scrollWidth > box.clientWidth + 1 ? "true" : "false";
  }
  function fitAll() { document.querySelectorAll(".statement").forEach(fit); }
  var observer = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (en) { if (en.isIntersecting) { fit(en.target); } });
  }, { rootMargin: "300px" }) : null;
  document.querySelectorAll(".statement").forEach(function (box) { if (observer) { observer.observe(box); } });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".statement[data-overflow]").forEach(fit);
  });
  window.claimsReport = { fitAll: fitAll, clearFilters: clearFilters, reveal: reveal };

  // The contents are a sidebar, open, on wide screens and a closed block above the report on narrow ones.
  var toc = document.querySelector("#toc details"), wide = window.matchMedia && window.matchMedia("(min-width: 1200px)");
  if (toc && wide) {
    toc.open = wide.matches;
    wide.addEventListener("change", function (e) { toc.open = e.matches; });
  }
  onHash();
  if (!isFilterHash(decodeURIComponent(window.location.hash.slice(1)))) { apply(false); }
  if (!observer) { fitAll(); }
  document.documentElement.dataset.filtersReady = "true";
})();
window.addEventListener("load", function () {
  document.documentElement.dataset.loadMs = String(Math.round(performance.now()));
});
