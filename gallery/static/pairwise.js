// Pairwise comparison without page loads. The page works without JavaScript (each answer is a
// form post that redirects to the next pair); here the answer is posted with fetch while the
// next pair, already reserved and preloaded, is swapped in at once.
(function () {
  "use strict";

  var form = document.getElementById("pair-form");
  if (!form || !window.fetch || !window.FormData) { return; }

  var queue = JSON.parse(form.getAttribute("data-pairs") || "[]");
  var shown = queue.shift() || null;   // the pair on screen
  var answered = {};                   // keys answered here, so a late reply cannot bring one back
  var sending = Promise.resolve();     // answers go one after the other, in order
  var waiting = document.getElementById("pair-waiting");
  var focusedBefore = "pick-left";     // the button to give focus back to after waiting

  function say(name, values, assertive) {
    // The words are the page's own (data-said-* attributes, in the page's language).
    if (window.galleryAnnounce) {
      window.galleryAnnounce(window.galleryFormat(form.getAttribute("data-said-" + name), values || {}), assertive);
    }
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function preload(pair) {
    // Fetch the images before the pair is shown; the browser picks the same srcset candidate.
    ["left", "right"].forEach(function (side) {
      var image = new Image();
      image.sizes = "60mm";
      image.srcset = pair[side].srcset;
      image.src = pair[side].src;
    });
  }

  function show(pair) {
    var hadFocus = form.contains(document.activeElement);
    var wasWaiting = waiting && document.activeElement === waiting;
    shown = pair;
    form.hidden = !pair;
    if (waiting) { waiting.hidden = !!pair; }
    if (!pair) {
      // Focus must not vanish with the hidden form: it waits on the message instead.
      if (hadFocus && waiting) {
        focusedBefore = document.activeElement.id || focusedBefore;
        waiting.focus();
      }
      return;
    }
    ["left", "right"].forEach(function (side) {
      var data = pair[side];
      form.querySelector('input[data-side="' + side + '"]').value = data.id;
      var button = form.querySelector('button[data-side="' + side + '"]');
      button.value = data.id;
      var image = button.querySelector("img");
      image.srcset = data.srcset;
      image.src = data.src;
      image.alt = data.alt;
    });
    if (wasWaiting || document.activeElement === document.body) {
      var back = document.getElementById(focusedBefore);
      if (back) { back.focus(); }
    }
  }

  function next() {
    // The next pair in place of the answered one, announced; or the wait for one.
    var pair = queue.shift() || null;
    show(pair);
    if (pair) { say("pair", { left: pair.left.alt, right: pair.right.alt }); }
    else { say("waiting"); }
  }

  function update(reply) {
    if (reply.progress) {
      Object.keys(reply.progress).forEach(function (name) {
        var line = document.querySelector('[data-progress="' + name + '"]');
        if (line) { line.textContent = reply.progress[name]; }
      });
    }
    queue = (reply.pairs || []).filter(function (pair) {
      return !answered[pair.key] && !(shown && pair.key === shown.key);
    });
    queue.forEach(preload);
    if (!shown) {
      if (queue.length) { next(); }
      else { showWhatIsLeft(); }  // nothing left: let the server say so
    }
  }

  function showWhatIsLeft() {
    // Fetch the server's page and swap its main part in, focusing what it says (no pair left):
    // a reload would put focus back at the top of the page, with nothing read out. If the
    // server has a pair after all (one came free), the page is loaded anew instead.
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        if (!fresh || !fresh.querySelector("[data-pairs-end]")) { throw new Error("a pair is back"); }
        document.getElementById("main").replaceWith(document.importNode(fresh, true));
        var message = document.querySelector("[data-pairs-end]");
        message.setAttribute("tabindex", "-1");
        message.focus();
      })
      .catch(function () { window.location.reload(); });
  }

  function answer(button) {
    if (!shown || !button) { return; }
    var data = new FormData(form);
    data.append(button.name, button.value);
    answered[shown.key] = true;
    next();
    sending = sending.then(function () {
      return fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(update);
    }).catch(function () {
      // Refused or offline: the server's page is the truth.
      say("failed", {}, true);
      window.location.reload();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    answer(event.submitter || document.activeElement);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var target = {
      ArrowLeft: "pick-left", ArrowRight: "pick-right",
      ArrowUp: "pick-tie", e: "pick-tie",
      ArrowDown: "pick-skip", s: "pick-skip"
    }[key];
    if (!target) { return; }
    event.preventDefault();
    answer(document.getElementById(target));
  });

  queue.forEach(preload);
})();
