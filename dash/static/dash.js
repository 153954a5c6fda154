// Draws the charts the server described, and shows a ledger task's history on click.
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    if (!window.echarts) { el.textContent = "图表脚本未加载"; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(JSON.parse(el.getAttribute("data-chart")));
    chart.on("click", function (params) {
      if (params.data && params.data.id) { showTask(params.data.id); }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  var panel = document.getElementById("panel");
  if (!panel) { return; }
  var body = panel.querySelector(".panel-body");
  function close() { panel.hidden = true; }
  panel.querySelector(".close").addEventListener("click", close);
  panel.addEventListener("click", function (e) { if (e.target === panel) { close(); } });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function showTask(id) {
    body.replaceChildren(el("p", "正在读取……", "muted"));
    panel.hidden = false;
    fetch("/dash/ledger/" + encodeURIComponent(id) + ".json", { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        var d = res.data;
        if (!res.ok) { body.replaceChildren(el("p", d.error || "读取失败")); return; }
        var nodes = [el("h2", "#" + d.id + " " + d.problem)];
        nodes.push(el("p", "类别：" + d.category + "　时限：" + (d.deadline || "长期") + "　" + (d.status === "closed" ? "已销号" : "未销号"), "muted"));
        if (d.measures) { nodes.push(el("p", "措施：" + d.measures)); }
        var list = el("ul", null, "history");
        if (!d.history.length) { list.appendChild(el("li", "还没有进展记录")); }
        d.history.forEach(function (h) {
          var li = el("li");
          li.appendChild(el("div", h.at + " · " + h.kind + (h.author ? " · " + h.author : ""), "meta"));
          li.appendChild(el("div", h.text));
          list.appendChild(li);
        });
        nodes.push(list);
        body.replaceChildren.apply(body, nodes);
      })
      .catch(function () { body.replaceChildren(el("p", "网络出错，请稍后再试")); });
  }

  document.querySelectorAll("tr[data-task]").forEach(function (row) {
    function open() { showTask(row.getAttribute("data-task")); }
    row.addEventListener("click", open);
    row.addEventListener("keydown", function (e) { if (e.key === "Enter") { open(); } });
  });
})();
