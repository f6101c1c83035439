// Keyboard shortcuts for the curators' work page. Everything here is also reachable without
// JavaScript: the keys only follow the page's own links and press its own buttons.
(function () {
  "use strict";

  function typing(target) {
    // Keys typed into a field or a menu belong to that field.
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.href); }
  }

  function score(value) {
    var button = document.querySelector('form.vote button[name="score"][value="' + value + '"]');
    if (button) { button.click(); }
  }

  function toggleKeys() {
    var keys = document.getElementById("keys");
    if (keys) { keys.open = !keys.open; }
  }

  function writeComment() {
    var box = document.querySelector("#comment-form textarea");
    if (box) { box.focus(); }
  }

  // Ctrl+Enter (⌘+Enter) posts the comment being written, as in most discussion tools.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || !target || target.tagName !== "TEXTAREA" || !target.form) {
      return;
    }
    event.preventDefault();
    target.form.requestSubmit();
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (event.key === "ArrowLeft") { follow("previous-work"); }
    else if (event.key === "ArrowRight") { follow("next-work"); }
    else if (event.key >= "1" && event.key <= "5" && event.key.length === 1) { score(event.key); }
    else if (event.key === "?") { toggleKeys(); }
    else if (event.key === "c") { writeComment(); }
    else if (event.key === "Escape") { var keys = document.getElementById("keys"); if (keys) { keys.open = false; } return; }
    else { return; }
    event.preventDefault();
  });
})();
