// The waiting-room board: the day's calls from GET /api/v1/board, then each new call from the server-sent
// events of /board/events. Everything is written with textContent (never innerHTML): nothing the server
// sends is read as markup. No names exist here: a BoardCall has none.
"use strict";
(function () {
  var STATE_URL = "/api/v1/board";
  var EVENTS_URL = "/board/events";
  var PREVIOUS = 3; // smaller numbers under the current one, per room
  var FRESH_MS = 10000; // how long a new call stays highlighted
  var RESYNC_MS = 5 * 60 * 1000; // re-read the state now and then: a new day empties the board
  var RETRY_MS = 5000;
  var ON_BOARD = { called: true, recalled: true };

  var rooms = new Map(); // room → calls, newest first
  var cards = new Map(); // room → its <section>
  var freshTimers = new Map();
  var clockOffset = 0; // server time − this screen's time: TVs keep poor time
  var zone;
  var pending = null; // events that arrive while the state is being fetched
  var source = null;

  var $ = function (id) { return document.getElementById(id); };

  function calledAt(call) { return Date.parse(call.called_at) || 0; }

  function remember(call) {
    var list = (rooms.get(call.room) || []).filter(function (c) { return c.ticket_id !== call.ticket_id; });
    list.unshift(call); // the sort is stable: of two calls in the same second, the later-heard one leads
    list.sort(function (a, b) { return calledAt(b) - calledAt(a); });
    rooms.set(call.room, list.slice(0, PREVIOUS + 1));
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(room) {
    var section = cards.get(room);
    if (section) return section;
    section = el("section", "room");
    section.dataset.room = room;
    section.appendChild(el("h2", "room-name", room));
    section.appendChild(el("div", "queue-name"));
    var current = el("div", "current");
    current.appendChild(el("span", "label"));
    current.appendChild(el("span", "badge", "急"));
    section.appendChild(current);
    section.appendChild(el("div", "note"));
    section.appendChild(el("ol", "previous"));
    cards.set(room, section);
    return section;
  }

  function note(call) {
    if (call.status === "recalled") return "再次叫号 · 请到 " + call.room + " 就诊";
    if (call.status === "called") return "请到 " + call.room + " 就诊";
    if (call.status === "in_service") return "就诊中";
    return "";
  }

  function layout(count) {
    var cols = count <= 3 ? Math.max(count, 1) : count <= 4 ? 2 : count <= 6 ? 3 : 4;
    var root = document.documentElement.style;
    root.setProperty("--cols", String(cols));
    root.setProperty("--rows", String(Math.max(1, Math.ceil(count / cols))));
  }

  function render() {
    var main = $("rooms");
    var names = Array.from(rooms.keys()).sort(function (a, b) { return a.localeCompare(b, "zh-CN", { numeric: true }); });
    cards.forEach(function (section, room) {
      if (!rooms.has(room)) { section.remove(); cards.delete(room); }
    });
    names.forEach(function (room) {
      var list = rooms.get(room);
      var latest = list[0];
      var section = card(room);
      section.querySelector(".queue-name").textContent = latest.queue_name;
      section.querySelector(".label").textContent = latest.label;
      section.querySelector(".note").textContent = note(latest);
      section.classList.toggle("urgent", !!latest.emergency);
      section.classList.toggle("idle", !ON_BOARD[latest.status]);
      var previous = section.querySelector(".previous");
      previous.textContent = "";
      list.slice(1).forEach(function (c) { previous.appendChild(el("li", c.emergency ? "urgent" : "", c.label)); });
      main.appendChild(section); // keeps the cards in room order
    });
    layout(names.length);
    document.body.classList.toggle("empty", names.length === 0);
  }

  function flash(room) {
    var section = cards.get(room);
    if (!section) return;
    section.classList.remove("fresh");
    void section.offsetWidth; // restart the animation for a second call in the same room
    section.classList.add("fresh");
    clearTimeout(freshTimers.get(room));
    freshTimers.set(room, setTimeout(function () { section.classList.remove("fresh"); }, FRESH_MS));
  }

  function onCall(call, live) {
    remember(call);
    render();
    if (live && ON_BOARD[call.status]) flash(call.room);
  }

  function loadState() {
    if (pending === null) pending = [];
    return fetch(STATE_URL, { cache: "no-store" })
      .then(function (answer) {
        if (!answer.ok) throw new Error("HTTP " + answer.status);
        return answer.json();
      })
      .then(function (state) {
        var since = pending || [];
        pending = null;
        if (state.site) { $("site").textContent = state.site; document.title = state.site + " · 候诊叫号"; }
        if (state.timezone) zone = state.timezone;
        if (state.now) clockOffset = Date.parse(state.now) - Date.now();
        rooms = new Map();
        state.calls.forEach(remember);
        since.forEach(remember); // calls that arrived while the state was on its way
        render();
        tick();
      })
      .catch(function () {
        pending = null;
        setTimeout(loadState, RETRY_MS);
      });
  }

  function connected(yes) {
    $("link").classList.toggle("down", !yes);
    $("link-text").textContent = yes ? "已连接" : "连接中断，正在重连…";
  }

  function listen() {
    if (source) source.close();
    source = new EventSource(EVENTS_URL);
    source.onopen = function () { connected(true); loadState(); }; // also after every reconnect
    source.addEventListener("call", function (event) {
      var call = JSON.parse(event.data);
      if (pending) pending.push(call);
      onCall(call, true);
    });
    source.addEventListener("resync", function () { loadState(); });
    source.onerror = function () {
      connected(false);
      // CONNECTING: the browser retries by itself. CLOSED (an HTTP error): it gave up; start again.
      if (source.readyState === EventSource.CLOSED) setTimeout(listen, RETRY_MS);
    };
  }

  function format(options) {
    try { return new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: zone }, options)); }
    catch (e) { return new Intl.DateTimeFormat("zh-CN", options); }
  }

  function tick() {
    var now = new Date(Date.now() + clockOffset);
    $("time").textContent = format({ hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(now);
    $("date").textContent = format({ year: "numeric", month: "long", day: "numeric", weekday: "long" }).format(now);
  }

  document.addEventListener("DOMContentLoaded", function () {
    render();
    tick();
    setInterval(tick, 1000);
    setInterval(loadState, RESYNC_MS);
    listen();
  });
  // Close the stream when the page goes away (or into the back/forward cache): the server sees the
  // board leave at once instead of keeping its subscription open.
  window.addEventListener("pagehide", function () { if (source) source.close(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) listen(); });
})();
