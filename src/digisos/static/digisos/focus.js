// After a validation error, focus goes to the error summary (Aksel's pattern): a screen reader reads what to
// fix, and the keyboard starts from there. The summary has tabindex="-1"; where the page marks it with
// `autofocus` the browser does this without JavaScript, and this covers browsers and pages that do not.
// Focus that the person already moved (a click before the page finished loading) is left where it is.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary && (document.activeElement === null || document.activeElement === document.body)) {
    summary.focus();
  }
});
