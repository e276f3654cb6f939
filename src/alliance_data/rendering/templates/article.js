(function () {
  "use strict";
  var doc = document;
  var text = doc.getElementById("article");
  var panel = doc.getElementById("panel");
  var body = doc.getElementById("panel-body");
  var tip = doc.getElementById("tip");
  var form = doc.getElementById("filters");
  var markers = {}, spans = {}, details = {}, signals = [];
  doc.querySelectorAll("a.cm").forEach(function (m) { markers[m.dataset.claim] = m; });
  doc.querySelectorAll("li.detail").forEach(function (d) { details[d.dataset.claim] = d; });
  doc.querySelectorAll("span.c").forEach(function (s) { (spans[s.dataset.claim] = spans[s.dataset.claim] || []).push(s); });
  doc.querySelectorAll("span.sig").forEach(function (s) { signals.push(s); });
  var selected = null, related = [];

  function each(id, fn) { (spans[id] || []).forEach(fn); if (markers[id]) fn(markers[id]); }
  function clear() {
    if (selected === null) return;
    each(selected, function (e) { e.classList.remove("sel"); });
    related.forEach(function (r) { each(r, function (e) { e.classList.remove("rel"); }); });
    signals.forEach(function (s) { s.classList.remove("on"); });
    selected = null; related = [];
  }
  function select(id, focus) {
    var d = details[id];
    if (!d) return false;
    clear();
    selected = id;
    each(id, function (e) { e.classList.add("sel"); });
    related = [];
    d.querySelectorAll("[data-goto]:not([data-self])").forEach(function (a) {
      if (a.dataset.goto !== id && related.indexOf(a.dataset.goto) < 0) related.push(a.dataset.goto);
    });
    related.forEach(function (r) { each(r, function (e) { e.classList.add("rel"); }); });
    var keys = [];
    d.querySelectorAll("[data-link]").forEach(function (l) { keys.push(l.dataset.link); });
    signals.forEach(function (s) {
      if (s.dataset.links.split(" ").some(function (k) { return keys.indexOf(k) >= 0; })) s.classList.add("on");
    });
    body.innerHTML = "";
    Array.prototype.forEach.call(d.children, function (child) { body.appendChild(child.cloneNode(true)); });
    panel.hidden = false;
    var m = markers[id];
    if (m) {
      m.scrollIntoView({ block: "center" });
      if (focus) m.focus({ preventScroll: true });
    }
    return true;
  }
  function go(id, focus) {
    if (select(id, focus) && location.hash !== "#" + id) history.replaceState(null, "", "#" + id);
  }
  function close() {
    var id = selected;
    clear();
    panel.hidden = true;
    hideTip();
    if (id && markers[id]) markers[id].focus();
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }

  text.addEventListener("click", function (event) {
    var target = event.target.closest("[data-claim]");
    if (!target || target.classList.contains("off")) return;
    event.preventDefault();
    go(target.dataset.claim, true);
  });
  text.addEventListener("keydown", function (event) {
    var target = event.target.closest("a.cm");
    if (target && (event.key === " " || event.key === "Spacebar")) {
      event.preventDefault();
      go(target.dataset.claim, true);
    }
  });
  function follow(event) {
    var link = event.target.closest("a[data-goto]");
    if (!link) return;
    event.preventDefault();
    go(link.dataset.goto, true);
  }
  body.addEventListener("click", follow);
  doc.getElementById("claims").addEventListener("click", follow);
  doc.getElementById("panel-close").addEventListener("click", close);
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && (selected !== null || !tip.hidden)) close();
  });
  window.addEventListener("hashchange", function () { select(decodeURIComponent(location.hash.slice(1)), true); });

  function showTip(target) {
    var d = details[target.dataset.claim];
    if (!d || target.classList.contains("off")) return;
    tip.innerHTML = "";
    tip.appendChild(d.querySelector(".summary").cloneNode(true));
    tip.appendChild(d.querySelector(".meta").cloneNode(true));
    var box = target.getBoundingClientRect();
    tip.hidden = false;
    var left = Math.min(box.left + window.scrollX, window.scrollX + doc.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = (box.bottom + window.scrollY + 6) + "px";
  }
  function hideTip() { tip.hidden = true; }
  text.addEventListener("mouseover", function (event) {
    var target = event.target.closest("[data-claim]");
    if (target) showTip(target); else hideTip();
  });
  text.addEventListener("mouseleave", hideTip);
  text.addEventListener("focusin", function (event) {
    var target = event.target.closest("a.cm");
    if (target) showTip(target);
  });
  text.addEventListener("focusout", hideTip);

  function value(id) { return doc.getElementById(id).value; }
  function filter() {
    var kind = value("f-kind"), topic = value("f-topic"), actor = value("f-actor"), cert = value("f-cert");
    var shown = 0, total = 0;
    Object.keys(details).forEach(function (id) {
      var d = details[id];
      var match = (!kind || d.dataset.kind === kind) && (!topic || d.dataset.topic === topic) &&
        (!cert || d.dataset.cert === cert) && (!actor || d.dataset.actors.split(" ").indexOf(actor) >= 0);
      total += 1;
      if (match) shown += 1;
      each(id, function (e) { e.classList.toggle("off", !match); });
      d.hidden = !match;
    });
    doc.getElementById("shown").textContent = shown + " of " + total + " claims shown";
  }
  ["f-kind", "f-topic", "f-actor", "f-cert"].forEach(function (id) { doc.getElementById(id).addEventListener("change", filter); });
  doc.getElementById("f-signals").addEventListener("change", function (event) {
    text.classList.toggle("show-signals", event.target.checked);
  });
  form.hidden = false;
  if (location.hash) select(decodeURIComponent(location.hash.slice(1)), true);
  hideTip();
})();
