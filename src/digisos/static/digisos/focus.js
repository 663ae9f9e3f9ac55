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

// A data table wider than a narrow screen scrolls in its own box (site.css). Browsers that do not make such a box
// focusable themselves get tabindex="0" on it, so the keyboard can scroll it too; a table that fits gets none
// (an extra stop in the tab order for nothing).
function focusableWhenScrolling() {
  document.querySelectorAll(".site-main table").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.setAttribute("tabindex", "0");
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableWhenScrolling);
window.addEventListener("resize", focusableWhenScrolling);
