/* Print pages: refresh the true-size preview as choices change, and follow export progress.
   Everything also works without this file (Preview button, self-refreshing pages). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;
  var POLL_MS = 1500;

  function livePreview(form, target) {
    var timer = null;
    var latest = 0;

    function refresh() {
      var ticket = ++latest;
      var params = new URLSearchParams(new FormData(form));
      params.delete("q");
      var url = form.getAttribute("data-preview-url") + "?" + params.toString();
      target.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          // Only the answer to the newest request may replace the preview.
          if (ticket === latest) { target.innerHTML = html; }
        })
        .catch(function () { /* keep the old preview; the Preview button still works */ })
        .then(function () { if (ticket === latest) { target.removeAttribute("aria-busy"); } });
    }

    function changed(event) {
      var name = event.target && event.target.name;
      if (name === "q") { return; }
      if (name === "layout") {
        // A new layout brings its own default options: reload the whole form.
        if (event.type === "change") { form.submit(); }
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DEBOUNCE_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
  }

  function followProgress(bar) {
    var url = bar.getAttribute("data-status-url");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (status.total) { bar.max = status.total; }
          bar.value = status.progress;
          bar.textContent = status.progress + "/" + status.total;
          if (status.state === "done" || status.state === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 4); });
    }

    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("print-choices");
    var target = document.getElementById("print-preview");
    if (form && target && window.fetch && window.URLSearchParams) {
      livePreview(form, target);
    }
    var bars = document.querySelectorAll("progress[data-status-url]");
    Array.prototype.forEach.call(bars, followProgress);
  });
})();
