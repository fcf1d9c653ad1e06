/* West Suffolk: move keyboard focus where GOV.UK patterns expect it.
 *
 * westsuffolk-focus      - focuses its element on page load (the error summary), so screen
 *                          reader and keyboard users land on the list of problems first.
 * westsuffolk-skip-link  - a skip link moves focus (not just the scroll position) to its target.
 */
"use strict";

ckan.module("westsuffolk-focus", function ($) {
  return {
    initialize: function () {
      var el = this.el[0];
      if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
      el.focus();
      if (el.scrollIntoView) { el.scrollIntoView({ block: "start" }); }
    }
  };
});

ckan.module("westsuffolk-skip-link", function ($) {
  return {
    initialize: function () {
      this.el.on("click", function (event) {
        var id = (this.getAttribute("href") || "").replace(/^#/, "");
        var target = id && document.getElementById(id);
        if (!target) { return; }
        event.preventDefault();
        if (!target.hasAttribute("tabindex")) {
          target.setAttribute("tabindex", "-1");
          target.addEventListener("blur", function () { target.removeAttribute("tabindex"); }, { once: true });
        }
        target.focus();
        target.scrollIntoView({ block: "start" });
      });
    }
  };
});
