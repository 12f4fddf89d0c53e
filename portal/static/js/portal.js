// Progressive enhancement only: every page works without this file.
// "js" means htmx is here too (both scripts are deferred, htmx first): when the CDN is down,
// the fallback buttons stay visible.
if (window.htmx) document.documentElement.classList.add("js");
// After htmx swaps in a result or an error summary, move focus there so screen readers read it.
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail && event.detail.elt;
  if (!target || !target.querySelector) return;
  var focusable = target.matches && target.matches("[data-focus-after-swap]")
    ? target
    : target.querySelector("[data-focus-after-swap]");
  if (focusable && event.detail.requestConfig && event.detail.requestConfig.elt.tagName === "FORM") {
    focusable.focus();
  }
});

// A page that comes back with errors: put the keyboard and screen reader on the error summary.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
