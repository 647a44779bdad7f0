// While a certificate is being prepared, asks the server for its block every few seconds and
// puts the downloads in place once it is stored, without reloading the page. Without this
// script the block links to a page that shows the same thing.
(function () {
  "use strict";
  var panel = document.querySelector("[data-certificate-panel][data-poll-url]");
  if (!panel || !("fetch" in window)) return;
  var url = panel.getAttribute("data-poll-url");
  var live = panel.querySelector("[role=status]");
  var tries = 0;
  var MAX_TRIES = 40;

  function again() {
    tries += 1;
    if (tries < MAX_TRIES) window.setTimeout(poll, Math.min(1500 * tries, 10000));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return again();
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-certificate-panel]");
        if (!fresh || fresh.hasAttribute("data-poll-url")) return again();
        // The live region stays in place so that screen readers announce the change.
        live.innerHTML = fresh.querySelector("[role=status]").innerHTML;
        panel.removeAttribute("data-poll-url");
      })
      .catch(again);
  }

  window.setTimeout(poll, 1500);
})();
