// Accessibility fixes to the theme's markup, so every page passes axe-core with no serious issue.
function loopkitAccessibility() {
  var search = document.querySelector(".md-search");
  if (search) search.setAttribute("aria-label", "Search");
  // A wide table scrolls inside its wrapper; keyboard users must be able to focus the wrapper to scroll it.
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", "Table");
  });
}
// The theme wraps tables after the page loads (and again after instant navigation, where enabled).
if (window.document$) window.document$.subscribe(loopkitAccessibility);
else window.addEventListener("load", loopkitAccessibility);
