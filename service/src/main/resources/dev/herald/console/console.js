// The overview's live numbers: polls the console's own JSON every second (no inline script; CSP allows 'self' only).
// Values arrive already bounds-checked and formatted by the server; this only places them and draws the small chart.
(function () {
  var live = document.getElementById("live");
  if (!live) return;
  var source = live.getAttribute("data-source");
  var samples = [];
  function text(id, v) { var e = document.getElementById(id); if (e) e.textContent = v; }
  function draw() {
    var svg = document.getElementById("chart");
    if (!svg) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var ns = "http://www.w3.org/2000/svg", w = 640, h = 120, n = samples.length;
    var maxRate = 1, maxP99 = 1;
    samples.forEach(function (s) { maxRate = Math.max(maxRate, s.rate); maxP99 = Math.max(maxP99, s.p99); });
    [["rate", maxRate, "rate"], ["p99", maxP99, "p99"]].forEach(function (k) {
      var pts = samples.map(function (s, i) { return (i * w / Math.max(1, n - 1)).toFixed(1) + "," + (h - 4 - s[k[0]] / k[1] * (h - 8)).toFixed(1); });
      var line = document.createElementNS(ns, "polyline");
      line.setAttribute("points", pts.join(" "));
      line.setAttribute("class", k[2]);
      svg.appendChild(line);
    });
  }
  function poll() {
    fetch(source, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { window.location = "/console/sign-in"; return null; }
      return r.json();
    }).then(function (d) {
      if (!d) return;
      ["queued", "oldest", "claimed", "rate", "delivered", "failed", "dead"].forEach(function (k) { text(k, d[k]); });
      var body = document.querySelector("#steps tbody");
      if (body) {
        while (body.firstChild) body.removeChild(body.firstChild);
        d.steps.forEach(function (s) {
          var tr = document.createElement("tr");
          [s.step, s.count, s.p50, s.p99].forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
          body.appendChild(tr);
        });
      }
      var total = d.steps.filter(function (s) { return s.step === "total"; })[0];
      samples.push({ rate: Number(d.rate_value) || 0, p99: total ? Number(total.p99_value) || 0 : 0 });
      if (samples.length > 120) samples.shift();
      draw();
      live.setAttribute("data-updated", String(Date.now()));
    }).catch(function () { /* the next poll tries again */ });
  }
  poll();
  setInterval(poll, 1000);
})();
