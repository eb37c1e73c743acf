// loopkit's fixes to the theme's markup for keyboard and screen-reader users (WCAG 2.2 AA), without a fork
// of the theme: mkdocs-material draws its menu, search and section toggles as <label>s for hidden checkboxes,
// which a keyboard cannot reach and a screen reader cannot name. Each fix here is idempotent, so running it
// again after instant navigation does no harm.
(function () {
  "use strict";
  var DRAWER_MEDIA = window.matchMedia("(max-width: 76.2344em)");  // the theme's off-canvas navigation

  function toggle(id) { return document.getElementById(id); }

  // A label drawn as a button: focusable, named, announces whether what it opens is open.
  function asButton(label, name, controls) {
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", name);
    if (controls) label.setAttribute("aria-controls", controls);
  }

  function syncExpanded() {
    var drawer = toggle("__drawer"), search = toggle("__search");
    document.querySelectorAll('.md-header label[for="__drawer"]').forEach(function (l) {
      l.setAttribute("aria-expanded", String(!!(drawer && drawer.checked)));
    });
    document.querySelectorAll('.md-header label[for="__search"]').forEach(function (l) {
      l.setAttribute("aria-expanded", String(!!(search && search.checked)));
    });
    // The off-canvas drawer holds about half the page's links; while it is shut they must not take focus.
    var sidebar = document.querySelector(".md-sidebar--primary");
    if (sidebar) {
      if (DRAWER_MEDIA.matches && !(drawer && drawer.checked)) sidebar.setAttribute("inert", "");
      else sidebar.removeAttribute("inert");
    }
    // The results' scroll container is 0 px high while search is shut: focusable only when it is open.
    var wrap = document.querySelector(".md-search__scrollwrap");
    if (wrap) wrap.setAttribute("tabindex", search && search.checked ? "0" : "-1");
  }

  function headerButtons() {
    var menu = document.querySelector('.md-header label[for="__drawer"]');
    if (menu) asButton(menu, "Navigation menu", "__drawer_nav");
    var sidebarNav = document.querySelector(".md-sidebar--primary .md-nav--primary");
    if (sidebarNav) sidebarNav.id = "__drawer_nav";
    var search = document.querySelector('.md-header > .md-header__inner > label[for="__search"]');
    if (search) asButton(search, "Search", "__search_dialog");
    var dialog = document.querySelector(".md-search");
    if (dialog) {
      dialog.id = "__search_dialog";
      dialog.setAttribute("aria-label", "Search");
    }
    // The overlay and the search form's own icon are mouse targets only.
    document.querySelectorAll(".md-overlay, .md-search__overlay").forEach(function (l) {
      l.setAttribute("aria-hidden", "true");
    });
    var icon = document.querySelector(".md-search__form label.md-search__icon");
    if (icon) icon.setAttribute("aria-hidden", "true");
    // The drawer's own title bar is a label that closes it; the logo link inside stays the focus stop.
    document.querySelectorAll('.md-nav__title[for="__drawer"]').forEach(function (l) { l.removeAttribute("tabindex"); });
    // The result count is announced as it changes.
    var meta = document.querySelector(".md-search-result__meta");
    if (meta) { meta.setAttribute("role", "status"); meta.setAttribute("aria-live", "polite"); }
    // The theme renders results with tabindex=-1 (arrow keys only): Tab must reach them too.
    var list = document.querySelector(".md-search-result__list");
    if (list && !list.dataset.lkObserved) {
      list.dataset.lkObserved = "1";
      new MutationObserver(function () {
        list.querySelectorAll('[tabindex="-1"]').forEach(function (el) { el.setAttribute("tabindex", "0"); });
      }).observe(list, {childList: true, subtree: true});
    }
  }

  // Section toggles in the navigation: a named button that says whether the section is expanded.
  function sectionToggles() {
    document.querySelectorAll(".md-nav__container > label.md-nav__link[for]").forEach(function (label) {
      var input = toggle(label.htmlFor);
      var link = label.parentElement.querySelector("a");
      var name = link ? link.textContent.trim() : "section";
      // The theme finds the section's <nav> by aria-labelledby, so the nav keeps it and shares this name.
      label.setAttribute("role", "button");
      label.setAttribute("aria-label", name + " section");
      label.setAttribute("aria-expanded", String(!!(input && input.checked)));
      if (input && !input.dataset.lkSync) {
        input.dataset.lkSync = "1";
        input.addEventListener("change", function () { label.setAttribute("aria-expanded", String(input.checked)); });
      }
    });
    // The titles that go back up a level in the phone drawer are labels too.
    document.querySelectorAll(".md-nav__title[for]:not([for='__drawer'])").forEach(function (label) {
      label.setAttribute("aria-hidden", "true");
    });
  }

  // The "¶" after each heading: named after its heading, not read as a pilcrow.
  function permalinks() {
    document.querySelectorAll(".md-typeset .headerlink").forEach(function (a) {
      var h = a.parentElement;
      var text = "";
      h.childNodes.forEach(function (n) { if (n !== a) text += n.textContent; });
      a.setAttribute("aria-label", "Link to this section: " + text.trim());
    });
  }

  // Tables: a scroll region (focusable, named after the table) only where the table is wider than its column.
  function tables() {
    document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset .lk-scroll").forEach(function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls) {
        var heading = null, el = wrapper;
        while (el && !heading) {
          el = el.previousElementSibling;
          if (el && /^H[2-6]$/.test(el.tagName)) heading = el;
        }
        var name = heading ? heading.textContent.replace("¶", "").trim() : "";
        if (!wrapper.dataset.lkName) wrapper.dataset.lkName = wrapper.getAttribute("aria-label") || (name ? "Table: " + name : "Table");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", wrapper.dataset.lkName + " (scrolls sideways)");
      } else {
        if (!wrapper.dataset.lkName && wrapper.getAttribute("aria-label")) wrapper.dataset.lkName = wrapper.getAttribute("aria-label");
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
    // Stacked tables on a phone repeat the column's header in front of each cell.
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-lk-label")) cell.setAttribute("data-lk-label", heads[i]);
        });
      });
    });
  }

  function run() {
    headerButtons();
    sectionToggles();
    permalinks();
    tables();
    syncExpanded();
  }

  var listening = false;
  function listen() {
    if (listening) return;
    listening = true;
    ["__drawer", "__search"].forEach(function (id) {
      var input = toggle(id);
      if (input) input.addEventListener("change", function () {
        syncExpanded();
        if (id === "__drawer" && input.checked && DRAWER_MEDIA.matches) {
          var first = document.querySelector(".md-sidebar--primary a[href], .md-sidebar--primary [tabindex='0']");
          if (first) setTimeout(function () { first.focus(); }, 50);
        }
      });
    });
    if (DRAWER_MEDIA.addEventListener) DRAWER_MEDIA.addEventListener("change", syncExpanded);
    window.addEventListener("resize", tables);

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      // Space on a label drawn as a button presses it, as on any button (the theme handles Enter).
      if ((event.key === " " || event.key === "Spacebar") && target instanceof HTMLLabelElement && target.getAttribute("role") === "button") {
        event.preventDefault();
        target.click();
      }
    });

    // The theme shuts search on Tab (so results cannot be reached with it) and sends focus to the body on
    // Escape. Keep Tab for moving through the results; shut search when focus leaves it; on Escape return
    // focus to the control that opened search.
    window.addEventListener("keydown", function (event) {
      var search = toggle("__search");
      if (!search || !search.checked) return;
      if (event.key === "Tab" && event.target.closest && event.target.closest(".md-search")) {
        event.stopImmediatePropagation();
      } else if (event.key === "Escape") {
        // The theme blurs the field, and a focused result is hidden as search shuts: either way focus would
        // fall to the body. Check again once the theme has shut search and the browser has dropped focus.
        var restore = function () {
          var active = document.activeElement;
          var output = document.querySelector(".md-search__output");
          if (active && active !== document.body && !(output && output.contains(active))) return;
          var button = document.querySelector('.md-header label[for="__search"]');
          var visible = button && button.offsetParent !== null;
          var input = document.querySelector(".md-search__input");
          (visible ? button : input).focus();
          var search = toggle("__search");
          if (!visible && search && search.checked) {  // focusing the field reopens search: shut it again
            search.checked = false;
            search.dispatchEvent(new Event("change"));
          }
        };
        setTimeout(restore, 0);
        setTimeout(restore, 100);
      }
    }, true);
    document.addEventListener("focusout", function (event) {
      var search = toggle("__search");
      var dialog = document.querySelector(".md-search");
      if (!search || !search.checked || !dialog || !dialog.contains(event.target)) return;
      var next = event.relatedTarget;
      if (next && !dialog.contains(next)) {
        search.checked = false;
        search.dispatchEvent(new Event("change"));
      }
    });
    // The drawer shuts on Escape, and focus goes back to the menu button.
    document.addEventListener("keydown", function (event) {
      var drawer = toggle("__drawer");
      if (event.key !== "Escape" || !drawer || !drawer.checked) return;
      drawer.click();
      var menu = document.querySelector('.md-header label[for="__drawer"]');
      if (menu) menu.focus();
    });
  }

  function start() { run(); listen(); }
  // The theme wraps tables after the page loads (and again after instant navigation, where enabled).
  if (window.document$) window.document$.subscribe(start);
  else window.addEventListener("load", start);
})();
