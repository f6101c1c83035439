/* Print pages: refresh the true-size preview as choices change, and follow export progress.
   Everything also works without this file (Preview button, self-refreshing pages). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;
  var POLL_MS = 1500;

  function say(element, name, values, assertive) {
    // The words are the page's own (data-said-* attributes, in the page's language).
    if (window.galleryAnnounce) {
      window.galleryAnnounce(window.galleryFormat(element.getAttribute("data-said-" + name), values || {}), assertive);
    }
  }

  function focusWithin(element, selector) {
    // Focus the first element matching selector in element (made focusable if it is not).
    var found = element && element.querySelector(selector);
    if (!found) { return false; }
    if (!found.matches("a[href], button, input, select, textarea")) { found.setAttribute("tabindex", "-1"); }
    found.focus();
    return true;
  }

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
          if (ticket !== latest) { return; }
          var hadFocus = target.contains(document.activeElement);
          target.innerHTML = html;
          // Focus inside the old preview would be lost: it goes to the new one's button.
          if (hadFocus) { focusWithin(target, "button") || focusWithin(target, "h2"); }
          say(target, "updated");
        })
        .catch(function () {
          // Keep the old preview; the Preview button still works.
          if (ticket === latest) { say(target, "failed", {}, true); }
        })
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

  function replaceInPlace(id, status, bar) {
    // Swap the part of the page the export's end changes, then focus what comes next: the
    // download link, or the error. Reloading would drop the reader's place and focus. In a
    // list (data-refresh-focus="within") focus moves only if it was in the swapped part:
    // a printer reading another row stays where they are, and hears the news.
    var old = document.getElementById(id);
    var moveFocus = bar.getAttribute("data-refresh-focus") !== "within" ||
      (old !== null && old.contains(document.activeElement));
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
        if (!old || !fresh) { throw new Error("nothing to replace"); }
        fresh = document.importNode(fresh, true);
        old.replaceWith(fresh);
        if (moveFocus) {
          focusWithin(fresh, status.state === "done" ? "a.button" : ".error") ||
            focusWithin(fresh, "h1") || focusWithin(fresh, "a[href]");
        }
        say(bar, status.state === "done" ? "done" : "failed", {}, status.state !== "done");
      });
  }

  function followProgress(bar) {
    var url = bar.getAttribute("data-status-url");
    var said = -1;

    function finish(status) {
      var id = bar.getAttribute("data-refresh");
      if (!id || !window.DOMParser) { window.location.reload(); return; }
      replaceInPlace(id, status, bar).catch(function () { window.location.reload(); });
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (status.total) { bar.max = status.total; }
          bar.value = status.progress;
          bar.textContent = status.progress + "/" + status.total;
          if (status.state === "done" || status.state === "failed") {
            finish(status);
          } else {
            if (status.total && status.progress !== said) {
              said = status.progress;
              say(bar, "progress", { done: status.progress, total: status.total });
            }
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
