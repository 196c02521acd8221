// What was typed outlives the session (issue 13): sessions end after 30 idle minutes, and a form submitted after that
// would be refused. A little before the end this warns and offers to stay signed in; once ended, it lets the user sign
// in again in another window and then gives this page's forms the new session's token, so what was typed is sent,
// not lost. A convenience only: without it the forms work, and an expired one is refused with a clear page.
(function () {
  var body = document.body;
  if (!document.querySelector("form input[name=csrf]")) return;
  var idle = Number(body.getAttribute("data-idle")) || 1800;
  var main = document.querySelector("main");
  var timer = null;
  var banner = null;

  function hide() {
    if (banner) banner.remove();
    banner = null;
  }

  function show(text, actions) {
    hide();
    banner = document.createElement("div");
    banner.className = "flash error session-note";
    banner.setAttribute("role", "alert");
    banner.appendChild(document.createTextNode(text + " "));
    actions.forEach(function (a) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = a[0];
      b.addEventListener("click", a[1]);
      banner.appendChild(b);
      banner.appendChild(document.createTextNode(" "));
    });
    main.insertBefore(banner, main.firstChild);
  }

  function arm() {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(idle - 180, 60) * 1000);
  }

  function warn() {
    show("您已较长时间没有操作，登录将在约3分钟后失效。已填写的内容请尽快提交，或：", [["保持登录", keep]]);
  }

  function expired() {
    show("登录已失效。本页填写的内容仍在：请在新窗口重新登录（不要关闭本页），然后回到本页点“继续”，再提交。", [
      ["在新窗口登录", function () { window.open("/signin", "_blank"); }],
      ["继续", keep],
    ]);
  }

  // Asks for this session's form token: it also keeps the session alive. A new session's token replaces the old one.
  function keep() {
    fetch("/session/token", { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (r) {
        if (!r.ok) return expired();
        return r.text().then(function (token) {
          document.querySelectorAll("input[name=csrf]").forEach(function (i) { i.value = token; });
          hide();
          arm();
        });
      })
      .catch(expired);
  }

  window.zhuqiSession = { warn: warn, keep: keep };
  arm();
})();
