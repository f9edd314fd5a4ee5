// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so it is announced and the user starts there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// After htmx swaps a partial in (supervision's quick log, confirmations): move focus to
// its error summary, or to what it marks as the place to continue, so keyboard and
// screen-reader users are not left on an element that no longer exists.
document.addEventListener("htmx:afterSettle", function () {
  var target =
    document.querySelector("[data-error-summary]") ||
    document.querySelector("[data-focus-after-swap]");
  if (target) {
    target.removeAttribute("data-focus-after-swap");
    target.focus();
  }
});
