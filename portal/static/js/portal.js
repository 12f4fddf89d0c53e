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

// A field checked as it is typed: its feedback was swapped in, so its input says whether it is
// invalid and points at the message, as a field rendered with an error does.
document.addEventListener("htmx:afterSwap", function (event) {
  var feedback = event.detail && event.detail.target;
  if (!feedback || !/-feedback$/.test(feedback.id || "")) return;
  var input = document.getElementById(feedback.id.replace(/-feedback$/, ""));
  if (!input) return;
  var errorId = input.id + "-error";
  var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
    return id && id !== errorId;
  });
  if (feedback.querySelector("#" + errorId)) {
    input.setAttribute("aria-invalid", "true");
    described.push(errorId);
  } else {
    input.removeAttribute("aria-invalid");
  }
  if (described.length) input.setAttribute("aria-describedby", described.join(" "));
  else input.removeAttribute("aria-describedby");
});
