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

// A NIK never goes into an address (browser history, proxy and server logs): htmx requests that
// would carry one in their query string (a live search box) are not sent; the form's
// [data-nik-hint] says where a NIK is searched instead. The server refuses one anyway.
// The same rule as portal.core.nik.could_be_part_of_a_nik: six digits anywhere, unless it is a
// complaint or help-request number ("SGP-2026-000097", "2026-000097", "000097").
var REFERENCE_LIKE = /^\s*(?:(?:(?:sgp|btn)\s*[-/ ]?\s*)?20[2-3]\d\s*[-/ ]\s*\d{1,6}|0\d{0,5})\s*$/i;
function looksLikeNik(value) {
  var text = String(value || "");
  if (REFERENCE_LIKE.test(text)) return false;
  return (text.match(/[0-9]/g) || []).length >= 6;
}
document.addEventListener("htmx:configRequest", function (event) {
  var detail = event.detail;
  if (!detail || String(detail.verb).toLowerCase() !== "get") return;
  var params = detail.parameters || {};
  var form = detail.elt && detail.elt.closest ? detail.elt.closest("form") : null;
  var entries = params instanceof FormData ? Array.from(params.entries()) : Object.entries(params);
  // Only what a person types can be a NIK: a chosen option (a region code such as 32.75.01) is not.
  var typed = function (name) {
    var field = (form || document).querySelector('[name="' + CSS.escape(name) + '"]');
    return !field || field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && /^(text|search|tel|number|)$/.test(field.type));
  };
  var holdsNik = entries.some(function (entry) {
    if (!typed(entry[0])) return false;
    var value = entry[1];
    return Array.isArray(value) ? value.some(looksLikeNik) : looksLikeNik(value);
  });
  var hint = form ? form.querySelector("[data-nik-hint]") : null;
  if (hint) hint.textContent = holdsNik ? hint.getAttribute("data-nik-hint-text") : "";
  if (holdsNik) event.preventDefault();
});

// A NIK is checked when the resident leaves the field or sends (htmx's "change"), not while
// they pause between the groups of four copied from a KTP: only once 16 digits are typed does
// the check run as they type ("nik-complete", debounced by the field's hx-trigger).
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input || !input.hasAttribute || !input.hasAttribute("data-nik-live")) return;
  if ((input.value.match(/[0-9]/g) || []).length >= 16) {
    input.dispatchEvent(new CustomEvent("nik-complete", { bubbles: false }));
  }
});

// A form sent with htmx whose connection drops (or stalls past htmx's timeout) would otherwise
// show nothing: "Sedang memeriksa…" goes away and the page stays as it was. Say so beside the
// send button, to screen readers too (role=alert); the typed answers are still in the form.
function showSendError(event) {
  var elt = event.detail && event.detail.elt;
  var form = elt && elt.closest ? elt.closest("form") : null;
  var template = document.getElementById("send-error-template");
  if (!form || !template || (elt !== form && elt.tagName !== "BUTTON")) return;
  clearSendError(form);
  var message = template.content.firstElementChild.cloneNode(true);
  var button = form.querySelector("button:not([type=button]), [type=submit]");
  if (button) button.parentNode.insertBefore(message, button);
  else form.appendChild(message);
}
function clearSendError(form) {
  var old = form.querySelector(".send-error");
  if (old) old.remove();
}
document.addEventListener("htmx:sendError", showSendError);
document.addEventListener("htmx:timeout", showSendError);
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail && event.detail.elt;
  if (elt && elt.tagName === "FORM") clearSendError(elt);
});

// A group used for one answer of a radio group only ([data-shown-when="name=value"], e.g. a
// reporter's contact fields, used unless the report is anonymous) is hidden while another answer
// is chosen. Without JavaScript it stays, its first line saying when it is not used.
function syncShownWhen(root) {
  var groups = (root || document).querySelectorAll("[data-shown-when]");
  Array.prototype.forEach.call(groups, function (group) {
    var rule = group.getAttribute("data-shown-when").split("=");
    var scope = group.closest("form") || document;
    var chosen = scope.querySelector('input[type="radio"][name="' + rule[0] + '"]:checked');
    group.hidden = !!chosen && chosen.value !== rule[1];
  });
}
document.addEventListener("DOMContentLoaded", function () {
  syncShownWhen(document);
});
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input && input.type === "radio" && input.form) syncShownWhen(input.form);
});
