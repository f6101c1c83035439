// Live announcements: scripts that change a page without loading a new one say what changed
// through the page's two live regions (templates/base.html). The words come from the page
// (data- attributes written in the page's language), never from this file.
(function () {
  "use strict";

  var timers = {};

  window.galleryAnnounce = function (text, assertive) {
    var id = assertive ? "announce-assertive" : "announce-polite";
    var region = document.getElementById(id);
    if (!region || !text) { return; }
    // Emptied first, then filled a moment later: the same words twice are read twice.
    region.textContent = "";
    window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () { region.textContent = text; }, 50);
  };

  // Fill "{name}" places of a page's text with values.
  window.galleryFormat = function (text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  };
})();
