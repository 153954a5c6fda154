// The try-it page: send as the chosen demo person, then poll the outbox for replies and group pushes.
(function () {
  "use strict";
  var who = document.getElementById("who");
  var log = document.getElementById("log");
  var pushes = document.getElementById("pushes");
  var form = document.getElementById("say");
  var input = document.getElementById("text");
  var button = form.querySelector("button");
  var person = "";
  var last = 0;
  var timer = null;

  function text(node, value) {
    // Links the bot sends (the 看板 login link) become clickable; everything else stays plain text.
    var parts = String(value).split(/(https?:\/\/[^\s]+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = document.createElement("a");
        a.href = part; a.textContent = part; a.target = "_blank"; a.rel = "noopener";
        node.appendChild(a);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function bubble(target, cls, meta, body) {
    var div = document.createElement("div");
    div.className = "msg " + cls;
    if (meta) { var m = document.createElement("span"); m.className = "meta"; m.textContent = meta; div.appendChild(m); }
    text(div, body);
    target.appendChild(div);
    target.scrollTop = target.scrollHeight;
  }

  function poll() {
    if (!person) { return Promise.resolve(); }
    var asked = person;
    return fetch("/try/feed?person=" + encodeURIComponent(person) + "&after=" + last)
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (asked !== person || !data.items) { return; }
        document.getElementById("groups").textContent = data.groups.join("、");
        if (data.quick) { buttons(data.quick); }
        data.items.forEach(function (item) {
          // Two polls may overlap (after sending and on the timer): show each row once.
          if (item.id <= last) { return; }
          last = item.id;
          if (item.kind === "group") {
            var empty = document.getElementById("pushes-empty");
            if (empty) { empty.remove(); }
            bubble(pushes, "group", item.group + " · " + item.at, item.text);
          }
          else if (item.kind === "notice") { bubble(log, "notice", "通知 · " + item.at, item.text); }
          else { bubble(log, "bot", "助手 · " + item.at, item.text); }
        });
      })
      .catch(function () {});
  }

  // The one-tap messages this person may send: the server offers only what their role is served for.
  function buttons(list) {
    var row = document.getElementById("quick");
    var shown = Array.prototype.map.call(row.children, function (b) { return b.dataset.text; }).join("\n");
    if (shown === list.map(function (q) { return q.text; }).join("\n")) { return; }
    row.replaceChildren();
    list.forEach(function (q) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = q.label; b.dataset.text = q.text;
      row.appendChild(b);
    });
  }

  who.addEventListener("change", function () {
    person = who.value;
    last = 0;
    log.replaceChildren();
    var empty = document.createElement("p");
    empty.id = "pushes-empty"; empty.className = "muted"; empty.textContent = "这些群暂时还没有消息，有推送会自动出现在这里。";
    pushes.replaceChildren(empty);
    document.getElementById("quick").replaceChildren();
    input.disabled = button.disabled = !person;
    if (timer) { clearInterval(timer); timer = null; }
    if (person) { poll(); timer = setInterval(poll, 3000); input.focus(); }
  });

  function send(value) {
    value = value.trim();
    if (!person || !value) { return; }
    bubble(log, "me", "", value);
    fetch("/try/say", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ person: Number(person), text: value }) })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (res) { if (!res.ok) { bubble(log, "error", "", res.data.error || "发送失败"); } return poll(); })
      .catch(function () { bubble(log, "error", "", "网络出错，请再发一次"); });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(input.value); input.value = ""; });
  document.getElementById("quick").addEventListener("click", function (e) {
    if (e.target.tagName === "BUTTON") { send(e.target.dataset.text || e.target.textContent); }
  });
})();
