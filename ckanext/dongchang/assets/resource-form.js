/* The resource form's URL/upload switch without inline handlers (the site's CSP forbids them):
 * a button with data-dongchang-check ticks that radio or checkbox, then clears the field named
 * by data-dongchang-clear, clicks data-dongchang-click and focuses data-dongchang-focus, as
 * CKAN 2.12's onclick attributes in package/snippets/resource_upload_field.html did. */
(function () {
  function byId(id) { return id ? document.getElementById(id) : null; }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-dongchang-check]") : null;
    if (!button) { return; }
    var data = button.dataset;
    var box = byId(data.dongchangCheck);
    if (box) { box.checked = true; }
    var cleared = byId(data.dongchangClear);
    if (cleared) { cleared.value = ""; }
    var clicked = byId(data.dongchangClick);
    if (clicked) { clicked.click(); }
    var focused = byId(data.dongchangFocus);
    if (focused) { focused.focus(); }
  });
})();
