// Accessibility fix for Material 9.8.1: its search overlay (partials/search.html) is a
// role="dialog" without an accessible name (axe-core rule aria-dialog-name). Name it, rather than
// copy and maintain the whole theme partial.
for (const dialog of document.querySelectorAll(".md-search[role=dialog]:not([aria-label])")) {
  dialog.setAttribute("aria-label", "搜尋");
}
